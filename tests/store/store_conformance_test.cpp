// Store conformance: every backend must pass this suite unchanged (docs/architecture.md,
// "PostgreSQL later"). The tests see only store::Store / store::StoreSession and the repository
// interfaces in src/store/repositories.h; a backend joins by adding a factory to kBackends.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/mrn.h"
#include "core/validation.h"
#include "store/repositories.h"
#include "store/sqlite_store.h"

namespace openkap::store {
namespace {

// ---------- backends ----------

// One empty store for one test. open() may be called again after the previous Store was
// closed and destroyed: it must reach the same data (that is how durability is tested).
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<Store> open() = 0;
};

struct BackendFactory {
  std::string name;
  std::function<std::unique_ptr<Backend>()> make;
};

class SqliteBackend final : public Backend {
 public:
  SqliteBackend() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("openkap-store-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~SqliteBackend() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::unique_ptr<Store> open() override { return open_sqlite_store({(dir_ / "openkap.db").string()}); }

 private:
  std::filesystem::path dir_;
};

const std::vector<BackendFactory>& backends() {
  static const std::vector<BackendFactory> v{
      {"sqlite", [] { return std::make_unique<SqliteBackend>(); }},
      // {"postgres", [] { return std::make_unique<PostgresBackend>(); }},  // when it exists
  };
  return v;
}

// ---------- fixture and helpers ----------

constexpr const char* kNow = "2026-11-23T09:30:00.000Z";
constexpr const char* kLater = "2026-11-23T10:00:00.000Z";
constexpr const char* kBobbyTables = "Robert'); DROP TABLE patients;--";

PatientFields patient(const std::string& given, const std::string& family, const std::string& birth = "1988-04-02") {
  PatientFields f;
  f.given_name = given;
  f.family_name = family;
  f.birth_date = birth;
  f.sex_at_birth = "female";
  return f;
}

class StoreConformance : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    store_ = backend_->open();
    ASSERT_TRUE(store_);
  }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    backend_.reset();
  }

  void reopen() {
    store_->close();
    store_.reset();
    store_ = backend_->open();
  }

  // Runs `fn` as one write job and returns its result once durable.
  template <class F>
  auto write(F fn) -> decltype(fn(std::declval<StoreSession&>())) {
    using R = decltype(fn(std::declval<StoreSession&>()));
    if constexpr (std::is_void_v<R>) {
      store_->write_and_wait([&](StoreSession& s) { fn(s); });
    } else {
      std::optional<R> out;
      store_->write_and_wait([&](StoreSession& s) { out.emplace(fn(s)); });
      return std::move(*out);
    }
  }

  // Reads on a fresh reader session (what the server's reader pool does).
  template <class F>
  auto read(F fn) {
    auto r = store_->open_reader();
    return fn(*r);
  }

  int64_t add_user(const std::string& username, const std::string& role = "nurse",
                   std::optional<int64_t> patient_id = std::nullopt) {
    return write([&](StoreSession& s) {
      auto r = s.users().create(NewUser{username, "Display " + username, role, "hash-" + username, patient_id}, kNow);
      if (!r.ok()) throw std::runtime_error("create user failed: " + r.error().message);
      return r.value();
    });
  }

  Actor actor() {
    if (!admin_id_) admin_id_ = add_user("admin", "admin");
    return Actor{admin_id_, "admin"};
  }

  Patient add_patient(const PatientFields& f) {
    const Actor a = actor();
    return write([&](StoreSession& s) { return s.patients().create(f, a, kNow); });
  }

  std::vector<PatientSummary> search(const PatientQuery& q) {
    return read([&](StoreSession& s) { return s.patients().search(q); });
  }

  static std::set<int64_t> ids(const std::vector<PatientSummary>& rows) {
    std::set<int64_t> out;
    for (const auto& r : rows) out.insert(r.id);
    return out;
  }

  AuditEntry audit_entry(const std::string& action, std::optional<int64_t> user_id, std::optional<int64_t> patient_id,
                         const std::string& at = kNow) {
    AuditEntry e;
    e.at = at;
    e.user_id = user_id;
    e.username = user_id ? "user" + std::to_string(*user_id) : "";
    e.role = user_id ? "nurse" : "";
    e.action = action;
    e.resource_type = "patient";
    e.resource_id = patient_id ? std::to_string(*patient_id) : "";
    e.patient_id = patient_id;
    e.outcome = "success";
    e.request_id = "req-" + action;
    e.client_addr = "127.0.0.1";
    return e;
  }

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Store> store_;
  int64_t admin_id_ = 0;
};

// ---------- migrations ----------

TEST_P(StoreConformance, AFreshStoreIsMigratedEmptyAndHealthy) {
  EXPECT_TRUE(store_->healthy());
  read([](StoreSession& s) {
    EXPECT_EQ(s.users().count(), 0);
    EXPECT_EQ(s.patients().count(), 0);
    int64_t checked = -1;
    EXPECT_FALSE(s.audit().verify(&checked).has_value());
    EXPECT_EQ(checked, 0);
  });
}

TEST_P(StoreConformance, ReopeningIsIdempotentAndKeepsData) {
  add_user("keeper");
  reopen();
  EXPECT_TRUE(store_->healthy());
  reopen();  // a second migration pass must be a no-op too
  EXPECT_TRUE(store_->healthy());
  read([](StoreSession& s) {
    EXPECT_EQ(s.users().count(), 1);
    EXPECT_TRUE(s.users().find_by_username("keeper").has_value());
  });
  add_user("after-reopen");  // still writable
  EXPECT_EQ(read([](StoreSession& s) { return s.users().count(); }), 2);
}

// ---------- users ----------

TEST_P(StoreConformance, CreatesAndFindsUsers) {
  const int64_t id = add_user("nurse.lee", "nurse");
  EXPECT_GT(id, 0);
  read([&](StoreSession& s) {
    auto by_name = s.users().find_by_username("nurse.lee");
    ASSERT_TRUE(by_name.has_value());
    EXPECT_EQ(by_name->id, id);
    EXPECT_EQ(by_name->username, "nurse.lee");
    EXPECT_EQ(by_name->display_name, "Display nurse.lee");
    EXPECT_EQ(by_name->role, "nurse");
    EXPECT_EQ(by_name->password_hash, "hash-nurse.lee");
    EXPECT_FALSE(by_name->disabled);
    EXPECT_FALSE(by_name->patient_id.has_value());
    EXPECT_EQ(by_name->failures.consecutive_failures, 0);
    EXPECT_EQ(by_name->failures.locked_until, 0);
    EXPECT_EQ(by_name->created_at, kNow);
    auto by_id = s.users().find_by_id(id);
    ASSERT_TRUE(by_id.has_value());
    EXPECT_EQ(by_id->username, "nurse.lee");
    EXPECT_FALSE(s.users().find_by_username("nobody").has_value());
    EXPECT_FALSE(s.users().find_by_id(id + 1000).has_value());
  });
}

