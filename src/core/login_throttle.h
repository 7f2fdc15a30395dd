// Growing delay, then lockout, after repeated failed logins (brute-force protection).
#pragma once
#include <cstdint>

namespace openkap {

struct LoginThrottlePolicy {
  int free_failures = 2;          // the first failures cost nothing (typos happen)
  int lockout_after = 10;         // consecutive failures that lock the account
  int64_t lockout_seconds = 900;  // 15 minutes
  int64_t max_delay_seconds = 300;
};

struct LoginFailureState {
  int consecutive_failures = 0;
  int64_t last_failure_at = 0;  // unix seconds
  int64_t locked_until = 0;     // unix seconds, 0 when not locked
};

struct LoginGate {
  enum class Kind { allowed, delayed, locked } kind = Kind::allowed;
  int64_t retry_after_seconds = 0;
};

// May an attempt be made now? From the (free_failures+1)th failure on, each further attempt
// waits 2^(n - free_failures - 1) seconds after the last failure (1, 2, 4, ... capped).
LoginGate check_login_gate(const LoginFailureState& s, int64_t now, const LoginThrottlePolicy& p = {});
// State after a failed attempt at `now` (sets locked_until when the threshold is reached).
LoginFailureState record_login_failure(LoginFailureState s, int64_t now, const LoginThrottlePolicy& p = {});

}  // namespace openkap
