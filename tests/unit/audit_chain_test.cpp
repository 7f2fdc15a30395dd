// The hash-chained audit trail (src/core/audit_entry.h).
// Reference digests were computed outside the code under test, with coreutils:
//   printf '%s' '<canonical bytes>' | sha256sum
#include "core/audit_entry.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace openkap {
namespace {

AuditEntry sample_entry() {
  AuditEntry e;
  e.id = 1;
  e.at = "2026-11-23T09:30:00.123Z";
  e.user_id = 7;
  e.username = "admin";
  e.role = "admin";
  e.action = "patient.read";
  e.resource_type = "patient";
  e.resource_id = "42";
  e.patient_id = 42;
  e.outcome = "success";
  e.request_id = "req-1";
  e.client_addr = "127.0.0.1";
  e.prev_hash = kGenesisHash;
  return e;
}

TEST(AuditHash, GenesisIsSixtyFourZeros) {
  EXPECT_EQ(kGenesisHash, "0000000000000000000000000000000000000000000000000000000000000000");
}

TEST(AuditHash, CanonicalBytesAreLengthPrefixedFieldsInFixedOrder) {
  // Pinned format: changing it would break every stored chain.
  EXPECT_EQ(canonical_audit_bytes(sample_entry()),
            "1:1;24:2026-11-23T09:30:00.123Z;1:7;5:admin;5:admin;12:patient.read;7:patient;2:42;2:42;"
            "7:success;5:req-1;9:127.0.0.1;64:" + kGenesisHash + ";");
}

TEST(AuditHash, EqualsAnIndependentlyComputedSha256) {
  // printf '%s' '1:1;24:2026-11-23T09:30:00.123Z;1:7;5:admin;5:admin;12:patient.read;7:patient;2:42;2:42;7:success;5:req-1;9:127.0.0.1;64:000…000;' | sha256sum
  EXPECT_EQ(compute_audit_hash(sample_entry()), "307b0179988bada682ff532af6425c2cad2bfc51d76ec87c23dff263dc8e6aa1");
}

TEST(AuditHash, EncodesAbsentUserAndPatientAsDash) {
  AuditEntry e;
  e.id = 17;
  e.at = "2026-11-23T09:31:00.000Z";
  e.username = "eve";
  e.action = "login";
  e.resource_type = "user";
  e.outcome = "failure";
  e.request_id = "req-2";
  e.client_addr = "::1";
  e.prev_hash = kGenesisHash;
  EXPECT_EQ(canonical_audit_bytes(e), "2:17;24:2026-11-23T09:31:00.000Z;1:-;3:eve;0:;5:login;4:user;0:;1:-;7:failure;"
                                      "5:req-2;3:::1;64:" + kGenesisHash + ";");
  // printf '%s' '2:17;24:2026-11-23T09:31:00.000Z;1:-;3:eve;0:;5:login;4:user;0:;1:-;7:failure;5:req-2;3:::1;64:000…000;' | sha256sum
  EXPECT_EQ(compute_audit_hash(e), "54489fdd617ded84af5282895eaa240d4de66146584c29dbc6840c78d1b92a0d");
}

TEST(AuditHash, IgnoresTheStoredHashField) {
  auto e = sample_entry();
  const auto h = compute_audit_hash(e);
  e.hash = "tampered";
  EXPECT_EQ(compute_audit_hash(e), h);
}

TEST(AuditHash, LengthPrefixesPreventFieldBoundaryCollisions) {
  // "ad" + "minadmin" and "adm" + "inadmin" concatenate to the same text; the hashes must differ.
  auto a = sample_entry();
  auto b = sample_entry();
  a.username = "ad";
  a.role = "minadmin";
  b.username = "adm";
  b.role = "inadmin";
  EXPECT_NE(canonical_audit_bytes(a), canonical_audit_bytes(b));
  EXPECT_NE(compute_audit_hash(a), compute_audit_hash(b));
}

TEST(AuditHash, NullAndZeroUserAreDistinct) {
  auto a = sample_entry();
  auto b = sample_entry();
  a.user_id.reset();
  b.user_id = 0;
  EXPECT_NE(compute_audit_hash(a), compute_audit_hash(b));
}

// ---------- chains ----------

std::vector<AuditEntry> build_chain(int n) {
  std::vector<AuditEntry> out;
  std::string prev = kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    AuditEntry e = sample_entry();
    e.id = i;
    e.at = "2026-11-23T09:30:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ".000Z";
    e.resource_id = std::to_string(100 + i);
    e.patient_id = 100 + i;
    e.request_id = "req-" + std::to_string(i);
    e.prev_hash = prev;
    e.hash = compute_audit_hash(e);
    prev = e.hash;
    out.push_back(e);
  }
  return out;
}