TEST_P(StoreConformance, UsernamesAreUniqueIgnoringCase) {
  add_user("Alice");
  for (const char* dup : {"Alice", "alice", "ALICE", "aLiCe"}) {
    auto r = write([&](StoreSession& s) { return s.users().create(NewUser{dup, "x", "nurse", "h", std::nullopt}, kNow); });
    ASSERT_FALSE(r.ok()) << dup;
    EXPECT_EQ(r.error().code, "conflict") << dup;
  }
  EXPECT_EQ(read([](StoreSession& s) { return s.users().count(); }), 1);
}

TEST_P(StoreConformance, UsernameLookupIgnoresCase) {
  const int64_t id = add_user("Dr.Rivera", "prescriber");
  read([&](StoreSession& s) {
    auto u = s.users().find_by_username("dr.rivera");
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->id, id);
    EXPECT_EQ(u->username, "Dr.Rivera");  // stored as given
  });
}

TEST_P(StoreConformance, ListsUsersFilteredByRole) {
  add_user("t1", "therapist");
  add_user("n1", "nurse");
  add_user("t2", "therapist");
  read([](StoreSession& s) {
    EXPECT_EQ(s.users().list(std::nullopt).size(), 3u);
    auto therapists = s.users().list(std::string("therapist"));
    ASSERT_EQ(therapists.size(), 2u);
    for (const auto& u : therapists) EXPECT_EQ(u.role, "therapist");
    EXPECT_TRUE(s.users().list(std::string("researcher")).empty());
  });
}

TEST_P(StoreConformance, DisablingAUserRoundTrips) {
  const int64_t id = add_user("leaver");
  write([&](StoreSession& s) { s.users().set_disabled(id, true); });
  EXPECT_TRUE(read([&](StoreSession& s) { return s.users().find_by_id(id)->disabled; }));
  write([&](StoreSession& s) { s.users().set_disabled(id, false); });
  EXPECT_FALSE(read([&](StoreSession& s) { return s.users().find_by_id(id)->disabled; }));
}

TEST_P(StoreConformance, LoginFailureStateRoundTrips) {
  const int64_t id = add_user("typo.prone");
  const LoginFailureState st{7, 1795426200, 1795427100};
  write([&](StoreSession& s) { s.users().set_login_failures(id, st); });
  auto u = read([&](StoreSession& s) { return *s.users().find_by_username("typo.prone"); });
  EXPECT_EQ(u.failures.consecutive_failures, 7);
  EXPECT_EQ(u.failures.last_failure_at, 1795426200);
  EXPECT_EQ(u.failures.locked_until, 1795427100);
  write([&](StoreSession& s) { s.users().set_login_failures(id, LoginFailureState{}); });
  u = read([&](StoreSession& s) { return *s.users().find_by_id(id); });
  EXPECT_EQ(u.failures.consecutive_failures, 0);
  EXPECT_EQ(u.failures.last_failure_at, 0);
  EXPECT_EQ(u.failures.locked_until, 0);
}

TEST_P(StoreConformance, PasswordHashCanBeReplaced) {
  const int64_t id = add_user("forgetful");
  write([&](StoreSession& s) { s.users().set_password_hash(id, "$argon2id$new"); });
  EXPECT_EQ(read([&](StoreSession& s) { return s.users().find_by_id(id)->password_hash; }), "$argon2id$new");
}

TEST_P(StoreConformance, PatientUserLinksToTheirRecord) {
  const Patient p = add_patient(patient("Ana", "Souza"));
  const int64_t id = add_user("ana.souza", "patient", p.id);
  EXPECT_EQ(read([&](StoreSession& s) { return s.users().find_by_id(id)->patient_id; }), p.id);
}

TEST_P(StoreConformance, UserTextIsStoredVerbatim) {
  const std::string name = "مريم.cohen";
  const std::string display = std::string(kBobbyTables) + " 🧠 מרים";
  const int64_t id = write([&](StoreSession& s) {
    return s.users().create(NewUser{name, display, "therapist", "h'\"\\", std::nullopt}, kNow).value();
  });
  auto u = read([&](StoreSession& s) { return *s.users().find_by_id(id); });
  EXPECT_EQ(u.username, name);
  EXPECT_EQ(u.display_name, display);
  EXPECT_EQ(u.password_hash, "h'\"\\");
}

// ---------- sessions ----------

SessionRecord session(const std::string& hash, int64_t user, int64_t created, int64_t expires) {
  return SessionRecord{hash, "csrf-" + hash, user, created, expires, created};
}

TEST_P(StoreConformance, SessionsLoadUntilTheyExpire) {
  const int64_t u = add_user("u");
  const int64_t T = 1795426200;
  write([&](StoreSession& s) {
    s.sessions().insert(session("live", u, T, T + 3600));
    s.sessions().insert(session("expired", u, T - 7200, T - 1));
    s.sessions().insert(session("expires-now", u, T - 3600, T));
  });
  auto live = read([&](StoreSession& s) { return s.sessions().load_unexpired(T); });
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].token_hash, "live");
  EXPECT_EQ(live[0].csrf_hash, "csrf-live");
  EXPECT_EQ(live[0].user_id, u);
  EXPECT_EQ(live[0].created_at, T);
  EXPECT_EQ(live[0].expires_at, T + 3600);
  EXPECT_EQ(live[0].last_seen_at, T);
  EXPECT_EQ(read([&](StoreSession& s) { return s.sessions().load_unexpired(T - 2); }).size(), 3u);
}

TEST_P(StoreConformance, TouchAdvancesLastSeen) {
  const int64_t u = add_user("u");
  const int64_t T = 1795426200;
  write([&](StoreSession& s) { s.sessions().insert(session("h", u, T, T + 3600)); });
  write([&](StoreSession& s) { s.sessions().touch("h", T + 120); });
  auto live = read([&](StoreSession& s) { return s.sessions().load_unexpired(T); });
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].last_seen_at, T + 120);
}

