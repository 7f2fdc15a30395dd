// Time as text: ISO 8601 UTC on the wire and in storage (DESIGN.md, "Time").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace openkap {

std::string format_iso_utc_ms(int64_t unix_ms);  // 2026-11-23T09:30:00.123Z
// Accepts YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM) or a bare date (midnight UTC). Returns unix ms.
std::optional<int64_t> parse_iso_utc_ms(std::string_view text);

}  // namespace openkap
