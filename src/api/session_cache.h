// Live login sessions, in memory for a per-request check that costs a hash and a lookup.
// The store holds the same sessions (hashed) so they survive a restart.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/roles.h"

namespace openkap::api {

struct AuthUser {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::patient;
  std::optional<int64_t> patient_id;
  std::string token_hash;
  std::string csrf_hash;
};

struct SessionTimeouts {
  int64_t idle_seconds = 15 * 60;
  int64_t absolute_seconds = 12 * 3600;
};

class SessionCache {
 public:
  explicit SessionCache(SessionTimeouts t) : timeouts_(t) {}

  void put(const AuthUser& user, int64_t expires_at, int64_t last_seen_at);
  // The session's user when the token is live; refreshes its idle clock. `persist_due` is set
  // when the last persisted activity is old enough that the store should hear about it.
  std::optional<AuthUser> touch(const std::string& token_hash, int64_t now, bool* persist_due);
  void remove(const std::string& token_hash);
  void remove_user(int64_t user_id);
  size_t size() const;
  const SessionTimeouts& timeouts() const { return timeouts_; }

 private:
  struct Entry {
    AuthUser user;
    int64_t expires_at;
    int64_t last_seen_at;
    int64_t persisted_last_seen_at;
  };
  SessionTimeouts timeouts_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> by_hash_;
};

}  // namespace openkap::api