TEST_P(StoreConformance, RevokedSessionsDoNotLoadAndAreReportedAsRevoked) {
  const int64_t u = add_user("u");
  const int64_t T = 1795426200;
  write([&](StoreSession& s) {
    s.sessions().insert(session("a", u, T, T + 3600));
    s.sessions().insert(session("b", u, T, T + 3600));
  });
  write([&](StoreSession& s) { s.sessions().revoke("a", T + 10); });
  auto live = read([&](StoreSession& s) { return s.sessions().load_unexpired(T + 11); });
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].token_hash, "b");
  EXPECT_EQ(read([&](StoreSession& s) { return s.sessions().revoked_since(T + 10); }),
            std::vector<std::string>{"a"});  // "at or after"
  EXPECT_EQ(read([&](StoreSession& s) { return s.sessions().revoked_since(T); }), std::vector<std::string>{"a"});
  EXPECT_TRUE(read([&](StoreSession& s) { return s.sessions().revoked_since(T + 11); }).empty());
}

TEST_P(StoreConformance, RevokeAllForUserEndsOnlyThatUsersSessions) {
  const int64_t u1 = add_user("u1"), u2 = add_user("u2");
  const int64_t T = 1795426200;
  write([&](StoreSession& s) {
    s.sessions().insert(session("u1-a", u1, T, T + 3600));
    s.sessions().insert(session("u1-b", u1, T, T + 3600));
    s.sessions().insert(session("u2-a", u2, T, T + 3600));
  });
  write([&](StoreSession& s) { s.sessions().revoke_all_for_user(u1, T + 5); });
  auto live = read([&](StoreSession& s) { return s.sessions().load_unexpired(T + 6); });
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].token_hash, "u2-a");
  auto revoked = read([&](StoreSession& s) { return s.sessions().revoked_since(T + 5); });
  EXPECT_EQ(std::set<std::string>(revoked.begin(), revoked.end()), (std::set<std::string>{"u1-a", "u1-b"}));
}

// ---------- patients ----------

TEST_P(StoreConformance, CreatingAPatientAssignsAValidMrnVersionOneAndInitialStatus) {
  const Patient p = add_patient(patient("Ana", "Souza"));
  EXPECT_GT(p.id, 0);
  EXPECT_TRUE(std::regex_match(p.mrn, std::regex(R"(OK-\d{6}-\d)"))) << p.mrn;
  EXPECT_TRUE(is_valid_mrn(p.mrn)) << p.mrn;
  EXPECT_EQ(p.version, 1);
  EXPECT_FALSE(p.archived);
  EXPECT_EQ(p.fields.status, "referred");
  ASSERT_EQ(p.status_history.size(), 1u);
  EXPECT_EQ(p.status_history[0].status, "referred");
  EXPECT_EQ(p.status_history[0].changed_by, "admin");
  EXPECT_EQ(p.status_history[0].changed_at, kNow);
  EXPECT_EQ(p.created_at, kNow);
  EXPECT_EQ(p.updated_at, kNow);
  EXPECT_TRUE(p.care_team.empty());
}

TEST_P(StoreConformance, EveryPatientGetsADistinctValidMrn) {
  std::set<std::string> mrns;
  for (int i = 0; i < 25; ++i) {
    const Patient p = add_patient(patient("P" + std::to_string(i), "Test"));
    EXPECT_TRUE(is_valid_mrn(p.mrn)) << p.mrn;
    mrns.insert(p.mrn);
  }
  EXPECT_EQ(mrns.size(), 25u);
  EXPECT_EQ(read([](StoreSession& s) { return s.patients().count(); }), 25);
}

TEST_P(StoreConformance, InitialStatusOtherThanReferredIsRecorded) {
  auto f = patient("Ana", "Souza");
  f.status = "screening";
  const Patient p = add_patient(f);
  ASSERT_EQ(p.status_history.size(), 1u);
  EXPECT_EQ(p.status_history[0].status, "screening");
}

TEST_P(StoreConformance, EveryFieldRoundTripsVerbatim) {
  PatientFields f;
  f.given_name = kBobbyTables;
  f.family_name = "محمد 🧠💊";
  f.birth_date = "1988-04-02";
  f.sex_at_birth = "intersex";
  f.gender_identity = "non-binary \"enby\"";
  f.pronouns = "they/them";
  f.race = {"middle_eastern_or_north_african", "white"};
  f.ethnicity = "not_hispanic_or_latino";
  f.preferred_language = "ar";
  f.phone = "+1 555 0100";
  f.email = "o'brien@example.org";
  f.address = {"1 Main St", "Apt 2 \\ back", "Zürich", "ZH", "8001", "CH"};
  f.emergency_contact = {"יעל כהן", "partner", "+41 44 000 00 00"};
  f.escort_contact = {"Sam; DELETE FROM users", "+1 555 0102"};
  f.diagnoses = {{"F33.2", "Major depressive disorder, recurrent, severe"}, {"F43.10", "PTSD 'unspecified'"}};
  f.status = "eligible";
  f.referral = Referral{std::nullopt, "Dr. X", "x@example.org", "TRD\nline two", "notes 🙂", "2026-11-01"};
  const Patient created = add_patient(f);
  const auto got = read([&](StoreSession& s) { return s.patients().get(created.id); });
  ASSERT_TRUE(got.has_value());
  const auto& g = got->fields;
  EXPECT_EQ(g.given_name, f.given_name);
  EXPECT_EQ(g.family_name, f.family_name);
  EXPECT_EQ(g.birth_date, f.birth_date);
  EXPECT_EQ(g.sex_at_birth, f.sex_at_birth);
  EXPECT_EQ(g.gender_identity, f.gender_identity);
  EXPECT_EQ(g.pronouns, f.pronouns);
  EXPECT_EQ(g.race, f.race);
  EXPECT_EQ(g.ethnicity, f.ethnicity);
  EXPECT_EQ(g.preferred_language, f.preferred_language);
  EXPECT_EQ(g.phone, f.phone);
  EXPECT_EQ(g.email, f.email);
  EXPECT_EQ(g.address.line1, f.address.line1);
  EXPECT_EQ(g.address.line2, f.address.line2);
  EXPECT_EQ(g.address.city, f.address.city);
  EXPECT_EQ(g.address.region, f.address.region);
  EXPECT_EQ(g.address.postal_code, f.address.postal_code);
  EXPECT_EQ(g.address.country, f.address.country);
  EXPECT_EQ(g.emergency_contact.name, f.emergency_contact.name);
  EXPECT_EQ(g.emergency_contact.relationship, f.emergency_contact.relationship);
  EXPECT_EQ(g.emergency_contact.phone, f.emergency_contact.phone);
  EXPECT_EQ(g.escort_contact.name, f.escort_contact.name);
  EXPECT_EQ(g.escort_contact.phone, f.escort_contact.phone);
  ASSERT_EQ(g.diagnoses.size(), 2u);
  EXPECT_EQ(g.diagnoses[1].code, "F43.10");
  EXPECT_EQ(g.diagnoses[1].text, "PTSD 'unspecified'");
  EXPECT_EQ(g.status, "eligible");
  ASSERT_TRUE(g.referral.has_value());
  EXPECT_FALSE(g.referral->referring_user_id.has_value());
  EXPECT_EQ(g.referral->referrer_name, "Dr. X");
  EXPECT_EQ(g.referral->referrer_contact, "x@example.org");
  EXPECT_EQ(g.referral->reason, "TRD\nline two");
  EXPECT_EQ(g.referral->notes, "notes 🙂");
  EXPECT_EQ(g.referral->referral_date, "2026-11-01");
  EXPECT_EQ(got->mrn, created.mrn);
  // The tables survived the name.
  EXPECT_EQ(read([](StoreSession& s) { return s.patients().count(); }), 1);
}

