#include "core/audit_entry.h"

#include <sodium.h>

namespace openkap {

namespace {
void put(std::string& out, const std::string& field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}
void put(std::string& out, const std::optional<int64_t>& v) { put(out, v ? std::to_string(*v) : std::string("-")); }
}  // namespace

std::string canonical_audit_bytes(const AuditEntry& e) {
  std::string out;
  out.reserve(256);
  put(out, std::to_string(e.id));
  put(out, e.at);
  put(out, e.user_id);
  put(out, e.username);
  put(out, e.role);
  put(out, e.action);
  put(out, e.resource_type);
  put(out, e.resource_id);
  put(out, e.patient_id);
  put(out, e.outcome);
  put(out, e.request_id);
  put(out, e.client_addr);
  put(out, e.prev_hash);
  return out;
}

std::string compute_audit_hash(const AuditEntry& e) {
  const std::string bytes = canonical_audit_bytes(e);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

std::optional<ChainBreak> AuditChainVerifier::add(const AuditEntry& e) {
  ++count_;
  if (e.id != last_id_ + 1)
    return ChainBreak{e.id, "entry " + std::to_string(last_id_ + 1) + " is missing (next present is " +
                                std::to_string(e.id) + ")"};
  if (e.prev_hash != last_hash_) return ChainBreak{e.id, "link to the previous entry does not match"};
  if (compute_audit_hash(e) != e.hash) return ChainBreak{e.id, "contents do not match its hash"};
  last_id_ = e.id;
  last_hash_ = e.hash;
  return std::nullopt;
}

std::optional<ChainBreak> AuditChainVerifier::finish(int64_t head_id, const std::string& head_hash) const {
  if (head_id != last_id_)
    return ChainBreak{last_id_ + 1, "chain ends at entry " + std::to_string(last_id_) + " but the head records entry " +
                                        std::to_string(head_id)};
  if (head_hash != last_hash_) return ChainBreak{head_id, "head hash does not match the last entry"};
  return std::nullopt;
}

std::optional<ChainBreak> verify_audit_chain(const std::vector<AuditEntry>& entries, int64_t head_id,
                                             const std::string& head_hash) {
  AuditChainVerifier v;
  for (const auto& e : entries)
    if (auto b = v.add(e)) return b;
  return v.finish(head_id, head_hash);
}

}  // namespace openkap
