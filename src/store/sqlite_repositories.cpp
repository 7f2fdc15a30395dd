// SQLite implementations of the repository interfaces, bound to one connection.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/mrn.h"
#include "core/validation.h"
#include "store/sqlite.h"
#include "store/sqlite_store.h"

namespace openkap::store {

using nlohmann::json;

namespace {

// ---------- users ----------
class SqliteUsers final : public UserRepository {
 public:
  explicit SqliteUsers(Database& db) : db_(db) {}

  static constexpr const char* kCols =
      "id, username, display_name, role, password_hash, disabled, patient_id, failed_logins, last_failed_at, "
      "locked_until, created_at";

  static User row(Statement& st) {
    User u;
    u.id = st.int64(0);
    u.username = st.text(1);
    u.display_name = st.text(2);
    u.role = st.text(3);
    u.password_hash = st.text(4);
    u.disabled = st.int64(5) != 0;
    u.patient_id = st.opt_int64(6);
    u.failures.consecutive_failures = static_cast<int>(st.int64(7));
    u.failures.last_failure_at = st.int64(8);
    u.failures.locked_until = st.int64(9);
    u.created_at = st.text(10);
    return u;
  }

  std::optional<User> find_by_username(const std::string& name) override {
    auto st = db_.prepare(
        "SELECT id, username, display_name, role, password_hash, disabled, patient_id, failed_logins, "
        "last_failed_at, locked_until, created_at FROM users WHERE username = ?");
    st.bind(1, name);
    if (!st.step()) return std::nullopt;
    return row(st);
  }
  std::optional<User> find_by_id(int64_t id) override {
    auto st = db_.prepare(
        "SELECT id, username, display_name, role, password_hash, disabled, patient_id, failed_logins, "
        "last_failed_at, locked_until, created_at FROM users WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return row(st);
  }
  std::vector<User> list(const std::optional<std::string>& role) override {
    auto st = db_.prepare(
        "SELECT id, username, display_name, role, password_hash, disabled, patient_id, failed_logins, "
        "last_failed_at, locked_until, created_at FROM users WHERE (?1 IS NULL OR role = ?1) ORDER BY username");
    if (role) st.bind(1, *role);
    std::vector<User> out;
    while (st.step()) out.push_back(row(st));
    return out;
  }
  Result<int64_t> create(const NewUser& u, const std::string& now) override {
    if (find_by_username(u.username)) return Error{"conflict", "a user with this username exists", "username"};
    db_.prepare(
           "INSERT INTO users(username, display_name, role, password_hash, patient_id, created_at) "
           "VALUES (?,?,?,?,?,?)")
        .bind(1, u.username)
        .bind(2, u.display_name)
        .bind(3, u.role)
        .bind(4, u.password_hash)
        .bind(5, u.patient_id)
        .bind(6, now)
        .run();
    return db_.last_insert_id();
  }
  void set_password_hash(int64_t id, const std::string& hash) override {
    db_.prepare("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?")
        .bind(1, hash)
        .bind(2, id)
        .run();
  }
  void set_disabled(int64_t id, bool disabled) override {
    db_.prepare("UPDATE users SET disabled = ? WHERE id = ?").bind(1, disabled ? 1 : 0).bind(2, id).run();
  }
  void set_login_failures(int64_t id, const LoginFailureState& s) override {
    db_.prepare("UPDATE users SET failed_logins = ?, last_failed_at = ?, locked_until = ? WHERE id = ?")
        .bind(1, s.consecutive_failures)
        .bind(2, s.last_failure_at)
        .bind(3, s.locked_until)
        .bind(4, id)
        .run();
  }
  int64_t count() override {
    auto st = db_.prepare("SELECT COUNT(*) FROM users");
    st.step();
    return st.int64(0);
  }

 private:
  Database& db_;
};

// ---------- sessions ----------
class SqliteSessions final : public SessionRepository {
 public:
  explicit SqliteSessions(Database& db) : db_(db) {}
  void insert(const SessionRecord& s) override {
    db_.prepare(
           "INSERT INTO sessions(token_hash, csrf_hash, user_id, created_at, expires_at, last_seen_at) "
           "VALUES (?,?,?,?,?,?)")
        .bind(1, s.token_hash)
        .bind(2, s.csrf_hash)
        .bind(3, s.user_id)
        .bind(4, s.created_at)
        .bind(5, s.expires_at)
        .bind(6, s.last_seen_at)
        .run();
  }
  void revoke(const std::string& token_hash, int64_t at) override {
    db_.prepare("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL")
        .bind(1, at)
        .bind(2, token_hash)
        .run();
  }
  void revoke_all_for_user(int64_t user_id, int64_t at) override {
    db_.prepare("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
        .bind(1, at)
        .bind(2, user_id)
        .run();
  }
  void touch(const std::string& token_hash, int64_t last_seen_at) override {
    db_.prepare("UPDATE sessions SET last_seen_at = MAX(last_seen_at, ?) WHERE token_hash = ?")
        .bind(1, last_seen_at)
        .bind(2, token_hash)
        .run();
  }
  std::vector<SessionRecord> load_unexpired(int64_t now) override {
    auto st = db_.prepare(
        "SELECT token_hash, csrf_hash, user_id, created_at, expires_at, last_seen_at FROM sessions "
        "WHERE revoked_at IS NULL AND expires_at > ?");
    st.bind(1, now);
    std::vector<SessionRecord> out;
    while (st.step())
      out.push_back(SessionRecord{st.text(0), st.text(1), st.int64(2), st.int64(3), st.int64(4), st.int64(5)});
    return out;
  }
  bool is_live(const std::string& token_hash) override {
    auto st = db_.prepare(
        "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND u.disabled = 0");
    st.bind(1, token_hash);
    return st.step();
  }
  std::vector<std::string> revoked_since(int64_t since) override {
    auto st = db_.prepare("SELECT token_hash FROM sessions WHERE revoked_at >= ?");
    st.bind(1, since);
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.text(0));
    return out;
  }