TEST_P(StoreConformance, ReferralMayNameAReferringTherapistUser) {
  const int64_t t = add_user("outside.therapist", "therapist");
  auto f = patient("Ana", "Souza");
  f.referral = Referral{t, "", "", "TRD", "", ""};
  const Patient p = add_patient(f);
  auto got = read([&](StoreSession& s) { return *s.patients().get(p.id); });
  ASSERT_TRUE(got.fields.referral.has_value());
  EXPECT_EQ(got.fields.referral->referring_user_id, t);
}

TEST_P(StoreConformance, UnknownPatientIsAbsent) {
  read([](StoreSession& s) {
    EXPECT_FALSE(s.patients().get(424242).has_value());
    EXPECT_FALSE(s.patients().exists(424242));
  });
  const Patient p = add_patient(patient("Ana", "Souza"));
  EXPECT_TRUE(read([&](StoreSession& s) { return s.patients().exists(p.id); }));
}

TEST_P(StoreConformance, UpdateWithTheCurrentVersionBumpsTheVersion) {
  const Patient p = add_patient(patient("Ana", "Souza"));
  auto f = p.fields;
  f.phone = "+1 555 0199";
  f.family_name = "Souza-Lima";
  const Actor a = actor();
  auto r = write([&](StoreSession& s) { return s.patients().update(p.id, 1, f, "", a, kLater); });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(r->fields.phone, "+1 555 0199");
  EXPECT_EQ(r->fields.family_name, "Souza-Lima");
  EXPECT_EQ(r->updated_at, kLater);
  EXPECT_EQ(r->created_at, kNow);
  EXPECT_EQ(r->mrn, p.mrn) << "the MRN never changes";
  EXPECT_EQ(r->status_history.size(), 1u) << "no status change, no history row";
  auto again = read([&](StoreSession& s) { return *s.patients().get(p.id); });
  EXPECT_EQ(again.version, 2);
  EXPECT_EQ(again.fields.family_name, "Souza-Lima");
}

TEST_P(StoreConformance, StatusChangeAddsHistoryWithReasonAndActor) {
  const Patient p = add_patient(patient("Ana", "Souza"));
  const int64_t dr = add_user("dr.rivera", "prescriber");
  auto f = p.fields;
  f.status = "screening";
  auto r = write([&](StoreSession& s) {
    return s.patients().update(p.id, 1, f, "intake call booked", Actor{dr, "dr.rivera"}, kLater);
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->fields.status, "screening");
  ASSERT_EQ(r->status_history.size(), 2u);
  EXPECT_EQ(r->status_history[0].status, "referred");
  EXPECT_EQ(r->status_history[1].status, "screening");
  EXPECT_EQ(r->status_history[1].reason, "intake call booked");
  EXPECT_EQ(r->status_history[1].changed_by, "dr.rivera");
  EXPECT_EQ(r->status_history[1].changed_at, kLater);
}

TEST_P(StoreConformance, StaleVersionIsAConflictAndChangesNothing) {
  const Patient p = add_patient(patient("Ana", "Souza"));
  const Actor a = actor();
  auto f1 = p.fields;
  f1.phone = "first writer";
  ASSERT_TRUE(write([&](StoreSession& s) { return s.patients().update(p.id, 1, f1, "", a, kLater); }).ok());
  auto f2 = p.fields;
  f2.phone = "second writer, stale";
  f2.status = "discharged";
  auto r = write([&](StoreSession& s) { return s.patients().update(p.id, 1, f2, "", a, kLater); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "conflict");
  auto now = read([&](StoreSession& s) { return *s.patients().get(p.id); });
  EXPECT_EQ(now.version, 2);
  EXPECT_EQ(now.fields.phone, "first writer");
  EXPECT_EQ(now.fields.status, "referred");
  EXPECT_EQ(now.status_history.size(), 1u);
  // A version from the future is stale too.
  auto ahead = write([&](StoreSession& s) { return s.patients().update(p.id, 3, f2, "", a, kLater); });
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.error().code, "conflict");
}

TEST_P(StoreConformance, UpdatingAnUnknownPatientIsNotFound) {
  const Actor a = actor();
  auto r = write([&](StoreSession& s) { return s.patients().update(999, 1, patient("A", "B"), "", a, kNow); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "not_found");
}

TEST_P(StoreConformance, ArchivingBumpsTheVersionAndHidesThePatientFromDefaultSearch) {
  const Patient p = add_patient(patient("Ana", "Souza"));
  const Patient other = add_patient(patient("Bea", "Souza"));
  const Actor a = actor();
  auto stale = write([&](StoreSession& s) { return s.patients().archive(p.id, 2, "duplicate", a, kLater); });
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "conflict");
  auto r = write([&](StoreSession& s) { return s.patients().archive(p.id, 1, "duplicate record", a, kLater); });
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->archived);
  EXPECT_EQ(r->version, 2);
  EXPECT_TRUE(read([&](StoreSession& s) { return s.patients().get(p.id)->archived; })) << "nothing is deleted";
  PatientQuery q;
  q.name_prefix_folded = "souza";
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{other.id}));
  q.include_archived = true;
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{p.id, other.id}));
  auto unknown = write([&](StoreSession& s) { return s.patients().archive(999, 1, "", a, kLater); });
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "not_found");
}

