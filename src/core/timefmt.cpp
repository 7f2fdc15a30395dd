#include "core/timefmt.h"

#include <cstdio>

#include "core/validation.h"

namespace openkap {

std::string format_iso_utc_ms(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t rem = ms - days * 86400000;
  const CivilDate d = civil_from_days(days);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year, d.month, d.day,
                static_cast<int>(rem / 3600000), static_cast<int>(rem / 60000 % 60), static_cast<int>(rem / 1000 % 60),
                static_cast<int>(rem % 1000));
  return buf;
}

std::optional<int64_t> parse_iso_utc_ms(std::string_view s) {
  auto date = parse_date(s.substr(0, 10));
  if (!date) return std::nullopt;
  int64_t ms = days_from_civil(*date) * 86400000;
  if (s.size() == 10) return ms;
  if (s.size() < 20 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto num = [&](size_t at, size_t n) -> int {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return std::nullopt;
  ms += (h * 3600 + mi * 60 + se) * int64_t{1000};
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t start_of_fraction = i;
    int frac = 0, digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 3) frac = frac * 10 + (s[i] - '0'), ++digits;
      ++i;
    }
    if (i == start_of_fraction) return std::nullopt;  // "." needs at least one digit
    while (digits < 3) frac *= 10, ++digits;
    ms += frac;
  }
  if (i < s.size() && s[i] == 'Z' && i + 1 == s.size()) return ms;
  if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    const int oh = num(i + 1, 2), om = num(i + 4, 2);
    if (oh < 0 || oh > 14 || om < 0 || om > 59) return std::nullopt;
    const int64_t off = (oh * 60 + om) * int64_t{60000};
    return s[i] == '+' ? ms - off : ms + off;
  }
  return std::nullopt;
}

}  // namespace openkap