std::optional<ChainBreak> verify(const std::vector<AuditEntry>& chain, int64_t head_id, const std::string& head_hash) {
  return verify_audit_chain(chain, head_id, head_hash);
}

TEST(AuditChain, AnIntactChainVerifies) {
  const auto chain = build_chain(6);
  EXPECT_FALSE(verify(chain, 6, chain.back().hash).has_value());
}

TEST(AuditChain, AnEmptyChainWithAGenesisHeadVerifies) {
  EXPECT_FALSE(verify({}, 0, kGenesisHash).has_value());
}

TEST(AuditChain, EachEntryLinksToThePreviousHash) {
  const auto chain = build_chain(4);
  EXPECT_EQ(chain[0].prev_hash, kGenesisHash);
  for (size_t i = 1; i < chain.size(); ++i) EXPECT_EQ(chain[i].prev_hash, chain[i - 1].hash);
}

TEST(AuditChain, AlteringAnyFieldOfAnyEntryIsDetectedAtThatEntry) {
  const std::vector<std::pair<const char*, std::function<void(AuditEntry&)>>> edits = {
      {"at", [](AuditEntry& e) { e.at = "2026-11-23T09:29:59.000Z"; }},
      {"user_id", [](AuditEntry& e) { e.user_id = 8; }},
      {"user_id null", [](AuditEntry& e) { e.user_id.reset(); }},
      {"username", [](AuditEntry& e) { e.username = "nurse.lee"; }},
      {"role", [](AuditEntry& e) { e.role = "nurse"; }},
      {"action", [](AuditEntry& e) { e.action = "patient.update"; }},
      {"resource_type", [](AuditEntry& e) { e.resource_type = "user"; }},
      {"resource_id", [](AuditEntry& e) { e.resource_id = "999"; }},
      {"patient_id", [](AuditEntry& e) { e.patient_id = 999; }},
      {"patient_id null", [](AuditEntry& e) { e.patient_id.reset(); }},
      {"outcome", [](AuditEntry& e) { e.outcome = "denied"; }},
      {"request_id", [](AuditEntry& e) { e.request_id = "other"; }},
      {"client_addr", [](AuditEntry& e) { e.client_addr = "10.0.0.1"; }},
      {"hash", [](AuditEntry& e) { e.hash[0] = e.hash[0] == 'a' ? 'b' : 'a'; }},
  };
  const auto chain = build_chain(5);
  for (int idx = 0; idx < 5; ++idx) {
    for (const auto& [name, edit] : edits) {
      auto copy = chain;
      edit(copy[static_cast<size_t>(idx)]);
      const auto b = verify(copy, 5, chain.back().hash);
      ASSERT_TRUE(b.has_value()) << name << " of entry " << idx + 1;
      EXPECT_EQ(b->entry_id, idx + 1) << name << " of entry " << idx + 1;
      EXPECT_FALSE(b->reason.empty());
    }
  }
}

