#include "cli/demo.h"

#include <vector>

#include "api/security.h"
#include "core/audit_entry.h"

namespace openkap::cli {

namespace {

struct DemoUser {
  const char* username;
  const char* display_name;
  const char* role;
};

// Fictional people. Names are varied on purpose: the list and search must handle accents and scripts.
constexpr DemoUser kStaff[] = {
    {"admin", "Clinic Administrator (demo)", "admin"},
    {"dr.rivera", "Dr. Elena Rivera, MD (demo prescriber)", "prescriber"},
    {"nurse.chen", "Wei Chen, RN (demo nurse)", "nurse"},
    {"therapist.okafor", "Chidi Okafor, LMFT (demo in-house therapist)", "therapist"},
    {"therapist.lind", "Maja Lind, PhD (demo outside therapist)", "therapist"},
    {"researcher.kim", "Dr. Soo-ah Kim (demo researcher)", "researcher"},
};

struct DemoPatient {
  const char* given;
  const char* family;
  const char* birth_date;
  const char* sex;
  const char* pronouns;
  const char* status;
  const char* dx_code;
  const char* dx_text;
  bool with_outside_therapist;  // referred by and shared with therapist.lind
};

constexpr DemoPatient kPatients[] = {
    {"Ana", "Souza", "1988-04-02", "female", "she/her", "in_treatment", "F33.2",
     "Major depressive disorder, recurrent, severe without psychotic features", true},
    {"Marcus", "Bell", "1979-11-19", "male", "he/him", "referred", "F43.10", "Post-traumatic stress disorder, unspecified", true},
    {"Zoë", "Ñúñez", "1995-07-30", "female", "she/they", "screening", "F41.1", "Generalized anxiety disorder", false},
    {"Jamal", "Haddad", "1983-02-14", "male", "he/him", "eligible", "F33.1", "Major depressive disorder, recurrent, moderate", false},
    {"Priya", "Raman", "1990-09-05", "female", "she/her", "in_treatment", "F43.10", "Post-traumatic stress disorder, unspecified", true},
    {"Sam", "O'Connor", "2001-01-23", "intersex", "they/them", "screening", "F32.2", "Major depressive disorder, single episode, severe", false},
    {"Li", "Wang", "1972-06-11", "male", "he/him", "maintenance", "F33.2", "Major depressive disorder, recurrent, severe", false},
    {"Fatima", "Al-Sayed", "1986-12-01", "female", "she/her", "ineligible", "F20.9", "Schizophrenia, unspecified", false},
    {"Noah", "Schwartz", "1998-03-17", "male", "he/him", "in_treatment", "F10.20", "Alcohol dependence, uncomplicated", false},
    {"Amara", "Nwosu", "1993-08-08", "female", "she/her", "discharged", "F33.1", "Major depressive disorder, recurrent, moderate", false},
    {"Diego", "Hernández", "1969-10-29", "male", "he/him", "maintenance", "F43.12", "Post-traumatic stress disorder, chronic", true},
    {"Hana", "Sato", "1991-05-21", "female", "she/her", "eligible", "F41.1", "Generalized anxiety disorder", false},
    {"Olu", "Adeyemi", "1985-04-04", "male", "he/him", "referred", "F32.1", "Major depressive disorder, single episode, moderate", false},
    {"Ingrid", "Johansson", "1959-02-27", "female", "she/her", "in_treatment", "C50.919", "Malignant neoplasm of breast (palliative KAP)", false},
    {"Yusuf", "Demir", "1977-09-13", "male", "he/him", "screening", "F33.2", "Major depressive disorder, recurrent, severe", false},
    {"Chloé", "Dubois", "2000-11-02", "female", "she/her", "in_treatment", "F43.10", "Post-traumatic stress disorder, unspecified", false},
    {"Tomás", "Ortega", "1980-07-07", "male", "he/him", "discharged", "F33.0", "Major depressive disorder, recurrent, mild", false},
    {"Grace", "Mensah", "1966-01-15", "female", "she/her", "maintenance", "F33.2", "Major depressive disorder, recurrent, severe", false},
    {"Rafael", "Costa", "1994-12-24", "male", "he/him", "referred", "F41.1", "Generalized anxiety disorder", false},
    {"Leah", "Goldberg", "1987-03-03", "female", "she/her", "eligible", "F33.1", "Major depressive disorder, recurrent, moderate", false},
};

// The path a patient at each status has walked, so status histories look like a real clinic's.
std::vector<std::string> path_to(const std::string& status) {
  if (status == "referred") return {"referred"};
  if (status == "screening") return {"referred", "screening"};
  if (status == "eligible") return {"referred", "screening", "eligible"};
  if (status == "ineligible") return {"referred", "screening", "ineligible"};
  if (status == "in_treatment") return {"referred", "screening", "eligible", "in_treatment"};
  if (status == "maintenance") return {"referred", "screening", "eligible", "in_treatment", "maintenance"};
  return {"referred", "screening", "eligible", "in_treatment", "discharged"};
}

}  // namespace

bool load_demo_clinic(store::Store& store, const std::string& now) {
  // One argon2id hash shared by the demo accounts keeps a demo start fast; real accounts
  // each get their own salt via `openkap user add`.
  const std::string hash = api::hash_password(kDemoPassword);
  bool loaded = false;
  store.write_and_wait([&](store::StoreSession& s) {
    if (s.users().count() > 0) return;
    std::vector<int64_t> ids;
    for (const auto& u : kStaff)
      ids.push_back(*s.users().create(store::NewUser{u.username, u.display_name, u.role, hash, std::nullopt}, now));
    const int64_t admin = ids[0], prescriber = ids[1], nurse = ids[2], okafor = ids[3], lind = ids[4];
    const store::Actor by{admin, "admin"};
    int64_t ana_id = 0;
    for (const auto& dp : kPatients) {
      PatientFields f;
      f.given_name = dp.given;
      f.family_name = dp.family;
      f.birth_date = dp.birth_date;
      f.sex_at_birth = dp.sex;
      f.pronouns = dp.pronouns;
      f.preferred_language = "en";
      f.email = std::string("demo.patient+") + std::to_string(ids.size()) + "@example.org";
      f.phone = "+1 555 01" + std::to_string(10 + ids.size());
      f.diagnoses = {{dp.dx_code, dp.dx_text}};
      f.escort_contact = {"Demo Escort", "+1 555 0199"};
      f.emergency_contact = {"Demo Contact", "sibling", "+1 555 0198"};
      f.status = "referred";
      if (dp.with_outside_therapist)
        f.referral = Referral{lind, "Maja Lind, PhD", "maja.lind@example.org",
                              "Treatment-resistant symptoms after two adequate trials; referred for KAP",
                              "Synthetic demo referral", "2026-10-01"};
      else
        f.referral = Referral{std::nullopt, "Self-referral", "", "Read about KAP; wants an evaluation", "", "2026-10-15"};
      Patient p = s.patients().create(f, by, now);
      ids.push_back(p.id);
      if (ana_id == 0) ana_id = p.id;
      // Walk the status path so the history shows each step.
      int64_t version = p.version;
      for (const auto& step : path_to(dp.status)) {
        if (step == "referred") continue;
        f.status = step;
        auto r = s.patients().update(p.id, version, f, "demo: " + step, {prescriber, "dr.rivera"}, now);
        version = r->version;
      }
      s.patients().add_care_team_member(p.id, prescriber, "prescriber", by, now);
      s.patients().add_care_team_member(p.id, nurse, "nurse", by, now);
      s.patients().add_care_team_member(p.id, okafor, "therapist", by, now);
      if (dp.with_outside_therapist) s.patients().add_care_team_member(p.id, lind, "outside_therapist", by, now);
    }
    s.settings().set("demo_clinic", "1");  // the web app shows a "synthetic demo" banner
    s.users().create(store::NewUser{"patient.ana", "Ana Souza (demo patient)", "patient", hash, ana_id}, now);
    AuditEntry e;
    e.at = now;
    e.username = "system";
    e.role = "system";
    e.action = "demo.load";
    e.resource_type = "clinic";
    e.outcome = "success";
    e.request_id = "demo";
    e.client_addr = "local";
    s.audit().append(e);
    loaded = true;
  });
  return loaded;
}

std::string demo_logins_text() {
  return "SYNTHETIC DEMO CLINIC: every person and record here is fictional.\n"
         "Demo logins (password for all: openkap-demo):\n"
         "  admin             admin\n"
         "  dr.rivera         prescriber\n"
         "  nurse.chen        nurse\n"
         "  therapist.okafor  therapist (in-house)\n"
         "  therapist.lind    therapist (outside, on a few care teams)\n"
         "  patient.ana       patient (sees only her own record)\n"
         "  researcher.kim    researcher (no identifiable data)\n";
}

}  // namespace openkap::cli