 private:
  Database& db_;
};

// ---------- patients ----------
json to_json(const Address& a) {
  return {{"line1", a.line1}, {"line2", a.line2}, {"city", a.city},
          {"region", a.region}, {"postal_code", a.postal_code}, {"country", a.country}};
}
json to_json(const EmergencyContact& c) { return {{"name", c.name}, {"relationship", c.relationship}, {"phone", c.phone}}; }
json to_json(const EscortContact& c) { return {{"name", c.name}, {"phone", c.phone}}; }
json to_json(const std::vector<Diagnosis>& ds) {
  json a = json::array();
  for (const auto& d : ds) a.push_back({{"code", d.code}, {"text", d.text}});
  return a;
}
std::string s(const json& j, const char* k) { return j.value(k, std::string()); }

class SqlitePatients final : public PatientRepository {
 public:
  explicit SqlitePatients(Database& db) : db_(db) {}

  Patient create(const PatientFields& f, const Actor& by, const std::string& now) override {
    auto st = db_.prepare(
        "INSERT INTO patients(version, given_name, family_name, given_fold, family_fold, birth_date, sex_at_birth, "
        "gender_identity, pronouns, race_json, ethnicity, preferred_language, phone, email, address_json, "
        "emergency_contact_json, escort_contact_json, diagnoses_json, status, created_at, updated_at) "
        "VALUES (1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    bind_fields(st, f);
    st.bind(19, now).bind(20, now).run();
    const int64_t id = db_.last_insert_id();
    // The MRN derives from the row id, so it is unique by construction and never reused.
    db_.prepare("UPDATE patients SET mrn = ? WHERE id = ?").bind(1, make_mrn(id)).bind(2, id).run();
    add_status_history(id, f.status, "", by, now);
    if (f.referral) put_referral(id, *f.referral);
    put_search_names(id, f);
    // The record as just written (re-reading it cost four queries on the writer's hot path);
    // tests check that it equals what a later read returns.
    Patient p;
    p.id = id;
    p.mrn = make_mrn(id);
    p.version = 1;
    p.fields = f;
    p.status_history.push_back({f.status, now, by.username, ""});
    p.created_at = now;
    p.updated_at = now;
    return p;
  }

  std::optional<Patient> get(int64_t id) override {
    auto st = db_.prepare(
        "SELECT id, mrn, version, archived, given_name, family_name, birth_date, sex_at_birth, gender_identity, "
        "pronouns, race_json, ethnicity, preferred_language, phone, email, address_json, emergency_contact_json, "
        "escort_contact_json, diagnoses_json, status, created_at, updated_at, archived_at, archive_reason, archived_by "
        "FROM patients WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    Patient p;
    p.id = st.int64(0);
    p.mrn = st.text(1);
    p.version = st.int64(2);
    p.archived = st.int64(3) != 0;
    auto& f = p.fields;
    f.given_name = st.text(4);
    f.family_name = st.text(5);
    f.birth_date = st.text(6);
    f.sex_at_birth = st.text(7);
    f.gender_identity = st.text(8);
    f.pronouns = st.text(9);
    for (const auto& r : json::parse(st.text(10))) f.race.push_back(r.get<std::string>());
    f.ethnicity = st.text(11);
    f.preferred_language = st.text(12);
    f.phone = st.text(13);
    f.email = st.text(14);
    const json a = json::parse(st.text(15));
    f.address = {s(a, "line1"), s(a, "line2"), s(a, "city"), s(a, "region"), s(a, "postal_code"), s(a, "country")};
    const json ec = json::parse(st.text(16));
    f.emergency_contact = {s(ec, "name"), s(ec, "relationship"), s(ec, "phone")};
    const json es = json::parse(st.text(17));
    f.escort_contact = {s(es, "name"), s(es, "phone")};
    for (const auto& d : json::parse(st.text(18))) f.diagnoses.push_back({s(d, "code"), s(d, "text")});
    f.status = st.text(19);
    p.created_at = st.text(20);
    p.updated_at = st.text(21);
    p.archived_at = st.text(22);
    p.archive_reason = st.text(23);
    p.archived_by = st.text(24);
    st.reset();

    auto h = db_.prepare(
        "SELECT status, changed_at, changed_by_name, reason FROM patient_status_history WHERE patient_id = ? "
        "ORDER BY id");
    h.bind(1, id);
    while (h.step()) p.status_history.push_back({h.text(0), h.text(1), h.text(2), h.text(3)});
    h.reset();

    auto r = db_.prepare(
        "SELECT referring_user_id, referrer_name, referrer_contact, reason, notes, referral_date FROM referrals "
        "WHERE patient_id = ?");
    r.bind(1, id);
    if (r.step()) f.referral = Referral{r.opt_int64(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5)};
    r.reset();
    p.care_team = care_team(id);
    return p;
  }

  Result<Patient> update(int64_t id, int64_t expected_version, const PatientFields& f,
                         const std::string& status_reason, const Actor& by, const std::string& now) override {
    auto current = version_and_status(id);
    if (!current) return Error{"not_found", "no such patient", ""};
    if (current->first != expected_version)
      return Error{"conflict",
                   "the record was changed by someone else (version " + std::to_string(current->first) +
                       ", you sent " + std::to_string(expected_version) + "): reload and apply your change again",
                   "version"};
    auto st = db_.prepare(
        "UPDATE patients SET given_name=?, family_name=?, given_fold=?, family_fold=?, birth_date=?, "
        "sex_at_birth=?, gender_identity=?, pronouns=?, race_json=?, ethnicity=?, preferred_language=?, phone=?, "
        "email=?, address_json=?, emergency_contact_json=?, escort_contact_json=?, diagnoses_json=?, status=?, "
        "updated_at=?, version = version + 1 WHERE id = ? AND version = ?");
    bind_fields(st, f);
    st.bind(19, now).bind(20, id).bind(21, expected_version).run();
    if (current->second != f.status) add_status_history(id, f.status, status_reason, by, now);
    if (f.referral) put_referral(id, *f.referral);
    put_search_names(id, f);
    return *get(id);
  }

  Result<Patient> archive(int64_t id, int64_t expected_version, const std::string& reason, const Actor& by,
                          const std::string& now) override {
    auto current = version_and_status(id);
    if (!current) return Error{"not_found", "no such patient", ""};
    if (current->first != expected_version)
      return Error{"conflict", "the record was changed by someone else: reload and try again", "version"};
    db_.prepare(
           "UPDATE patients SET archived = 1, version = version + 1, updated_at = ?1, archived_at = ?1, "
           "archive_reason = ?2, archived_by = ?3 WHERE id = ?4")
        .bind(1, now)
        .bind(2, reason)
        .bind(3, by.username)
        .bind(4, id)
        .run();
    return *get(id);
  }

  std::vector<PatientSummary> search(const PatientQuery& q) override {
    const bool by_name = !q.name_prefix_folded.empty();
    std::string sql =
        "SELECT p.id, p.mrn, p.given_name, p.family_name, p.birth_date, p.sex_at_birth, p.status, p.archived, "
        "p.version FROM ";
    // A name search walks patient_names in index order and stops at the page's end, so its
    // cost does not grow with the clinic's size. Other listings walk the name-order index.
    sql += by_name ? "patient_names n JOIN patients p ON p.id = n.patient_id WHERE n.name_fold >= ?1 AND "
                     "n.name_fold < ?2"
                   : "patients p WHERE 1=1";
    if (!q.mrn.empty()) sql += " AND p.mrn = ?3";
    if (!q.birth_date.empty()) sql += " AND p.birth_date = ?4";
    if (!q.status.empty()) sql += " AND p.status = ?5";
    if (!q.include_archived) sql += " AND p.archived = 0";
    if (q.care_team_user)
      sql += " AND p.id IN (SELECT patient_id FROM care_team WHERE user_id = ?6 AND ended_at IS NULL)";
    if (q.only_patient) sql += " AND p.id = ?7";
    sql += by_name ? " ORDER BY n.name_fold, n.patient_id" : " ORDER BY p.family_fold, p.given_fold, p.id";
    sql += " LIMIT ?8 OFFSET ?9";
    auto st = db_.prepare_dynamic(sql);
    if (by_name) {
      st.bind(1, q.name_prefix_folded);
      st.bind(2, prefix_upper_bound(q.name_prefix_folded));
    }
    if (!q.mrn.empty()) st.bind(3, q.mrn);
    if (!q.birth_date.empty()) st.bind(4, q.birth_date);
    if (!q.status.empty()) st.bind(5, q.status);
    if (q.care_team_user) st.bind(6, *q.care_team_user);
    if (q.only_patient) st.bind(7, *q.only_patient);
    // Over-fetch name matches so that after folding duplicates there is still a row to tell
    // the caller whether more follow.
    const int64_t fetch = by_name ? int64_t{2} * q.limit + 1 : int64_t{q.limit} + 1;
    st.bind(8, fetch).bind(9, static_cast<int64_t>(q.offset));
    std::vector<PatientSummary> out;
    while (st.step()) {
      const int64_t id = st.int64(0);
      // A patient matching on two names (e.g. given and family) is listed once.
      if (by_name && std::any_of(out.begin(), out.end(), [id](const PatientSummary& x) { return x.id == id; }))
        continue;
      out.push_back(PatientSummary{id, st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6),
                                   st.int64(7) != 0, st.int64(8)});
      if (out.size() == static_cast<size_t>(q.limit) + 1) break;
    }
    return out;
  }

  bool exists(int64_t id) override { return version_and_status(id).has_value(); }

  bool on_care_team(int64_t patient_id, int64_t user_id) override {
    auto st = db_.prepare("SELECT 1 FROM care_team WHERE patient_id = ? AND user_id = ? AND ended_at IS NULL");
    st.bind(1, patient_id).bind(2, user_id);
    const bool found = st.step();
    st.reset();
    return found;
  }

  std::vector<CareTeamMember> care_team(int64_t patient_id) override {
    auto st = db_.prepare(
        "SELECT c.user_id, u.username, u.display_name, u.role, c.capacity, c.added_at FROM care_team c "
        "JOIN users u ON u.id = c.user_id WHERE c.patient_id = ? AND c.ended_at IS NULL ORDER BY c.id");
    st.bind(1, patient_id);
    std::vector<CareTeamMember> out;
    while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)});
    return out;
  }