TEST(AuditChain, ChangingAPrevHashIsDetectedAtThatEntry) {
  auto chain = build_chain(5);
  chain[2].prev_hash = chain[0].hash;  // entry 3 now claims to follow entry 1
  const auto b = verify(chain, 5, chain.back().hash);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->entry_id, 3);
}

TEST(AuditChain, DeletingAMiddleEntryIsDetectedAtTheEntryAfterTheGap) {
  auto chain = build_chain(5);
  chain.erase(chain.begin() + 2);  // entry 3 gone
  const auto b = verify(chain, 5, chain.back().hash);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->entry_id, 4);
  EXPECT_NE(b->reason.find('3'), std::string::npos) << "the reason should name the missing entry: " << b->reason;
}

TEST(AuditChain, DeletingTheFirstEntryIsDetected) {
  auto chain = build_chain(4);
  chain.erase(chain.begin());
  const auto b = verify(chain, 4, chain.back().hash);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->entry_id, 2);
}

TEST(AuditChain, DeletingTheLastEntryIsDetectedByTheHead) {
  auto chain = build_chain(5);
  const auto head_hash = chain.back().hash;
  chain.pop_back();
  const auto b = verify(chain, 5, head_hash);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->entry_id, 5);
}

TEST(AuditChain, DeletingEveryEntryIsDetectedByTheHead) {
  const auto chain = build_chain(3);
  const auto b = verify({}, 3, chain.back().hash);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->entry_id, 1);
}

TEST(AuditChain, SwappingTwoEntriesIsDetected) {
  auto chain = build_chain(5);
  std::swap(chain[1], chain[2]);  // order 1, 3, 2, 4, 5
  const auto b = verify(chain, 5, chain.back().hash);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->entry_id, 3);
}

TEST(AuditChain, SwappingContentsButKeepingIdsIsDetected) {
  auto chain = build_chain(5);
  std::swap(chain[1], chain[2]);
  std::swap(chain[1].id, chain[2].id);  // ids back in order 1..5, contents swapped
  const auto b = verify(chain, 5, build_chain(5).back().hash);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->entry_id, 2);
}

TEST(AuditChain, RewritingTheTailWithFreshHashesIsCaughtByTheHead) {
  // An attacker edits entry 3 and recomputes the hashes of 3, 4 and 5 so the links hold:
  // only the separately kept head shows it.
  const auto original = build_chain(5);
  auto chain = original;
  chain[2].outcome = "denied";
  for (size_t i = 2; i < chain.size(); ++i) {
    chain[i].prev_hash = chain[i - 1].hash;
    chain[i].hash = compute_audit_hash(chain[i]);
  }
  const auto b = verify(chain, 5, original.back().hash);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->entry_id, 5);
}

TEST(AuditChain, AnEntryBeyondTheHeadIsDetected) {
  // Rows appended outside the writer (head not advanced).
  const auto chain = build_chain(4);
  const auto b = verify(chain, 3, chain[2].hash);
  ASSERT_TRUE(b.has_value());
}

TEST(AuditChainVerifier, StreamsTheSameVerdictAndCountsEntries) {
  const auto chain = build_chain(7);
  AuditChainVerifier v;
  for (const auto& e : chain) EXPECT_FALSE(v.add(e).has_value());
  EXPECT_EQ(v.count(), 7);
  EXPECT_FALSE(v.finish(7, chain.back().hash).has_value());
  EXPECT_TRUE(v.finish(6, chain[5].hash).has_value());
  EXPECT_TRUE(v.finish(7, chain[5].hash).has_value());
}

TEST(AuditChainVerifier, ReportsTheFirstBreakOnly) {
  auto chain = build_chain(6);
  chain[1].username = "x";
  chain[4].username = "y";
  AuditChainVerifier v;
  std::optional<ChainBreak> first;
  for (const auto& e : chain)
    if (auto b = v.add(e)) {
      first = b;
      break;
    }
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->entry_id, 2);
}

}  // namespace
}  // namespace openkap