// ---------- search ----------

class StoreSearch : public StoreConformance {
 protected:
  void SetUp() override {
    StoreConformance::SetUp();
    zoe_ = add_patient(patient("Zoë", "Ñúñez", "1990-01-15")).id;
    zoltan_ = add_patient(patient("Zoltán", "Kovács", "1975-06-30")).id;
    ana_ = add_patient(patient("Ana", "Zoebel", "1990-01-15")).id;
    lodz_ = add_patient(patient("Łukasz", "Łódź", "2001-12-01")).id;
    arabic_ = add_patient(patient("محمد", "عبد الله", "1984-03-03")).id;
  }
  int64_t zoe_ = 0, zoltan_ = 0, ana_ = 0, lodz_ = 0, arabic_ = 0;
};

TEST_P(StoreSearch, MatchesTheStartOfGivenOrFamilyNameIgnoringCaseAndAccents) {
  PatientQuery q;
  q.name_prefix_folded = fold_for_search("ZO");
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{zoe_, zoltan_, ana_}));  // Zoë, Zoltán, Zoebel
  q.name_prefix_folded = fold_for_search("zoe");
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{zoe_, ana_}));
  q.name_prefix_folded = fold_for_search("ÑUÑ");
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{zoe_}));
  q.name_prefix_folded = fold_for_search("nunez");
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{zoe_}));
  q.name_prefix_folded = fold_for_search("lodz");
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{lodz_}));
  q.name_prefix_folded = fold_for_search("kovacs");
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{zoltan_}));
  q.name_prefix_folded = fold_for_search("مح");
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{arabic_}));
}

TEST_P(StoreSearch, DoesNotMatchInsideANameOrUnknownPrefixes) {
  PatientQuery q;
  q.name_prefix_folded = "oe";  // inside "zoe", not at its start
  EXPECT_TRUE(search(q).empty());
  q.name_prefix_folded = "xyz";
  EXPECT_TRUE(search(q).empty());
  q.name_prefix_folded = fold_for_search(kBobbyTables);
  EXPECT_TRUE(search(q).empty());
  EXPECT_EQ(read([](StoreSession& s) { return s.patients().count(); }), 5);
}

TEST_P(StoreSearch, EmptyQueryListsEveryone) {
  PatientQuery q;
  EXPECT_EQ(search(q).size(), 5u);
}

TEST_P(StoreSearch, FindsByExactMrn) {
  const std::string mrn = read([&](StoreSession& s) { return s.patients().get(lodz_)->mrn; });
  PatientQuery q;
  q.mrn = mrn;
  auto rows = search(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, lodz_);
  EXPECT_EQ(rows[0].mrn, mrn);
  EXPECT_EQ(rows[0].given_name, "Łukasz");
  EXPECT_EQ(rows[0].family_name, "Łódź");
  EXPECT_EQ(rows[0].birth_date, "2001-12-01");
  EXPECT_EQ(rows[0].sex_at_birth, "female");
  EXPECT_EQ(rows[0].status, "referred");
  EXPECT_FALSE(rows[0].archived);
  EXPECT_EQ(rows[0].version, 1);
  q.mrn = mrn.substr(0, mrn.size() - 1);  // a prefix is not an MRN
  EXPECT_TRUE(search(q).empty());
}

TEST_P(StoreSearch, FiltersByBirthDateAndStatus) {
  PatientQuery q;
  q.birth_date = "1990-01-15";
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{zoe_, ana_}));
  q.name_prefix_folded = "zoe";
  q.birth_date = "1975-06-30";
  EXPECT_TRUE(search(q).empty());

  const Actor a = actor();
  auto f = read([&](StoreSession& s) { return s.patients().get(zoltan_)->fields; });
  f.status = "in_treatment";
  ASSERT_TRUE(write([&](StoreSession& s) { return s.patients().update(zoltan_, 1, f, "", a, kLater); }).ok());
  PatientQuery st;
  st.status = "in_treatment";
  EXPECT_EQ(ids(search(st)), (std::set<int64_t>{zoltan_}));
  st.status = "referred";
  EXPECT_EQ(ids(search(st)), (std::set<int64_t>{zoe_, ana_, lodz_, arabic_}));
}

TEST_P(StoreSearch, CareTeamUserSeesOnlyTheirActivePatients) {
  const int64_t nurse = add_user("nurse.lee", "nurse");
  const Actor a = actor();
  write([&](StoreSession& s) {
    ASSERT_TRUE(s.patients().add_care_team_member(zoe_, nurse, "nurse", a, kNow).ok());
    ASSERT_TRUE(s.patients().add_care_team_member(lodz_, nurse, "nurse", a, kNow).ok());
  });
  PatientQuery q;
  q.care_team_user = nurse;
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{zoe_, lodz_}));
  q.name_prefix_folded = "zo";
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{zoe_}));  // not Zoltán or Zoebel
  write([&](StoreSession& s) { EXPECT_TRUE(s.patients().end_care_team_membership(lodz_, nurse, a, kLater)); });
  PatientQuery after;
  after.care_team_user = nurse;
  EXPECT_EQ(ids(search(after)), (std::set<int64_t>{zoe_}));
  PatientQuery stranger;
  stranger.care_team_user = add_user("stranger", "therapist");
  EXPECT_TRUE(search(stranger).empty());
}

TEST_P(StoreSearch, OnlyPatientRestrictsToOneRecord) {
  PatientQuery q;
  q.only_patient = ana_;
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{ana_}));
  q.name_prefix_folded = "zoe";  // Ana Zoebel matches by family name
  EXPECT_EQ(ids(search(q)), (std::set<int64_t>{ana_}));
  q.name_prefix_folded = "lodz";
  EXPECT_TRUE(search(q).empty());
  PatientQuery none;
  none.only_patient = -1;  // a patient user with no linked chart
  EXPECT_TRUE(search(none).empty());
}

