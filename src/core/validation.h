// Pure validators for input that reaches the clinic's records: dates, text, codes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace openkap {

struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;
  auto operator<=>(const CivilDate&) const = default;
};

// Parses strictly YYYY-MM-DD and rejects dates that do not exist (2025-02-30, 2023-02-29).
std::optional<CivilDate> parse_date(std::string_view text);
std::string format_date(const CivilDate& d);
bool is_leap_year(int year);
int days_in_month(int year, int month);

// Days since 1970-01-01 (proleptic Gregorian), for comparing and for "today".
int64_t days_from_civil(const CivilDate& d);
CivilDate civil_from_days(int64_t days);

// True when every byte sequence is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view text);
// Number of Unicode code points (assumes valid UTF-8): length limits count characters, not bytes.
size_t utf8_length(std::string_view text);
// True when the text holds a C0 control character other than tab/newline/CR, or DEL.
bool has_control_chars(std::string_view text);

// Folds text for searching: lower-case, Latin accents removed ("Zoë" -> "zoe", "Ñúñez" -> "nunez").
// Characters outside the Latin ranges are kept as they are, so other scripts still match exactly.
std::string fold_for_search(std::string_view text);

// Lexicographic successor of a prefix for range scans: all strings starting with `prefix`
// are >= prefix and < prefix_upper_bound(prefix).
std::string prefix_upper_bound(std::string prefix);

}  // namespace openkap
