// Live login sessions in memory (src/api/session_cache.h, docs/api.md "Sessions end after
// 15 minutes idle or 12 hours in all").
#include "api/session_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace openkap::api {
namespace {

constexpr int64_t T = 1'795'426'200;  // 2026-11-23T09:30:00Z
constexpr SessionTimeouts kTimeouts{900, 12 * 3600};

AuthUser user(int64_t id, const std::string& token_hash) {
  AuthUser u;
  u.user_id = id;
  u.username = "user" + std::to_string(id);
  u.role = Role::nurse;
  u.token_hash = token_hash;
  u.csrf_hash = "csrf-" + token_hash;
  return u;
}

// A fresh session created at T, expiring after the absolute timeout.
void start_session(SessionCache& c, const std::string& hash, int64_t user_id = 1) {
  c.put(user(user_id, hash), T + kTimeouts.absolute_seconds, T);
}

TEST(SessionCache, TouchReturnsTheSessionsUser) {
  SessionCache c(kTimeouts);
  start_session(c, "h1", 42);
  auto u = c.touch("h1", T + 1, nullptr);
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->user_id, 42);
  EXPECT_EQ(u->username, "user42");
  EXPECT_EQ(u->role, Role::nurse);
  EXPECT_EQ(u->token_hash, "h1");
  EXPECT_EQ(u->csrf_hash, "csrf-h1");
}

TEST(SessionCache, UnknownTokenIsNotASession) {
  SessionCache c(kTimeouts);
  start_session(c, "h1");
  EXPECT_FALSE(c.touch("h2", T, nullptr).has_value());
  EXPECT_FALSE(c.touch("", T, nullptr).has_value());
}

TEST(SessionCache, SessionIsLiveAtExactlyTheIdleTimeout) {
  SessionCache c(kTimeouts);
  start_session(c, "h1");
  EXPECT_TRUE(c.touch("h1", T + 900, nullptr).has_value());
}

TEST(SessionCache, SessionEndsOneSecondAfterTheIdleTimeout) {
  SessionCache c(kTimeouts);
  start_session(c, "h1");
  EXPECT_FALSE(c.touch("h1", T + 901, nullptr).has_value());
  EXPECT_EQ(c.size(), 0u) << "an expired session is dropped";
  EXPECT_FALSE(c.touch("h1", T + 1, nullptr).has_value()) << "and stays gone";
}

TEST(SessionCache, TouchRefreshesTheIdleClock) {
  SessionCache c(kTimeouts);
  start_session(c, "h1");
  ASSERT_TRUE(c.touch("h1", T + 900, nullptr).has_value());
  ASSERT_TRUE(c.touch("h1", T + 1800, nullptr).has_value());  // 900 s after the last touch
  ASSERT_TRUE(c.touch("h1", T + 2700, nullptr).has_value());
  EXPECT_FALSE(c.touch("h1", T + 3601, nullptr).has_value());  // 901 s after the last touch
}

TEST(SessionCache, AbsoluteExpiryEndsEvenAnActiveSession) {
  SessionCache c(kTimeouts);
  start_session(c, "h1");
  const int64_t expires = T + 12 * 3600;
  for (int64_t t = T + 600; t < expires; t += 600) ASSERT_TRUE(c.touch("h1", t, nullptr).has_value()) << t - T;
  EXPECT_TRUE(c.touch("h1", expires - 1, nullptr).has_value());
  EXPECT_FALSE(c.touch("h1", expires, nullptr).has_value());
}

TEST(SessionCache, IdleTimeoutIsConfigurable) {
  SessionCache c(SessionTimeouts{60, 3600});
  c.put(user(1, "h"), T + 3600, T);
  EXPECT_TRUE(c.touch("h", T + 60, nullptr).has_value());
  EXPECT_FALSE(c.touch("h", T + 121, nullptr).has_value());
}

TEST(SessionCache, IdleClockStartsAtTheGivenLastSeenTime) {
  // Sessions reloaded after a restart carry their persisted last-seen time.
  SessionCache c(kTimeouts);
  c.put(user(1, "h"), T + 3600, T - 1000);
  EXPECT_FALSE(c.touch("h", T, nullptr).has_value());  // idle 1000 s > 900 s
}

TEST(SessionCache, RemoveEndsOneSession) {
  SessionCache c(kTimeouts);
  c.put(user(1, "a"), T + 3600, T);
  c.put(user(1, "b"), T + 3600, T);
  c.remove("a");
  EXPECT_FALSE(c.touch("a", T, nullptr).has_value());
  EXPECT_TRUE(c.touch("b", T, nullptr).has_value());
  EXPECT_EQ(c.size(), 1u);
}

TEST(SessionCache, RemoveUserEndsAllOfThatUsersSessionsOnly) {
  SessionCache c(kTimeouts);
  c.put(user(1, "u1-a"), T + 3600, T);
  c.put(user(1, "u1-b"), T + 3600, T);
  c.put(user(1, "u1-c"), T + 3600, T);
  c.put(user(2, "u2-a"), T + 3600, T);
  c.put(user(3, "u3-a"), T + 3600, T);
  ASSERT_EQ(c.size(), 5u);
  c.remove_user(1);
  EXPECT_EQ(c.size(), 2u);
  EXPECT_FALSE(c.touch("u1-a", T, nullptr).has_value());
  EXPECT_FALSE(c.touch("u1-b", T, nullptr).has_value());
  EXPECT_FALSE(c.touch("u1-c", T, nullptr).has_value());
  EXPECT_TRUE(c.touch("u2-a", T, nullptr).has_value());
  EXPECT_TRUE(c.touch("u3-a", T, nullptr).has_value());
}

TEST(SessionCache, PersistIsDueOncePerMinuteOfActivity) {
  SessionCache c(kTimeouts);
  start_session(c, "h1");
  bool due = true;
  ASSERT_TRUE(c.touch("h1", T + 1, &due).has_value());
  EXPECT_FALSE(due);
  ASSERT_TRUE(c.touch("h1", T + 59, &due).has_value());
  EXPECT_FALSE(due);
  ASSERT_TRUE(c.touch("h1", T + 60, &due).has_value());
  EXPECT_TRUE(due) << "60 s after the last persisted activity";
  ASSERT_TRUE(c.touch("h1", T + 61, &due).has_value());
  EXPECT_FALSE(due) << "only once per minute";
  ASSERT_TRUE(c.touch("h1", T + 119, &due).has_value());
  EXPECT_FALSE(due);
  ASSERT_TRUE(c.touch("h1", T + 120, &due).has_value());
  EXPECT_TRUE(due);
}

TEST(SessionCache, RepeatedTouchesInTheSameSecondAreNotDue) {
  SessionCache c(kTimeouts);
  start_session(c, "h1");
  bool due = true;
  ASSERT_TRUE(c.touch("h1", T + 60, &due).has_value());
  EXPECT_TRUE(due);
  for (int i = 0; i < 3; ++i) {
    due = true;
    ASSERT_TRUE(c.touch("h1", T + 60, &due).has_value());
    EXPECT_FALSE(due);
  }
}

TEST(SessionCache, PutReplacesASessionWithTheSameToken) {
  SessionCache c(kTimeouts);
  c.put(user(1, "h"), T + 3600, T);
  c.put(user(2, "h"), T + 3600, T);
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(c.touch("h", T, nullptr)->user_id, 2);
}

}  // namespace
}  // namespace openkap::api
