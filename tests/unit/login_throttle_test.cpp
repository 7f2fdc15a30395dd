// Brute-force protection for sign-in (src/core/login_throttle.h, docs/api.md "Authentication"):
// from the 3rd consecutive failure on, each further attempt waits 2^(n-3) s after the last
// failure (429); after 10 consecutive failures the account is locked for 15 minutes (423).
#include "core/login_throttle.h"

#include <gtest/gtest.h>

namespace openkap {
namespace {

constexpr int64_t T0 = 1'795'426'200;  // 2026-11-23T09:30:00Z

LoginFailureState fail_n_times_at(int n, int64_t at) {
  LoginFailureState s;
  for (int i = 0; i < n; ++i) s = record_login_failure(s, at);
  return s;
}

TEST(LoginThrottle, NoFailuresMeansNoWait) {
  const auto g = check_login_gate(LoginFailureState{}, T0);
  EXPECT_EQ(g.kind, LoginGate::Kind::allowed);
  EXPECT_EQ(g.retry_after_seconds, 0);
}

TEST(LoginThrottle, RecordingAFailureCountsItAndStampsTheTime) {
  auto s = record_login_failure(LoginFailureState{}, T0);
  EXPECT_EQ(s.consecutive_failures, 1);
  EXPECT_EQ(s.last_failure_at, T0);
  EXPECT_EQ(s.locked_until, 0);
  s = record_login_failure(s, T0 + 5);
  EXPECT_EQ(s.consecutive_failures, 2);
  EXPECT_EQ(s.last_failure_at, T0 + 5);
}

TEST(LoginThrottle, FirstTwoFailuresCostNothing) {
  EXPECT_EQ(check_login_gate(fail_n_times_at(1, T0), T0).kind, LoginGate::Kind::allowed);
  EXPECT_EQ(check_login_gate(fail_n_times_at(2, T0), T0).kind, LoginGate::Kind::allowed);
}

TEST(LoginThrottle, ThirdFailureMakesTheNextAttemptWaitOneSecond) {
  const auto s = fail_n_times_at(3, T0);
  const auto g = check_login_gate(s, T0);
  EXPECT_EQ(g.kind, LoginGate::Kind::delayed);
  EXPECT_EQ(g.retry_after_seconds, 1);
  EXPECT_EQ(check_login_gate(s, T0 + 1).kind, LoginGate::Kind::allowed);
}

TEST(LoginThrottle, FourthFailureWaitsTwoSeconds) {
  const auto s = fail_n_times_at(4, T0);
  EXPECT_EQ(check_login_gate(s, T0).retry_after_seconds, 2);
  const auto g = check_login_gate(s, T0 + 1);
  EXPECT_EQ(g.kind, LoginGate::Kind::delayed);
  EXPECT_EQ(g.retry_after_seconds, 1);
  EXPECT_EQ(check_login_gate(s, T0 + 2).kind, LoginGate::Kind::allowed);
}

TEST(LoginThrottle, FifthFailureWaitsFourSeconds) {
  const auto s = fail_n_times_at(5, T0);
  EXPECT_EQ(check_login_gate(s, T0).kind, LoginGate::Kind::delayed);
  EXPECT_EQ(check_login_gate(s, T0).retry_after_seconds, 4);
  EXPECT_EQ(check_login_gate(s, T0 + 3).kind, LoginGate::Kind::delayed);
  EXPECT_EQ(check_login_gate(s, T0 + 4).kind, LoginGate::Kind::allowed);
}

TEST(LoginThrottle, WaitDoublesWithEachFurtherFailureBeforeLockout) {
  // n failures -> 2^(n-3) seconds: 3->1, 4->2, 5->4, 6->8, 7->16, 8->32, 9->64.
  const int64_t expected[] = {0, 0, 0, 1, 2, 4, 8, 16, 32, 64};
  for (int n = 3; n <= 9; ++n) {
    const auto s = fail_n_times_at(n, T0);
    const auto g = check_login_gate(s, T0);
    EXPECT_EQ(g.kind, LoginGate::Kind::delayed) << n;
    EXPECT_EQ(g.retry_after_seconds, expected[n]) << n;
    EXPECT_EQ(check_login_gate(s, T0 + expected[n] - 1).kind, LoginGate::Kind::delayed) << n;
    EXPECT_EQ(check_login_gate(s, T0 + expected[n]).kind, LoginGate::Kind::allowed) << n;
  }
}

TEST(LoginThrottle, WaitIsMeasuredFromTheLastFailure) {
  // Failures spread over time: only the most recent one starts the clock.
  LoginFailureState s;
  s = record_login_failure(s, T0);
  s = record_login_failure(s, T0 + 100);
  s = record_login_failure(s, T0 + 200);
  s = record_login_failure(s, T0 + 300);  // 4th: wait 2 s from T0+300
  EXPECT_EQ(check_login_gate(s, T0 + 301).kind, LoginGate::Kind::delayed);
  EXPECT_EQ(check_login_gate(s, T0 + 301).retry_after_seconds, 1);
  EXPECT_EQ(check_login_gate(s, T0 + 302).kind, LoginGate::Kind::allowed);
}

TEST(LoginThrottle, TenthConsecutiveFailureLocksTheAccountForFifteenMinutes) {
  const auto nine = fail_n_times_at(9, T0);
  EXPECT_EQ(nine.locked_until, 0);
  const auto s = record_login_failure(nine, T0 + 64);
  EXPECT_EQ(s.consecutive_failures, 10);
  EXPECT_EQ(s.locked_until, T0 + 64 + 900);
  const auto g = check_login_gate(s, T0 + 64);
  EXPECT_EQ(g.kind, LoginGate::Kind::locked);  // 423, not a 429 delay
  EXPECT_EQ(g.retry_after_seconds, 900);
}

TEST(LoginThrottle, StaysLockedUntilTheLockoutEndsThenAllowsAnAttempt) {
  const auto s = fail_n_times_at(10, T0);
  ASSERT_EQ(s.locked_until, T0 + 900);
  EXPECT_EQ(check_login_gate(s, T0 + 1).kind, LoginGate::Kind::locked);
  EXPECT_EQ(check_login_gate(s, T0 + 1).retry_after_seconds, 899);
  EXPECT_EQ(check_login_gate(s, T0 + 899).kind, LoginGate::Kind::locked);
  EXPECT_EQ(check_login_gate(s, T0 + 899).retry_after_seconds, 1);
  const auto after = check_login_gate(s, T0 + 900);
  EXPECT_EQ(after.kind, LoginGate::Kind::allowed);
  EXPECT_EQ(check_login_gate(s, T0 + 5000).kind, LoginGate::Kind::allowed);
}

TEST(LoginThrottle, FailuresDuringALockoutDoNotUnlockIt) {
  auto s = fail_n_times_at(10, T0);
  s = record_login_failure(s, T0 + 10);
  EXPECT_GE(s.locked_until, T0 + 900);
  EXPECT_EQ(check_login_gate(s, T0 + 11).kind, LoginGate::Kind::locked);
}

TEST(LoginThrottle, AnExpiredLockoutStartsAFreshCount) {
  const auto locked = fail_n_times_at(10, T0);
  const auto s = record_login_failure(locked, T0 + 900);
  EXPECT_EQ(s.consecutive_failures, 1);
  EXPECT_EQ(s.locked_until, 0);
  EXPECT_EQ(s.last_failure_at, T0 + 900);
  // One failure is free again: no wait, no lock.
  EXPECT_EQ(check_login_gate(s, T0 + 900).kind, LoginGate::Kind::allowed);
  // And the full ladder applies afresh: the 3rd failure after the lockout waits 1 s.
  auto t = record_login_failure(record_login_failure(s, T0 + 901), T0 + 902);
  EXPECT_EQ(t.consecutive_failures, 3);
  EXPECT_EQ(check_login_gate(t, T0 + 902).retry_after_seconds, 1);
}

TEST(LoginThrottle, DelayIsCappedAtTheMaximum) {
  LoginThrottlePolicy p;
  p.lockout_after = 1000;  // never lock, so the delay keeps growing
  p.max_delay_seconds = 300;
  // 12 failures: 2^9 = 512 s, capped to 300.
  LoginFailureState s;
  for (int i = 0; i < 12; ++i) s = record_login_failure(s, T0, p);
  EXPECT_EQ(check_login_gate(s, T0, p).retry_after_seconds, 300);
  // 11 failures: 2^8 = 256 s, below the cap.
  LoginFailureState s11;
  for (int i = 0; i < 11; ++i) s11 = record_login_failure(s11, T0, p);
  EXPECT_EQ(check_login_gate(s11, T0, p).retry_after_seconds, 256);
  // Far beyond 64 failures the shift must not overflow: still exactly the cap.
  LoginFailureState many;
  many.consecutive_failures = 500;
  many.last_failure_at = T0;
  const auto g = check_login_gate(many, T0, p);
  EXPECT_EQ(g.kind, LoginGate::Kind::delayed);
  EXPECT_EQ(g.retry_after_seconds, 300);
}

TEST(LoginThrottle, PolicyParametersAreHonoured) {
  LoginThrottlePolicy p;
  p.free_failures = 0;
  p.lockout_after = 3;
  p.lockout_seconds = 60;
  auto s = record_login_failure(LoginFailureState{}, T0, p);
  EXPECT_EQ(check_login_gate(s, T0, p).retry_after_seconds, 1);  // 2^(1-0-1)
  s = record_login_failure(s, T0, p);
  EXPECT_EQ(check_login_gate(s, T0, p).retry_after_seconds, 2);
  s = record_login_failure(s, T0, p);
  EXPECT_EQ(s.locked_until, T0 + 60);
  EXPECT_EQ(check_login_gate(s, T0, p).kind, LoginGate::Kind::locked);
}

TEST(LoginThrottle, AnAttackerRetryingAsSoonAsAllowedIsLockedOutAfterTwoMinutes) {
  // Simulate the fastest legal attacker: 2 free tries, then waits of 1+2+4+...+64 = 127 s
  // between the 3rd and the 10th failure, then a 15-minute lock.
  LoginFailureState s;
  int64_t now = T0;
  int attempts = 0;
  for (int step = 0;; ++step) {
    ASSERT_LT(step, 1000) << "the gate never locked";
    const auto g = check_login_gate(s, now);
    if (g.kind == LoginGate::Kind::locked) break;
    if (g.kind == LoginGate::Kind::delayed) {
      ASSERT_GT(g.retry_after_seconds, 0) << "a delay must name a positive wait";
      now += g.retry_after_seconds;
      continue;
    }
    s = record_login_failure(s, now);
    ++attempts;
  }
  EXPECT_EQ(attempts, 10);
  EXPECT_EQ(now - T0, 127);
  EXPECT_EQ(s.locked_until, T0 + 127 + 900);
}

}  // namespace
}  // namespace openkap
