// Assembled patient records (their JSON) kept in memory so repeated reads skip four queries.
//
// Correctness rests on this process being the store's only writer (SQLite): every write step
// that changes a record names it, and once the change is durable the record's entry is
// invalidated by bumping a per-record change epoch. A reader notes the epoch *before* its read
// snapshot begins and may only fill the cache with that epoch, so a snapshot older than a commit
// can never be served after the commit has been acknowledged. Access checks and the audit row
// are never cached: they run on every read.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace openkap::api {

struct CachedPatient {
  std::string json;
  int64_t version = 0;
};

class PatientRecordCache {
 public:
  explicit PatientRecordCache(size_t capacity = 4096) : capacity_(capacity) {}

  // The epoch to pass to put(): read it before the read transaction starts.
  uint64_t epoch() const;
  std::shared_ptr<const CachedPatient> get(int64_t id) const;
  void put(int64_t id, uint64_t read_epoch, std::shared_ptr<const CachedPatient> record);
  // After a committed change to the record: later reads go to the database.
  void invalidate(int64_t id);
  size_t size() const;

 private:
  struct Entry {
    uint64_t read_epoch;
    std::shared_ptr<const CachedPatient> record;
  };
  bool fresh(int64_t id, uint64_t read_epoch) const;  // caller holds mu_

  size_t capacity_;
  mutable std::mutex mu_;
  uint64_t epoch_ = 1;
  std::unordered_map<int64_t, uint64_t> changed_at_;  // record id -> epoch of its last change
  std::unordered_map<int64_t, Entry> entries_;
};

}  // namespace openkap::api
