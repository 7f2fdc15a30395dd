#include "core/login_throttle.h"

#include <algorithm>

namespace openkap {

LoginGate check_login_gate(const LoginFailureState& s, int64_t now, const LoginThrottlePolicy& p) {
  if (s.locked_until > now) return {LoginGate::Kind::locked, s.locked_until - now};
  if (s.locked_until != 0) return {};  // a finished lockout starts a fresh count
  if (s.consecutive_failures <= p.free_failures) return {};
  const int exponent = std::min(s.consecutive_failures - p.free_failures - 1, 30);
  const int64_t delay = std::min<int64_t>(int64_t{1} << exponent, p.max_delay_seconds);
  const int64_t wait_until = s.last_failure_at + delay;
  if (now < wait_until) return {LoginGate::Kind::delayed, wait_until - now};
  return {};
}

LoginFailureState record_login_failure(LoginFailureState s, int64_t now, const LoginThrottlePolicy& p) {
  if (s.locked_until != 0 && s.locked_until <= now) s = {};  // lockout expired: count afresh
  s.consecutive_failures += 1;
  s.last_failure_at = now;
  if (s.consecutive_failures >= p.lockout_after) s.locked_until = now + p.lockout_seconds;
  return s;
}

}  // namespace openkap