  Result<bool> add_care_team_member(int64_t patient_id, int64_t user_id, const std::string& capacity,
                                    const Actor& by, const std::string& now) override {
    if (on_care_team(patient_id, user_id))
      return Error{"conflict", "this user is already on the care team", "user_id"};
    db_.prepare("INSERT INTO care_team(patient_id, user_id, capacity, added_at, added_by) VALUES (?,?,?,?,?)")
        .bind(1, patient_id)
        .bind(2, user_id)
        .bind(3, capacity)
        .bind(4, now)
        .bind(5, by.user_id == 0 ? std::optional<int64_t>() : std::optional<int64_t>(by.user_id))
        .run();
    return true;
  }

  bool end_care_team_membership(int64_t patient_id, int64_t user_id, const Actor& by,
                                const std::string& now) override {
    db_.prepare(
           "UPDATE care_team SET ended_at = ?, ended_by = ? WHERE patient_id = ? AND user_id = ? AND ended_at IS NULL")
        .bind(1, now)
        .bind(2, by.user_id == 0 ? std::optional<int64_t>() : std::optional<int64_t>(by.user_id))
        .bind(3, patient_id)
        .bind(4, user_id)
        .run();
    return db_.changes() > 0;
  }

  int64_t count() override {
    auto st = db_.prepare("SELECT COUNT(*) FROM patients");
    st.step();
    return st.int64(0);
  }