TEST_P(StoreSearch, ReturnsLimitPlusOneRowsSoCallersKnowThereIsMore) {
  PatientQuery q;
  q.limit = 2;
  EXPECT_EQ(search(q).size(), 3u);
  q.limit = 4;
  EXPECT_EQ(search(q).size(), 5u);
  q.limit = 5;
  EXPECT_EQ(search(q).size(), 5u) << "exactly limit rows left: no extra row, so no more pages";
  q.limit = 50;
  EXPECT_EQ(search(q).size(), 5u);
}

TEST_P(StoreSearch, OffsetPagesVisitEveryPatientOnce) {
  std::vector<int64_t> seen;
  PatientQuery q;
  q.limit = 2;
  for (q.offset = 0;; q.offset += q.limit) {
    auto rows = search(q);
    const bool more = rows.size() > static_cast<size_t>(q.limit);
    if (more) rows.pop_back();
    for (const auto& r : rows) seen.push_back(r.id);
    if (!more) break;
    ASSERT_LT(q.offset, 100);
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()), (std::set<int64_t>{zoe_, zoltan_, ana_, lodz_, arabic_}));
  q.offset = 5;
  EXPECT_TRUE(search(q).empty());
}

// ---------- care team ----------

TEST_P(StoreConformance, CareTeamMembershipCanBeAddedEndedAndAddedAgain) {
  const Patient p = add_patient(patient("Ana", "Souza"));
  const int64_t t = add_user("therapist.okafor", "therapist");
  const Actor a = actor();
  EXPECT_FALSE(read([&](StoreSession& s) { return s.patients().on_care_team(p.id, t); }));
  auto added = write([&](StoreSession& s) { return s.patients().add_care_team_member(p.id, t, "therapist", a, kNow); });
  ASSERT_TRUE(added.ok());
  read([&](StoreSession& s) {
    EXPECT_TRUE(s.patients().on_care_team(p.id, t));
    auto team = s.patients().care_team(p.id);
    ASSERT_EQ(team.size(), 1u);
    EXPECT_EQ(team[0].user_id, t);
    EXPECT_EQ(team[0].username, "therapist.okafor");
    EXPECT_EQ(team[0].display_name, "Display therapist.okafor");
    EXPECT_EQ(team[0].role, "therapist");
    EXPECT_EQ(team[0].capacity, "therapist");
    EXPECT_EQ(team[0].added_at, kNow);
    EXPECT_EQ(s.patients().get(p.id)->care_team.size(), 1u);
  });

  auto dup = write([&](StoreSession& s) { return s.patients().add_care_team_member(p.id, t, "therapist", a, kNow); });
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "conflict");

  EXPECT_TRUE(write([&](StoreSession& s) { return s.patients().end_care_team_membership(p.id, t, a, kLater); }));
  EXPECT_FALSE(read([&](StoreSession& s) { return s.patients().on_care_team(p.id, t); }));
  EXPECT_TRUE(read([&](StoreSession& s) { return s.patients().care_team(p.id); }).empty());
  EXPECT_FALSE(write([&](StoreSession& s) { return s.patients().end_care_team_membership(p.id, t, a, kLater); }))
      << "ending an ended membership changes nothing";

  ASSERT_TRUE(
      write([&](StoreSession& s) { return s.patients().add_care_team_member(p.id, t, "outside_therapist", a, kLater); })
          .ok());
  auto team = read([&](StoreSession& s) { return s.patients().care_team(p.id); });
  ASSERT_EQ(team.size(), 1u);
  EXPECT_EQ(team[0].capacity, "outside_therapist");
}

TEST_P(StoreConformance, CareTeamMembershipIsPerPatient) {
  const Patient p1 = add_patient(patient("Ana", "Souza"));
  const Patient p2 = add_patient(patient("Bea", "Lima"));
  const int64_t n = add_user("nurse.lee", "nurse");
  const Actor a = actor();
  ASSERT_TRUE(write([&](StoreSession& s) { return s.patients().add_care_team_member(p1.id, n, "nurse", a, kNow); }).ok());
  read([&](StoreSession& s) {
    EXPECT_TRUE(s.patients().on_care_team(p1.id, n));
    EXPECT_FALSE(s.patients().on_care_team(p2.id, n));
    EXPECT_FALSE(s.patients().on_care_team(p1.id, n + 1000));
  });
}

// ---------- audit ----------

TEST_P(StoreConformance, AppendBuildsAHashChain) {
  std::vector<AuditEntry> stored;
  write([&](StoreSession& s) {
    for (int i = 0; i < 5; ++i) stored.push_back(s.audit().append(audit_entry("patient.read", 1, 100 + i)));
  });
  ASSERT_EQ(stored.size(), 5u);
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].id, static_cast<int64_t>(i + 1));
    EXPECT_EQ(stored[i].prev_hash, i == 0 ? kGenesisHash : stored[i - 1].hash);
    EXPECT_EQ(stored[i].hash, compute_audit_hash(stored[i]));
    EXPECT_EQ(stored[i].hash.size(), 64u);
  }
  int64_t checked = 0;
  EXPECT_FALSE(read([&](StoreSession& s) { return s.audit().verify(&checked); }).has_value());
  EXPECT_EQ(checked, 5);
}

TEST_P(StoreConformance, AuditChainContinuesAcrossBatchesAndReopen) {
  write([&](StoreSession& s) { s.audit().append(audit_entry("login", 1, std::nullopt)); });
  write([&](StoreSession& s) { s.audit().append(audit_entry("patient.read", 1, 7)); });
  reopen();
  const AuditEntry third = write([&](StoreSession& s) { return s.audit().append(audit_entry("logout", 1, std::nullopt)); });
  EXPECT_EQ(third.id, 3);
  int64_t checked = 0;
  EXPECT_FALSE(read([&](StoreSession& s) { return s.audit().verify(&checked); }).has_value());
  EXPECT_EQ(checked, 3);
}

