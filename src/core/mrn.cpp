#include "core/mrn.h"

#include <cstdio>

namespace openkap {

int luhn_check_digit(std::string_view digits) {
  // Double every second digit from the right of the payload (the check digit will be rightmost).
  int sum = 0;
  bool dbl = true;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return (10 - sum % 10) % 10;
}

std::string make_mrn(int64_t sequence) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(sequence));
  return std::string("OK-") + digits + "-" + static_cast<char>('0' + luhn_check_digit(digits));
}

bool is_valid_mrn(std::string_view m) {
  if (m.size() < 11 || m.substr(0, 3) != "OK-" || m[m.size() - 2] != '-') return false;
  const auto digits = m.substr(3, m.size() - 5);
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  const char check = m.back();
  return check >= '0' && check <= '9' && luhn_check_digit(digits) == check - '0';
}

}  // namespace openkap