 private:
  std::optional<std::pair<int64_t, std::string>> version_and_status(int64_t id) {
    auto st = db_.prepare("SELECT version, status FROM patients WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    auto out = std::make_pair(st.int64(0), st.text(1));
    st.reset();
    return out;
  }

  static void bind_fields(Statement& st, const PatientFields& f) {
    json race = json::array();
    for (const auto& r : f.race) race.push_back(r);
    st.bind(1, f.given_name)
        .bind(2, f.family_name)
        .bind(3, fold_for_search(f.given_name))
        .bind(4, fold_for_search(f.family_name))
        .bind(5, f.birth_date)
        .bind(6, f.sex_at_birth)
        .bind(7, f.gender_identity)
        .bind(8, f.pronouns)
        .bind(9, race.dump())
        .bind(10, f.ethnicity)
        .bind(11, f.preferred_language)
        .bind(12, f.phone)
        .bind(13, f.email)
        .bind(14, to_json(f.address).dump())
        .bind(15, to_json(f.emergency_contact).dump())
        .bind(16, to_json(f.escort_contact).dump())
        .bind(17, to_json(f.diagnoses).dump())
        .bind(18, f.status);
  }

  void add_status_history(int64_t id, const std::string& status, const std::string& reason, const Actor& by,
                          const std::string& now) {
    db_.prepare(
           "INSERT INTO patient_status_history(patient_id, status, changed_at, changed_by, changed_by_name, reason) "
           "VALUES (?,?,?,?,?,?)")
        .bind(1, id)
        .bind(2, status)
        .bind(3, now)
        .bind(4, by.user_id == 0 ? std::optional<int64_t>() : std::optional<int64_t>(by.user_id))
        .bind(5, by.username)
        .bind(6, reason)
        .run();
  }

  // Every name and every word of a name is searchable: "lopez" finds "García López".
  void put_search_names(int64_t id, const PatientFields& f) {
    db_.prepare("DELETE FROM patient_names WHERE patient_id = ?").bind(1, id).run();
    for (const auto& name : {fold_for_search(f.given_name), fold_for_search(f.family_name)}) {
      std::vector<std::string> keys{name};
      std::string word;
      for (char c : name + " ") {
        if (c == ' ' || c == '-' || c == '\'' || c == '.') {
          if (!word.empty() && word != name) keys.push_back(word);
          word.clear();
        } else {
          word.push_back(c);
        }
      }
      for (const auto& k : keys)
        db_.prepare("INSERT OR IGNORE INTO patient_names(name_fold, patient_id) VALUES (?, ?)").bind(1, k).bind(2, id).run();
    }
  }

  void put_referral(int64_t id, const Referral& r) {
    db_.prepare(
           "INSERT INTO referrals(patient_id, referring_user_id, referrer_name, referrer_contact, reason, notes, "
           "referral_date) VALUES (?,?,?,?,?,?,?) ON CONFLICT(patient_id) DO UPDATE SET "
           "referring_user_id=excluded.referring_user_id, referrer_name=excluded.referrer_name, "
           "referrer_contact=excluded.referrer_contact, reason=excluded.reason, notes=excluded.notes, "
           "referral_date=excluded.referral_date")
        .bind(1, id)
        .bind(2, r.referring_user_id)
        .bind(3, r.referrer_name)
        .bind(4, r.referrer_contact)
        .bind(5, r.reason)
        .bind(6, r.notes)
        .bind(7, r.referral_date)
        .run();
  }

  Database& db_;
};

// ---------- audit ----------
class SqliteAudit final : public AuditRepository {
 public:
  explicit SqliteAudit(Database& db) : db_(db) {}

