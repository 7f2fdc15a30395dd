// The audit trail: who did what to which record, hash-chained so edits and deletions show.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace openkap {

struct AuditEntry {
  int64_t id = 0;             // position in the chain, assigned by the store (1, 2, 3 ...)
  std::string at;             // ISO 8601 UTC with milliseconds
  std::optional<int64_t> user_id;
  std::string username;       // as known at the time (empty for an unknown login name)
  std::string role;
  std::string action;         // e.g. "patient.read"
  std::string resource_type;  // e.g. "patient"
  std::string resource_id;
  std::optional<int64_t> patient_id;
  std::string outcome;        // success | failure | denied
  std::string request_id;
  std::string client_addr;
  std::string prev_hash;      // hex SHA-256 of the previous entry; 64 zeros for the first
  std::string hash;           // hex SHA-256 over this entry's fields and prev_hash
};

inline const std::string kGenesisHash(64, '0');

// The exact bytes that are hashed: every field, length-prefixed so no two entries collide.
std::string canonical_audit_bytes(const AuditEntry& e);
std::string compute_audit_hash(const AuditEntry& e);  // uses e.prev_hash, ignores e.hash

struct ChainBreak {
  int64_t entry_id;      // the first entry whose hash or link does not hold
  std::string reason;
};

// Checks entries given in id order. `expected_head` is the (last id, last hash) the store keeps
// apart from the rows, so deleting the newest rows is detected too.
std::optional<ChainBreak> verify_audit_chain(const std::vector<AuditEntry>& entries,
                                             int64_t head_id, const std::string& head_hash);

// Streaming form of the same check, for chains too long to hold in memory.
class AuditChainVerifier {
 public:
  std::optional<ChainBreak> add(const AuditEntry& e);
  std::optional<ChainBreak> finish(int64_t head_id, const std::string& head_hash) const;
  int64_t count() const { return count_; }

 private:
  int64_t last_id_ = 0;
  std::string last_hash_ = kGenesisHash;
  int64_t count_ = 0;
};

}  // namespace openkap
