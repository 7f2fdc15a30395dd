// The patient record as the clinic keeps it, and the rules its values must satisfy.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/validation.h"

namespace openkap {

struct Address {
  std::string line1, line2, city, region, postal_code, country;
};
struct EmergencyContact {
  std::string name, relationship, phone;
};
struct EscortContact {  // who takes the patient home after a dosing session (no driving)
  std::string name, phone;
};
struct Diagnosis {
  std::string code;  // ICD-10-CM, e.g. F33.2
  std::string text;
};
struct Referral {
  std::optional<int64_t> referring_user_id;  // an outside therapist who is a user
  std::string referrer_name, referrer_contact, reason, notes, referral_date;
};
struct StatusChange {
  std::string status, changed_at, changed_by, reason;
};
struct CareTeamMember {
  int64_t user_id = 0;
  std::string username, display_name, role, capacity, added_at;
};

// Demographics and clinical identity: everything a create or an update may set.
struct PatientFields {
  std::string given_name, family_name, birth_date, sex_at_birth;
  std::string gender_identity, pronouns;
  std::vector<std::string> race;  // OMB categories (2024 revision adds MENA)
  std::string ethnicity;
  std::string preferred_language, phone, email;
  Address address;
  EmergencyContact emergency_contact;
  EscortContact escort_contact;
  std::vector<Diagnosis> diagnoses;
  std::string status = "referred";
  std::optional<Referral> referral;
};

struct Patient {
  int64_t id = 0;
  std::string mrn;
  int64_t version = 0;
  bool archived = false;
  std::string archived_at, archive_reason, archived_by;  // set when archived
  PatientFields fields;
  std::vector<StatusChange> status_history;
  std::vector<CareTeamMember> care_team;
  std::string created_at, updated_at;
};

// A one-line listing for search results.
struct PatientSummary {
  int64_t id = 0;
  std::string mrn, given_name, family_name, birth_date, sex_at_birth, status;
  bool archived = false;
  int64_t version = 0;
};

const std::vector<std::string_view>& patient_statuses();
const std::vector<std::string_view>& sexes_at_birth();
const std::vector<std::string_view>& race_categories();
const std::vector<std::string_view>& ethnicity_categories();
bool is_one_of(std::string_view value, const std::vector<std::string_view>& allowed);

constexpr size_t kMaxShortText = 200;  // names, contacts, codes
constexpr size_t kMaxLongText = 4000;  // notes, reasons

// Checks values (not JSON shape): enums, real dates, birth date not in the future and not
// before 1900, text lengths, ICD-10 code shape. `today` comes from the caller (no clock here).
std::optional<Error> validate_patient_fields(const PatientFields& f, const CivilDate& today);
// ICD-10(-CM) code shape: letter, two digits/letters, optional dot and up to 4 more.
bool looks_like_icd10(std::string_view code);

}  // namespace openkap