TEST_P(StoreConformance, AuditEntriesReadBackExactly) {
  AuditEntry e = audit_entry("patient.update", 3, 9);
  e.username = kBobbyTables;
  e.resource_id = "9/🧠";
  e.client_addr = "2001:db8::1";
  const AuditEntry stored = write([&](StoreSession& s) { return s.audit().append(e); });
  AuditEntry anonymous = audit_entry("login", std::nullopt, std::nullopt);
  write([&](StoreSession& s) { s.audit().append(anonymous); });
  auto rows = read([](StoreSession& s) { return s.audit().query(AuditQuery{}); });
  ASSERT_EQ(rows.size(), 2u);
  const AuditEntry& got = rows[1];  // newest first
  EXPECT_EQ(got.id, stored.id);
  EXPECT_EQ(got.at, e.at);
  EXPECT_EQ(got.user_id, 3);
  EXPECT_EQ(got.username, kBobbyTables);
  EXPECT_EQ(got.role, "nurse");
  EXPECT_EQ(got.action, "patient.update");
  EXPECT_EQ(got.resource_type, "patient");
  EXPECT_EQ(got.resource_id, "9/🧠");
  EXPECT_EQ(got.patient_id, 9);
  EXPECT_EQ(got.outcome, "success");
  EXPECT_EQ(got.request_id, "req-patient.update");
  EXPECT_EQ(got.client_addr, "2001:db8::1");
  EXPECT_EQ(got.prev_hash, kGenesisHash);
  EXPECT_EQ(got.hash, stored.hash);
  EXPECT_FALSE(rows[0].user_id.has_value());
  EXPECT_FALSE(rows[0].patient_id.has_value());
  EXPECT_EQ(compute_audit_hash(rows[0]), rows[0].hash);
}

TEST_P(StoreConformance, AuditQueryFiltersAndOrdersNewestFirst) {
  // id: user, patient, at
  //  1: 1, 10, 09:00   2: 2, 10, 09:01   3: 1, 11, 09:02   4: 1, -, 09:03   5: 2, 11, 09:04   6: 1, 10, 09:05
  const struct {
    int64_t user;
    std::optional<int64_t> patient;
  } rows[] = {{1, 10}, {2, 10}, {1, 11}, {1, std::nullopt}, {2, 11}, {1, 10}};
  write([&](StoreSession& s) {
    int minute = 0;
    for (const auto& r : rows)
      s.audit().append(audit_entry("patient.read", r.user, r.patient,
                                   "2026-11-23T09:0" + std::to_string(minute++) + ":00.000Z"));
  });
  auto query = [&](AuditQuery q) {
    std::vector<int64_t> out;
    for (const auto& e : read([&](StoreSession& s) { return s.audit().query(q); })) out.push_back(e.id);
    return out;
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(query(AuditQuery{}), (V{6, 5, 4, 3, 2, 1}));
  AuditQuery by_patient;
  by_patient.patient_id = 10;
  EXPECT_EQ(query(by_patient), (V{6, 2, 1}));
  AuditQuery by_user;
  by_user.user_id = 2;
  EXPECT_EQ(query(by_user), (V{5, 2}));
  AuditQuery both;
  both.user_id = 1;
  both.patient_id = 11;
  EXPECT_EQ(query(both), (V{3}));
  AuditQuery before;
  before.before_id = 4;
  EXPECT_EQ(query(before), (V{3, 2, 1}));
  AuditQuery limited;
  limited.limit = 2;
  EXPECT_EQ(query(limited), (V{6, 5}));
  AuditQuery page2;
  page2.limit = 2;
  page2.before_id = 5;
  EXPECT_EQ(query(page2), (V{4, 3}));
  AuditQuery window;
  window.from = "2026-11-23T09:01:00.000Z";
  window.to = "2026-11-23T09:03:00.000Z";
  EXPECT_EQ(query(window), (V{4, 3, 2})) << "from and to are inclusive";
}

// ---------- group commit ----------

TEST_P(StoreConformance, ConcurrentSubmitsFromManyThreadsAllCommit) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> committed{0}, failed{0}, callbacks{0};
  std::latch all_done(kThreads * kPerThread);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        // Each job checks its own write inside the transaction, and its own acknowledgement.
        auto mine = std::make_shared<std::atomic<int>>(0);
        store_->submit(
            [name](StoreSession& s) {
              auto r = s.users().create(NewUser{name, name, "nurse", "h", std::nullopt}, kNow);
              if (!r.ok()) throw std::runtime_error(r.error().message);
              AuditEntry e;
              e.at = kNow;
              e.action = "user.create";
              e.resource_type = "user";
              e.resource_id = std::to_string(r.value());
              e.outcome = "success";
              s.audit().append(e);
            },
            [&, mine](bool ok, const std::string& error) {
              if (mine->fetch_add(1) != 0) ADD_FAILURE() << "done called twice";
              ++callbacks;
              if (ok) {
                ++committed;
              } else {
                ++failed;
                ADD_FAILURE() << error;
              }
              all_done.count_down();
            });
      }
    });
  for (auto& th : threads) th.join();
  ASSERT_TRUE([&] {
    for (int i = 0; i < 600; ++i) {
      if (callbacks.load() == kThreads * kPerThread) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }()) << "only " << callbacks.load() << " acknowledgements within 60 s";
  all_done.wait();
  EXPECT_EQ(committed.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  read([&](StoreSession& s) {
    EXPECT_EQ(s.users().count(), kThreads * kPerThread);
    for (int t = 0; t < kThreads; ++t)
      for (int i = 0; i < kPerThread; i += 7)
        EXPECT_TRUE(s.users().find_by_username("t" + std::to_string(t) + "-" + std::to_string(i)).has_value());
    int64_t checked = 0;
    EXPECT_FALSE(s.audit().verify(&checked).has_value());
    EXPECT_EQ(checked, kThreads * kPerThread);
  });
}

// Holds the writer inside a job until released, so the jobs submitted meanwhile queue up and
// are taken together as one batch.
class WriterGate {
 public:
  explicit WriterGate(Store& store) : state_(std::make_shared<State>()) {
    store.submit(
        [st = state_](StoreSession&) {
          std::unique_lock lock(st->mu);
          st->entered = true;
          st->cv.notify_all();
          st->cv.wait_for(lock, std::chrono::seconds(30), [&] { return st->open; });
        },
        [](bool, const std::string&) {});
    std::unique_lock lock(state_->mu);
    state_->cv.wait_for(lock, std::chrono::seconds(30), [&] { return state_->entered; });
  }
  void release() {
    std::lock_guard lock(state_->mu);
    state_->open = true;
    state_->cv.notify_all();
  }
  ~WriterGate() { release(); }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool entered = false, open = false;
  };
  std::shared_ptr<State> state_;
};

struct Ack {
  std::promise<std::pair<bool, std::string>> p;
  std::future<std::pair<bool, std::string>> f = p.get_future();
  WriteDone done() {
    return [this](bool ok, const std::string& err) { p.set_value({ok, err}); };
  }
  std::pair<bool, std::string> get() {
    if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready) return {false, "timed out"};
    return f.get();
  }
};

