// The record cache may never serve a record older than an acknowledged change.
#include <gtest/gtest.h>

#include "api/patient_cache.h"

using openkap::api::CachedPatient;
using openkap::api::PatientRecordCache;

namespace {
std::shared_ptr<const CachedPatient> rec(const char* json, int64_t version) {
  return std::make_shared<const CachedPatient>(CachedPatient{json, version});
}
}  // namespace

TEST(PatientRecordCache, ServesWhatWasPut) {
  PatientRecordCache c;
  c.put(1, c.epoch(), rec("{\"v\":1}", 1));
  ASSERT_NE(c.get(1), nullptr);
  EXPECT_EQ(c.get(1)->version, 1);
  EXPECT_EQ(c.get(2), nullptr);
}

TEST(PatientRecordCache, InvalidateDropsTheEntry) {
  PatientRecordCache c;
  c.put(1, c.epoch(), rec("a", 1));
  c.invalidate(1);
  EXPECT_EQ(c.get(1), nullptr);
}

TEST(PatientRecordCache, RefusesAFillFromASnapshotOlderThanACommit) {
  // A reader notes the epoch, its snapshot predates a commit, the writer invalidates after the
  // commit, then the reader tries to fill the cache with what it read: refused.
  PatientRecordCache c;
  const uint64_t before = c.epoch();
  c.invalidate(7);
  c.put(7, before, rec("old", 1));
  EXPECT_EQ(c.get(7), nullptr);
  // A reader that started after the invalidation may fill it.
  c.put(7, c.epoch(), rec("new", 2));
  ASSERT_NE(c.get(7), nullptr);
  EXPECT_EQ(c.get(7)->json, "new");
}

TEST(PatientRecordCache, AnEntryFilledBeforeAChangeIsNotServedAfterIt) {
  PatientRecordCache c;
  const uint64_t e = c.epoch();
  c.put(3, e, rec("v1", 1));
  c.invalidate(3);
  c.put(3, e, rec("v1-again", 1));  // a slow reader with the same old epoch
  EXPECT_EQ(c.get(3), nullptr);
}

TEST(PatientRecordCache, ChangesToOneRecordLeaveOthersCached) {
  PatientRecordCache c;
  const uint64_t e = c.epoch();
  c.put(1, e, rec("a", 1));
  c.put(2, e, rec("b", 1));
  c.invalidate(1);
  EXPECT_EQ(c.get(1), nullptr);
  ASSERT_NE(c.get(2), nullptr);
}

TEST(PatientRecordCache, StaysWithinCapacity) {
  PatientRecordCache c(3);
  for (int64_t id = 1; id <= 10; ++id) c.put(id, c.epoch(), rec("x", 1));
  EXPECT_LE(c.size(), 3u);
  EXPECT_NE(c.get(10), nullptr);
}
