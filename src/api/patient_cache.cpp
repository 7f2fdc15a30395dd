#include "api/patient_cache.h"

namespace openkap::api {

uint64_t PatientRecordCache::epoch() const {
  std::lock_guard lock(mu_);
  return epoch_;
}

bool PatientRecordCache::fresh(int64_t id, uint64_t read_epoch) const {
  auto it = changed_at_.find(id);
  return it == changed_at_.end() || read_epoch > it->second;
}

std::shared_ptr<const CachedPatient> PatientRecordCache::get(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || !fresh(id, it->second.read_epoch)) return nullptr;
  return it->second.record;
}

void PatientRecordCache::put(int64_t id, uint64_t read_epoch, std::shared_ptr<const CachedPatient> record) {
  std::lock_guard lock(mu_);
  if (!fresh(id, read_epoch)) return;  // read from a snapshot older than a committed change
  if (entries_.size() >= capacity_) entries_.clear();  // simple bound; refills from the hot set
  entries_[id] = Entry{read_epoch, std::move(record)};
}

void PatientRecordCache::invalidate(int64_t id) {
  std::lock_guard lock(mu_);
  changed_at_[id] = epoch_++;
  entries_.erase(id);
}

size_t PatientRecordCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace openkap::api
