#include "store/migrations.h"

#include <string>
#include <vector>

namespace openkap::store {

namespace {
// Never edit a shipped migration: add a new one. Clinics upgrade in place.
const std::vector<const char*>& migration_sql() {
  static const std::vector<const char*> m{
      // 1: users, sessions, patients, referrals, care teams, the audit chain.
      R"SQL(
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','prescriber','nurse','therapist','patient','researcher')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  patient_id INTEGER REFERENCES patients(id),
  failed_logins INTEGER NOT NULL DEFAULT 0,
  last_failed_at INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL);
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY,
  csrf_hash TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  revoked_at INTEGER) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE INDEX sessions_by_revoked ON sessions(revoked_at) WHERE revoked_at IS NOT NULL;
CREATE TABLE patients(
  id INTEGER PRIMARY KEY,
  mrn TEXT UNIQUE,
  version INTEGER NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  given_fold TEXT NOT NULL,
  family_fold TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  sex_at_birth TEXT NOT NULL,
  gender_identity TEXT NOT NULL,
  pronouns TEXT NOT NULL,
  race_json TEXT NOT NULL,
  ethnicity TEXT NOT NULL,
  preferred_language TEXT NOT NULL,
  phone TEXT NOT NULL,
  email TEXT NOT NULL,
  address_json TEXT NOT NULL,
  emergency_contact_json TEXT NOT NULL,
  escort_contact_json TEXT NOT NULL,
  diagnoses_json TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX patients_by_given ON patients(given_fold);
CREATE INDEX patients_by_family ON patients(family_fold);
CREATE INDEX patients_by_birth_date ON patients(birth_date);
CREATE INDEX patients_by_status ON patients(status);
CREATE TABLE patient_status_history(
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  status TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by INTEGER REFERENCES users(id),
  changed_by_name TEXT NOT NULL,
  reason TEXT NOT NULL);
CREATE INDEX status_history_by_patient ON patient_status_history(patient_id, id);
CREATE TABLE referrals(
  patient_id INTEGER PRIMARY KEY REFERENCES patients(id),
  referring_user_id INTEGER REFERENCES users(id),
  referrer_name TEXT NOT NULL,
  referrer_contact TEXT NOT NULL,
  reason TEXT NOT NULL,
  notes TEXT NOT NULL,
  referral_date TEXT NOT NULL);
CREATE TABLE care_team(
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  capacity TEXT NOT NULL,
  added_at TEXT NOT NULL,
  added_by INTEGER REFERENCES users(id),
  ended_at TEXT,
  ended_by INTEGER REFERENCES users(id));
CREATE UNIQUE INDEX care_team_active ON care_team(patient_id, user_id) WHERE ended_at IS NULL;
CREATE INDEX care_team_by_user ON care_team(user_id, patient_id) WHERE ended_at IS NULL;
CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id INTEGER,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  patient_id INTEGER,
  outcome TEXT NOT NULL,
  request_id TEXT NOT NULL,
  client_addr TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX audit_by_patient ON audit_log(patient_id, id) WHERE patient_id IS NOT NULL;
CREATE INDEX audit_by_user ON audit_log(user_id, id);
CREATE INDEX audit_by_time ON audit_log(at);
-- The chain's head, kept apart from the rows so that deleting the newest entries shows.
CREATE TABLE audit_head(
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_id INTEGER NOT NULL,
  last_hash TEXT NOT NULL);
INSERT INTO audit_head VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
)SQL",
      // 2: clinic-wide settings.
      R"SQL(
CREATE TABLE clinic_settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
)SQL",
      // 3: a name index that answers prefix searches in index order at any clinic size: one row
      // per searchable name (given, family, and each word of them), so LIMIT stops the scan early.
      R"SQL(
CREATE TABLE patient_names(
  name_fold TEXT NOT NULL,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  PRIMARY KEY (name_fold, patient_id)) WITHOUT ROWID;
CREATE INDEX patient_names_by_patient ON patient_names(patient_id);
INSERT OR IGNORE INTO patient_names SELECT given_fold, id FROM patients;
INSERT OR IGNORE INTO patient_names SELECT family_fold, id FROM patients;
CREATE INDEX patients_by_name_order ON patients(family_fold, given_fold);
)SQL",
      // 4: why and when a record was archived (nothing is deleted; the reason is kept).
      R"SQL(
ALTER TABLE patients ADD COLUMN archived_at TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN archived_by TEXT NOT NULL DEFAULT '';
)SQL",
      // 5: name searches use patient_names now; these indexes only slowed every write.
      R"SQL(
DROP INDEX patients_by_given;
DROP INDEX patients_by_family;
)SQL",
  };
  return m;
}
}  // namespace

int latest_schema_version() { return static_cast<int>(migration_sql().size()); }

int current_schema_version(Database& db) {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  auto st = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  st.step();
  return static_cast<int>(st.int64(0));
}

int migrate(Database& db) {
  const int from = current_schema_version(db);
  if (from > latest_schema_version())
    throw SqliteError(0, "database schema version " + std::to_string(from) + " is newer than this openkap (" +
                             std::to_string(latest_schema_version()) + "): upgrade openkap");
  int ran = 0;
  for (int v = from + 1; v <= latest_schema_version(); ++v) {
    Transaction tx(db);
    db.exec(migration_sql()[static_cast<size_t>(v - 1)]);
    db.prepare("INSERT INTO schema_migrations(version, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))")
        .bind(1, v)
        .run();
    tx.commit();
    ++ran;
  }
  return ran;
}

}  // namespace openkap::store
