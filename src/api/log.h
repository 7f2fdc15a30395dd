// JSON-lines logs on stderr. Never pass patient data here: log route templates, ids of
// requests, statuses and timings only.
#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

namespace openkap::api {

enum class LogLevel { debug, info, warn, error };
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);
void log_event(LogLevel level, std::string_view message, const nlohmann::json& fields = nlohmann::json::object());

}  // namespace openkap::api
