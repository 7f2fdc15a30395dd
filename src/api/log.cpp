#include "api/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "core/timefmt.h"

namespace openkap::api {

namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::info)};
std::mutex g_mu;
const char* name(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}
}  // namespace

void set_log_level(LogLevel level) { g_level = static_cast<int>(level); }
bool log_enabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

void log_event(LogLevel level, std::string_view message, const nlohmann::json& fields) {
  if (!log_enabled(level)) return;
  nlohmann::json line = fields;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  line["ts"] = format_iso_utc_ms(ms);
  line["level"] = name(level);
  line["msg"] = message;
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(g_mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace openkap::api