  AuditEntry append(AuditEntry e) override {
    auto head = db_.prepare("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1");
    head.step();
    e.id = head.int64(0) + 1;
    e.prev_hash = head.text(1);
    head.reset();
    e.hash = compute_audit_hash(e);
    db_.prepare(
           "INSERT INTO audit_log(id, at, user_id, username, role, action, resource_type, resource_id, patient_id, "
           "outcome, request_id, client_addr, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, e.id)
        .bind(2, e.at)
        .bind(3, e.user_id)
        .bind(4, e.username)
        .bind(5, e.role)
        .bind(6, e.action)
        .bind(7, e.resource_type)
        .bind(8, e.resource_id)
        .bind(9, e.patient_id)
        .bind(10, e.outcome)
        .bind(11, e.request_id)
        .bind(12, e.client_addr)
        .bind(13, e.prev_hash)
        .bind(14, e.hash)
        .run();
    db_.prepare("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE singleton = 1")
        .bind(1, e.id)
        .bind(2, e.hash)
        .run();
    return e;
  }

  std::vector<AuditEntry> query(const AuditQuery& q) override {
    std::string sql =
        "SELECT id, at, user_id, username, role, action, resource_type, resource_id, patient_id, outcome, "
        "request_id, client_addr, prev_hash, hash FROM audit_log WHERE 1=1";
    if (q.patient_id) sql += " AND patient_id = ?1";
    if (q.user_id) sql += " AND user_id = ?2";
    if (q.before_id) sql += " AND id < ?3";
    if (!q.from.empty()) sql += " AND at >= ?4";
    if (!q.to.empty()) sql += " AND at <= ?5";
    sql += " ORDER BY id DESC LIMIT ?6";
    auto st = db_.prepare_dynamic(sql);
    if (q.patient_id) st.bind(1, *q.patient_id);
    if (q.user_id) st.bind(2, *q.user_id);
    if (q.before_id) st.bind(3, *q.before_id);
    if (!q.from.empty()) st.bind(4, q.from);
    if (!q.to.empty()) st.bind(5, q.to);
    st.bind(6, static_cast<int64_t>(q.limit));
    std::vector<AuditEntry> out;
    while (st.step()) out.push_back(row(st));
    return out;
  }

  std::optional<ChainBreak> verify(int64_t* checked) override {
    AuditChainVerifier v;
    auto st = db_.prepare(
        "SELECT id, at, user_id, username, role, action, resource_type, resource_id, patient_id, outcome, "
        "request_id, client_addr, prev_hash, hash FROM audit_log ORDER BY id");
    std::optional<ChainBreak> broken;
    while (!broken && st.step()) broken = v.add(row(st));
    st.reset();
    if (checked) *checked = v.count();
    if (broken) return broken;
    auto head = db_.prepare("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1");
    if (!head.step()) return ChainBreak{0, "the audit head row is missing"};
    const int64_t head_id = head.int64(0);
    const std::string head_hash = head.text(1);
    head.reset();
    return v.finish(head_id, head_hash);
  }

 private:
  static AuditEntry row(Statement& st) {
    AuditEntry e;
    e.id = st.int64(0);
    e.at = st.text(1);
    e.user_id = st.opt_int64(2);
    e.username = st.text(3);
    e.role = st.text(4);
    e.action = st.text(5);
    e.resource_type = st.text(6);
    e.resource_id = st.text(7);
    e.patient_id = st.opt_int64(8);
    e.outcome = st.text(9);
    e.request_id = st.text(10);
    e.client_addr = st.text(11);
    e.prev_hash = st.text(12);
    e.hash = st.text(13);
    return e;
  }
  Database& db_;
};

class SqliteSettings final : public SettingsRepository {
 public:
  explicit SqliteSettings(Database& db) : db_(db) {}
  std::optional<std::string> get(const std::string& key) override {
    auto st = db_.prepare("SELECT value FROM clinic_settings WHERE key = ?");
    st.bind(1, key);
    if (!st.step()) return std::nullopt;
    return st.text(0);
  }
  void set(const std::string& key, const std::string& value) override {
    db_.prepare("INSERT INTO clinic_settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, key)
        .bind(2, value)
        .run();
  }

 private:
  Database& db_;
};

class SqliteSession final : public StoreSession {
 public:
  explicit SqliteSession(Database& db)
      : db_(db), users_(db), sessions_(db), patients_(db), audit_(db), settings_(db) {}
  UserRepository& users() override { return users_; }
  SessionRepository& sessions() override { return sessions_; }
  PatientRepository& patients() override { return patients_; }
  AuditRepository& audit() override { return audit_; }
  SettingsRepository& settings() override { return settings_; }
  void begin_read() override { db_.prepare("BEGIN DEFERRED").run(); }
  void end_read() override { db_.prepare("COMMIT").run(); }

 private:
  Database& db_;
  SqliteUsers users_;
  SqliteSessions sessions_;
  SqlitePatients patients_;
  SqliteAudit audit_;
  SqliteSettings settings_;
};

}  // namespace

std::unique_ptr<StoreSession> make_sqlite_session(Database& db) { return std::make_unique<SqliteSession>(db); }

}  // namespace openkap::store
