// The store's small repository interfaces. The server and CLI see only these; SQLite implements
// them today and a PostgreSQL backend will implement the same ones (tests/store runs against both).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/audit_entry.h"
#include "core/login_throttle.h"
#include "core/patient.h"
#include "core/result.h"

namespace openkap::store {

struct User {
  int64_t id = 0;
  std::string username, display_name, role, password_hash;
  bool disabled = false;
  std::optional<int64_t> patient_id;  // for role patient: their own record
  LoginFailureState failures;
  std::string created_at;
};

struct NewUser {
  std::string username, display_name, role, password_hash;
  std::optional<int64_t> patient_id;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual std::optional<User> find_by_username(const std::string& username) = 0;
  virtual std::optional<User> find_by_id(int64_t id) = 0;
  virtual std::vector<User> list(const std::optional<std::string>& role) = 0;
  virtual Result<int64_t> create(const NewUser& u, const std::string& now) = 0;  // conflict on duplicate name
  virtual void set_password_hash(int64_t id, const std::string& hash) = 0;
  virtual void set_disabled(int64_t id, bool disabled) = 0;
  virtual void set_login_failures(int64_t id, const LoginFailureState& s) = 0;
  virtual int64_t count() = 0;
};

struct SessionRecord {
  std::string token_hash, csrf_hash;  // hex SHA-256: the tokens themselves are never stored
  int64_t user_id = 0;
  int64_t created_at = 0, expires_at = 0, last_seen_at = 0;  // unix seconds
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual void insert(const SessionRecord& s) = 0;
  virtual void revoke(const std::string& token_hash, int64_t at) = 0;
  virtual void revoke_all_for_user(int64_t user_id, int64_t at) = 0;
  virtual void touch(const std::string& token_hash, int64_t last_seen_at) = 0;
  virtual std::vector<SessionRecord> load_unexpired(int64_t now) = 0;
  // Token hashes revoked at or after `since` (another process, e.g. `openkap user disable`).
  virtual std::vector<std::string> revoked_since(int64_t since) = 0;
  // True while the session is neither revoked nor its user disabled (checked on every request
  // that reaches the database, so a revocation by any process takes effect at once).
  virtual bool is_live(const std::string& token_hash) = 0;
};

struct Actor {  // who is acting, for history rows
  int64_t user_id = 0;
  std::string username;
};

struct PatientQuery {
  std::string name_prefix_folded;  // fold_for_search() of the search text; empty = any
  std::string mrn;                 // exact MRN
  std::string birth_date;
  std::string status;
  bool include_archived = false;
  std::optional<int64_t> care_team_user;  // restrict to this user's active care teams
  std::optional<int64_t> only_patient;    // restrict to one patient (patient role)
  int limit = 50, offset = 0;
};

class PatientRepository {
 public:
  virtual ~PatientRepository() = default;
  virtual Patient create(const PatientFields& f, const Actor& by, const std::string& now) = 0;
  virtual std::optional<Patient> get(int64_t id) = 0;
  // Conflict error when expected_version is stale; not_found when the id is unknown.
  virtual Result<Patient> update(int64_t id, int64_t expected_version, const PatientFields& f,
                                 const std::string& status_reason, const Actor& by, const std::string& now) = 0;
  virtual Result<Patient> archive(int64_t id, int64_t expected_version, const std::string& reason, const Actor& by,
                                  const std::string& now) = 0;
  // Returns up to limit+1 rows so the caller can tell whether there are more.
  virtual std::vector<PatientSummary> search(const PatientQuery& q) = 0;
  virtual bool exists(int64_t id) = 0;
  virtual bool on_care_team(int64_t patient_id, int64_t user_id) = 0;
  virtual std::vector<CareTeamMember> care_team(int64_t patient_id) = 0;
  virtual Result<bool> add_care_team_member(int64_t patient_id, int64_t user_id, const std::string& capacity,
                                            const Actor& by, const std::string& now) = 0;
  virtual bool end_care_team_membership(int64_t patient_id, int64_t user_id, const Actor& by,
                                        const std::string& now) = 0;
  virtual int64_t count() = 0;
};

struct AuditQuery {
  std::optional<int64_t> patient_id, user_id, before_id;
  std::string from, to;  // ISO times, inclusive
  int limit = 100;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  // Assigns id, prev_hash and hash, extending the chain; returns the stored entry.
  virtual AuditEntry append(AuditEntry e) = 0;
  virtual std::vector<AuditEntry> query(const AuditQuery& q) = 0;  // newest first
  // Walks the whole chain; the first break, or nothing when intact. Reports the entry count.
  virtual std::optional<ChainBreak> verify(int64_t* checked = nullptr) = 0;
};

// Clinic-wide settings (e.g. whether this is the synthetic demo clinic).
class SettingsRepository {
 public:
  virtual ~SettingsRepository() = default;
  virtual std::optional<std::string> get(const std::string& key) = 0;
  virtual void set(const std::string& key, const std::string& value) = 0;
};

// One connection's view of the store: the repositories bound to it. A unit of work.
class StoreSession {
 public:
  virtual ~StoreSession() = default;
  virtual UserRepository& users() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual PatientRepository& patients() = 0;
  virtual AuditRepository& audit() = 0;
  virtual SettingsRepository& settings() = 0;
  // A consistent snapshot for several reads (a no-op where the backend gives one anyway).
  virtual void begin_read() = 0;
  virtual void end_read() = 0;
};

// A unit of write work: runs on the store's single writer inside its own savepoint of a
// group transaction. Throwing rolls back this job's writes only.
using WriteWork = std::function<void(StoreSession&)>;
// Called once the group transaction is durable (committed=true), or failed (false, reason).
using WriteDone = std::function<void(bool committed, const std::string& error)>;

class Store {
 public:
  virtual ~Store() = default;
  virtual std::unique_ptr<StoreSession> open_reader() = 0;
  virtual void submit(WriteWork work, WriteDone done) = 0;
  // Convenience for the CLI and tests: submit and wait for durability; rethrows the job's error.
  void write_and_wait(WriteWork work);
  virtual void close() = 0;  // drains pending writes, stops the writer, closes connections
  virtual bool healthy() = 0;
};

}  // namespace openkap::store