TEST_P(StoreConformance, AThrowingJobRollsBackOnlyItsOwnWrites) {
  Ack a, b, c, d;
  {
    WriterGate gate(*store_);
    store_->submit(
        [](StoreSession& s) {
          s.users().create(NewUser{"before", "x", "nurse", "h", std::nullopt}, kNow);
          AuditEntry e;
          e.at = kNow;
          e.action = "a";
          e.outcome = "success";
          s.audit().append(e);
        },
        a.done());
    store_->submit(
        [](StoreSession& s) {
          s.users().create(NewUser{"doomed", "x", "nurse", "h", std::nullopt}, kNow);
          AuditEntry e;
          e.at = kNow;
          e.action = "b";
          e.outcome = "success";
          s.audit().append(e);  // extends the chain, then is rolled back with the job
          throw std::runtime_error("boom: validation failed late");
        },
        b.done());
    store_->submit(
        [](StoreSession& s) {
          s.users().create(NewUser{"after", "x", "nurse", "h", std::nullopt}, kNow);
          AuditEntry e;
          e.at = kNow;
          e.action = "c";
          e.outcome = "success";
          s.audit().append(e);
        },
        c.done());
    store_->submit([](StoreSession&) { throw 42; }, d.done());  // not even a std::exception
    gate.release();
  }
  const auto ra = a.get(), rb = b.get(), rc = c.get(), rd = d.get();
  EXPECT_TRUE(ra.first) << ra.second;
  EXPECT_FALSE(rb.first);
  EXPECT_NE(rb.second.find("boom"), std::string::npos) << rb.second;
  EXPECT_TRUE(rc.first) << rc.second;
  EXPECT_FALSE(rd.first);
  EXPECT_FALSE(rd.second.empty());
  read([](StoreSession& s) {
    EXPECT_TRUE(s.users().find_by_username("before").has_value());
    EXPECT_FALSE(s.users().find_by_username("doomed").has_value());
    EXPECT_TRUE(s.users().find_by_username("after").has_value());
    auto entries = s.audit().query(AuditQuery{});
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].action, "c");
    EXPECT_EQ(entries[0].id, 2) << "the rolled-back entry leaves no gap";
    EXPECT_EQ(entries[1].action, "a");
    int64_t checked = 0;
    EXPECT_FALSE(s.audit().verify(&checked).has_value());
    EXPECT_EQ(checked, 2);
  });
}

TEST_P(StoreConformance, AConflictInOneJobDoesNotDisturbTheOthers) {
  // Two racing updates to one record in the same batch: the first wins, the second sees the
  // conflict; both jobs themselves commit.
  const Patient p = add_patient(patient("Ana", "Souza"));
  const Actor act = actor();
  std::optional<Result<Patient>> first, second;
  Ack a, b;
  {
    WriterGate gate(*store_);
    auto f1 = p.fields;
    f1.phone = "one";
    auto f2 = p.fields;
    f2.phone = "two";
    store_->submit([&, f1](StoreSession& s) { first.emplace(s.patients().update(p.id, 1, f1, "", act, kLater)); },
                   a.done());
    store_->submit([&, f2](StoreSession& s) { second.emplace(s.patients().update(p.id, 1, f2, "", act, kLater)); },
                   b.done());
    gate.release();
  }
  EXPECT_TRUE(a.get().first);
  EXPECT_TRUE(b.get().first);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->ok());
  ASSERT_FALSE(second->ok());
  EXPECT_EQ(second->error().code, "conflict");
  EXPECT_EQ(read([&](StoreSession& s) { return s.patients().get(p.id)->fields.phone; }), "one");
}

TEST_P(StoreConformance, WriteAndWaitRethrowsTheJobsError) {
  EXPECT_THROW(store_->write_and_wait([](StoreSession&) { throw std::invalid_argument("bad input"); }),
               std::invalid_argument);
  // The store keeps working afterwards.
  EXPECT_NO_THROW(add_user("still.works"));
}

TEST_P(StoreConformance, SubmitAfterCloseIsRefusedNotLost) {
  store_->close();
  Ack late;
  store_->submit([](StoreSession& s) { s.users().create(NewUser{"late", "x", "nurse", "h", std::nullopt}, kNow); },
                 late.done());
  const auto r = late.get();
  EXPECT_FALSE(r.first);
  EXPECT_NE(r.second, "timed out");
}

// ---------- durability ----------

TEST_P(StoreConformance, EveryAcknowledgedWriteSurvivesCloseAndReopen) {
  constexpr int kJobs = 300;
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<int> callbacks{0};
  std::vector<int64_t> patient_ids(kJobs, 0);
  const Actor a = actor();
  for (int i = 0; i < kJobs; ++i) {
    const std::string given = "Durable" + std::to_string(i);
    store_->submit(
        [&, i, given](StoreSession& s) {
          patient_ids[static_cast<size_t>(i)] = s.patients().create(patient(given, "محمد 🧠"), a, kNow).id;
        },
        [&, given](bool ok, const std::string&) {
          ++callbacks;
          if (ok) {
            std::lock_guard lock(mu);
            acknowledged.push_back(given);
          }
        });
  }
  store_->close();  // drains pending writes
  EXPECT_EQ(callbacks.load(), kJobs) << "close() returns only after every queued job was answered";
  EXPECT_EQ(acknowledged.size(), static_cast<size_t>(kJobs));
  store_.reset();
  store_ = backend_->open();
  read([&](StoreSession& s) {
    EXPECT_EQ(s.patients().count(), kJobs);
    for (int i = 0; i < kJobs; ++i) {
      auto p = s.patients().get(patient_ids[static_cast<size_t>(i)]);
      ASSERT_TRUE(p.has_value()) << i;
      EXPECT_EQ(p->fields.given_name, "Durable" + std::to_string(i));
      EXPECT_EQ(p->fields.family_name, "محمد 🧠");
      EXPECT_TRUE(is_valid_mrn(p->mrn));
    }
  });
}

TEST_P(StoreConformance, ReadersSeeCommittedWritesImmediately) {
  auto reader = store_->open_reader();  // opened before the write
  add_user("fresh");
  EXPECT_TRUE(reader->users().find_by_username("fresh").has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<BackendFactory>& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Backends, StoreSearch, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<BackendFactory>& info) { return info.param.name; });

}  // namespace
}  // namespace openkap::store
