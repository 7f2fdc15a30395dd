#include "api/session_cache.h"

#include <vector>

namespace openkap::api {

void SessionCache::put(const AuthUser& user, int64_t expires_at, int64_t last_seen_at) {
  std::unique_lock lock(mu_);
  by_hash_[user.token_hash] = Entry{user, expires_at, last_seen_at, last_seen_at};
}

std::optional<AuthUser> SessionCache::touch(const std::string& token_hash, int64_t now, bool* persist_due) {
  {
    std::shared_lock lock(mu_);
    auto it = by_hash_.find(token_hash);
    if (it == by_hash_.end()) return std::nullopt;
    const Entry& e = it->second;
    const bool expired = now >= e.expires_at || now - e.last_seen_at > timeouts_.idle_seconds;
    if (!expired && e.last_seen_at == now) {  // already touched this second: no write lock needed
      if (persist_due) *persist_due = false;
      return e.user;
    }
  }
  std::unique_lock lock(mu_);
  auto it = by_hash_.find(token_hash);
  if (it == by_hash_.end()) return std::nullopt;
  Entry& e = it->second;
  if (now >= e.expires_at || now - e.last_seen_at > timeouts_.idle_seconds) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  e.last_seen_at = now;
  // Persisting activity once a minute bounds the idle clock's error after a restart to 60 s.
  const bool due = now - e.persisted_last_seen_at >= 60;
  if (due) e.persisted_last_seen_at = now;
  if (persist_due) *persist_due = due;
  return e.user;
}

void SessionCache::remove(const std::string& token_hash) {
  std::unique_lock lock(mu_);
  by_hash_.erase(token_hash);
}

void SessionCache::remove_user(int64_t user_id) {
  std::unique_lock lock(mu_);
  for (auto it = by_hash_.begin(); it != by_hash_.end();) {
    if (it->second.user.user_id == user_id)
      it = by_hash_.erase(it);
    else
      ++it;
  }
}

size_t SessionCache::size() const {
  std::shared_lock lock(mu_);
  return by_hash_.size();
}

}  // namespace openkap::api
