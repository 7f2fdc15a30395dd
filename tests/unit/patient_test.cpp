// The rules a patient record's values satisfy (src/core/patient.h, docs/api.md "Patients").
#include "core/patient.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace openkap {
namespace {

const CivilDate kToday{2026, 11, 23};

PatientFields minimal() {
  PatientFields f;
  f.given_name = "Ana";
  f.family_name = "Souza";
  f.birth_date = "1988-04-02";
  f.sex_at_birth = "female";
  return f;
}

PatientFields full() {
  PatientFields f = minimal();
  f.gender_identity = "woman";
  f.pronouns = "she/her";
  f.race = {"white", "black_or_african_american"};
  f.ethnicity = "hispanic_or_latino";
  f.preferred_language = "pt";
  f.phone = "+1 555 0100";
  f.email = "ana@example.org";
  f.address = {"1 Main St", "Apt 2", "Springfield", "IL", "62701", "US"};
  f.emergency_contact = {"João Souza", "spouse", "+1 555 0101"};
  f.escort_contact = {"João Souza", "+1 555 0101"};
  f.diagnoses = {{"F33.2", "Major depressive disorder, recurrent, severe"}, {"F43.10", "PTSD, unspecified"}};
  f.status = "screening";
  f.referral = Referral{std::nullopt, "Dr. X", "x@example.org", "TRD", "", "2026-11-01"};
  return f;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// The field an error names, or "" when the record is valid.
std::string rejected_field(const PatientFields& f) {
  auto e = validate_patient_fields(f, kToday);
  if (!e) return "";
  EXPECT_EQ(e->code, "validation");
  EXPECT_FALSE(e->message.empty());
  EXPECT_FALSE(e->field.empty()) << "a validation error must name its field";
  return e->field.empty() ? "?" : e->field;
}

TEST(ValidatePatient, AcceptsAMinimalRecord) { EXPECT_EQ(rejected_field(minimal()), ""); }

TEST(ValidatePatient, AcceptsAFullRecord) { EXPECT_EQ(rejected_field(full()), ""); }

TEST(ValidatePatient, RequiresEachRequiredField) {
  {
    auto f = minimal();
    f.given_name = "";
    EXPECT_EQ(rejected_field(f), "given_name");
  }
  {
    auto f = minimal();
    f.family_name = "";
    EXPECT_EQ(rejected_field(f), "family_name");
  }
  {
    auto f = minimal();
    f.birth_date = "";
    EXPECT_EQ(rejected_field(f), "birth_date");
  }
  {
    auto f = minimal();
    f.sex_at_birth = "";
    EXPECT_EQ(rejected_field(f), "sex_at_birth");
  }
}

TEST(ValidatePatient, TreatsBlankNamesAsMissing) {
  auto f = minimal();
  f.given_name = "   ";
  EXPECT_EQ(rejected_field(f), "given_name");
  f = minimal();
  f.family_name = " \t ";
  EXPECT_EQ(rejected_field(f), "family_name");
}

TEST(ValidatePatient, TreatsLineBreakOnlyNamesAsBlank) {
  // Line breaks pass the control-character check (they are allowed in notes), so a name made
  // only of them must still count as blank.
  auto f = minimal();
  f.given_name = "\n";
  EXPECT_EQ(rejected_field(f), "given_name");
  f = minimal();
  f.family_name = " \r\n ";
  EXPECT_EQ(rejected_field(f), "family_name");
}

TEST(ValidatePatient, AcceptsEachSexAtBirthAndRejectsOthers) {
  for (const char* s : {"female", "male", "intersex", "unknown"}) {
    auto f = minimal();
    f.sex_at_birth = s;
    EXPECT_EQ(rejected_field(f), "") << s;
  }
  for (const char* s : {"robot", "Female", "MALE", "f", "other", " female"}) {
    auto f = minimal();
    f.sex_at_birth = s;
    EXPECT_EQ(rejected_field(f), "sex_at_birth") << s;
  }
}

TEST(ValidatePatient, AcceptsEachStatusAndRejectsOthers) {
  for (const char* s :
       {"referred", "screening", "eligible", "ineligible", "in_treatment", "maintenance", "discharged"}) {
    auto f = minimal();
    f.status = s;
    EXPECT_EQ(rejected_field(f), "") << s;
  }
  for (const char* s : {"", "archived", "Referred", "in-treatment", "deceased"}) {
    auto f = minimal();
    f.status = s;
    EXPECT_EQ(rejected_field(f), "status") << s;
  }
}

TEST(ValidatePatient, BirthDateMayBeTodayButNotTomorrow) {
  auto f = minimal();
  f.birth_date = "2026-11-23";
  EXPECT_EQ(rejected_field(f), "");
  f.birth_date = "2026-11-24";
  EXPECT_EQ(rejected_field(f), "birth_date");
  f.birth_date = "2027-01-01";
  EXPECT_EQ(rejected_field(f), "birth_date");
}

TEST(ValidatePatient, FutureIsJudgedAgainstTheTodayPassedIn) {
  auto f = minimal();
  f.birth_date = "2030-06-15";
  EXPECT_TRUE(validate_patient_fields(f, kToday).has_value());
  EXPECT_FALSE(validate_patient_fields(f, CivilDate{2030, 6, 15}).has_value());
}

TEST(ValidatePatient, BirthDateMayNotBeBefore1900) {
  auto f = minimal();
  f.birth_date = "1900-01-01";
  EXPECT_EQ(rejected_field(f), "");
  f.birth_date = "1899-12-31";
  EXPECT_EQ(rejected_field(f), "birth_date");
  f.birth_date = "0001-01-01";
  EXPECT_EQ(rejected_field(f), "birth_date");
}

TEST(ValidatePatient, BirthDateMustBeARealCalendarDate) {
  for (const char* d : {"2025-02-30", "2023-02-29", "1900-02-29", "1988-4-2", "02/04/1988", "19880402", "yesterday"}) {
    auto f = minimal();
    f.birth_date = d;
    EXPECT_EQ(rejected_field(f), "birth_date") << d;
  }
  auto f = minimal();
  f.birth_date = "2000-02-29";
  EXPECT_EQ(rejected_field(f), "");
}

TEST(ValidatePatient, LengthLimitCountsCharactersNotBytes) {
  auto f = minimal();
  f.given_name = repeat("é", 200);  // 400 bytes, 200 characters
  EXPECT_EQ(rejected_field(f), "");
  f.given_name = repeat("é", 201);
  EXPECT_EQ(rejected_field(f), "given_name");
  f.given_name = repeat("🧠", 200);  // 800 bytes
  EXPECT_EQ(rejected_field(f), "");
  f.given_name = repeat("a", 200);
  EXPECT_EQ(rejected_field(f), "");
  f.given_name = repeat("a", 201);
  EXPECT_EQ(rejected_field(f), "given_name");
}

TEST(ValidatePatient, EveryShortTextFieldIsLimitedTo200Characters) {
  const std::string too_long = repeat("ü", 201);
  const std::string at_limit = repeat("ü", 200);
  struct Case {
    const char* field;
    std::string PatientFields::*member;
  };
  const Case cases[] = {
      {"given_name", &PatientFields::given_name},       {"family_name", &PatientFields::family_name},
      {"gender_identity", &PatientFields::gender_identity}, {"pronouns", &PatientFields::pronouns},
      {"preferred_language", &PatientFields::preferred_language}, {"phone", &PatientFields::phone},
  };
  for (const auto& c : cases) {
    auto f = minimal();
    f.*(c.member) = at_limit;
    EXPECT_EQ(rejected_field(f), "") << c.field;
    f.*(c.member) = too_long;
    EXPECT_EQ(rejected_field(f), c.field);
  }
  auto f = minimal();
  f.address.city = too_long;
  EXPECT_EQ(rejected_field(f), "address.city");
  f = minimal();
  f.address.postal_code = too_long;
  EXPECT_EQ(rejected_field(f), "address.postal_code");
  f = minimal();
  f.emergency_contact.relationship = too_long;
  EXPECT_EQ(rejected_field(f), "emergency_contact.relationship");
  f = minimal();
  f.escort_contact.phone = too_long;
  EXPECT_EQ(rejected_field(f), "escort_contact.phone");
  f = minimal();
  f.diagnoses = {{"F33.2", too_long}};
  EXPECT_EQ(rejected_field(f), "diagnoses[0].text");
}

TEST(ValidatePatient, RejectsControlCharactersAndNamesTheField) {
  auto f = minimal();
  f.given_name = "Ana\x07";
  EXPECT_EQ(rejected_field(f), "given_name");
  f = minimal();
  f.family_name = std::string("Sou\0za", 6);
  EXPECT_EQ(rejected_field(f), "family_name");
  f = minimal();
  f.address.line1 = "1 Main St\x1B[2J";
  EXPECT_EQ(rejected_field(f), "address.line1");
  f = minimal();
  f.emergency_contact.name = "x\x7F";
  EXPECT_EQ(rejected_field(f), "emergency_contact.name");
  f = full();
  f.referral->notes = "ok\x01";
  EXPECT_EQ(rejected_field(f), "referral.notes");
}

TEST(ValidatePatient, KeepsNonLatinNamesVerbatim) {
  auto f = minimal();
  f.given_name = "محمد";
  f.family_name = "כהן";
  EXPECT_EQ(rejected_field(f), "");
  f.given_name = "Robert'); DROP TABLE patients;--";
  EXPECT_EQ(rejected_field(f), "");
}

TEST(ValidatePatient, EmailMustHaveAnAtSignAndNoSpaces) {
  auto f = minimal();
  f.email = "ana@example.org";
  EXPECT_EQ(rejected_field(f), "");
  f.email = "";
  EXPECT_EQ(rejected_field(f), "");  // optional
  for (const char* e : {"ana.example.org", "ana @example.org", "ana@example .org", "plainaddress"}) {
    f.email = e;
    EXPECT_EQ(rejected_field(f), "email") << e;
  }
}

TEST(ValidatePatient, AcceptsEveryOmbRaceCategory) {
  // OMB SPD 15 (2024) minimum categories, plus "other" and "declined" (docs/api.md).
  const char* all[] = {"american_indian_or_alaska_native",
                       "asian",
                       "black_or_african_american",
                       "native_hawaiian_or_other_pacific_islander",
                       "white",
                       "middle_eastern_or_north_african",
                       "other",
                       "declined"};
  for (const char* r : all) {
    auto f = minimal();
    f.race = {r};
    EXPECT_EQ(rejected_field(f), "") << r;
  }
  auto f = minimal();
  f.race.assign(std::begin(all), std::end(all));
  EXPECT_EQ(rejected_field(f), "");
}

TEST(ValidatePatient, RejectsUnknownRaceAndNamesTheItem) {
  auto f = minimal();
  f.race = {"White"};
  EXPECT_EQ(rejected_field(f), "race[0]");
  f.race = {"asian", "hispanic"};  // hispanic is an ethnicity, not a race
  EXPECT_EQ(rejected_field(f), "race[1]");
  f.race = {"white", ""};
  EXPECT_EQ(rejected_field(f), "race[1]");
}

TEST(ValidatePatient, AcceptsEachEthnicityOrNone) {
  for (const char* e : {"", "hispanic_or_latino", "not_hispanic_or_latino", "declined", "unknown"}) {
    auto f = minimal();
    f.ethnicity = e;
    EXPECT_EQ(rejected_field(f), "") << e;
  }
  auto f = minimal();
  f.ethnicity = "latino";
  EXPECT_EQ(rejected_field(f), "ethnicity");
}

TEST(Icd10Shape, AcceptsRealCodes) {
  for (const char* c : {"F33.2", "F43.10", "C50.919", "F33", "F32.A", "U07.1", "S52.521A", "T36.0X1A", "Z91.19"})
    EXPECT_TRUE(looks_like_icd10(c)) << c;
}

TEST(Icd10Shape, RejectsMalformedCodes) {
  for (const char* c : {"", "33.2", "F3", "F33.", "f33.2", "F.332", "FF3.2", "F33 2", "F33..2", "F33.2-", "F33.21234",
                        "F332", "1F33.2"})
    EXPECT_FALSE(looks_like_icd10(c)) << '"' << c << '"';
}

TEST(ValidatePatient, NamesTheDiagnosisWithABadCode) {
  auto f = minimal();
  f.diagnoses = {{"F33.2", "MDD"}, {"33.2", "typo"}};
  EXPECT_EQ(rejected_field(f), "diagnoses[1].code");
  f.diagnoses = {{"f33.2", "lower case"}};
  EXPECT_EQ(rejected_field(f), "diagnoses[0].code");
}

TEST(ValidatePatient, AllowsAtMostFiftyDiagnoses) {
  auto f = minimal();
  f.diagnoses.assign(50, Diagnosis{"F33.2", ""});
  EXPECT_EQ(rejected_field(f), "");
  f.diagnoses.assign(51, Diagnosis{"F33.2", ""});
  EXPECT_EQ(rejected_field(f), "diagnoses");
}

TEST(ValidatePatient, ReferralNeedsAReferrer) {
  auto f = minimal();
  f.referral = Referral{};
  EXPECT_EQ(rejected_field(f), "referral.referrer_name");
  f.referral = Referral{std::nullopt, "Dr. X", "", "", "", ""};
  EXPECT_EQ(rejected_field(f), "");
  f.referral = Referral{int64_t{4}, "", "", "", "", ""};  // a referring therapist who is a user
  EXPECT_EQ(rejected_field(f), "");
}

TEST(ValidatePatient, ReferralDateMustBeARealPastOrPresentDate) {
  auto f = full();
  f.referral->referral_date = "2026-11-23";
  EXPECT_EQ(rejected_field(f), "");
  f.referral->referral_date = "";  // optional
  EXPECT_EQ(rejected_field(f), "");
  f.referral->referral_date = "2026-11-24";
  EXPECT_EQ(rejected_field(f), "referral.referral_date");
  f.referral->referral_date = "2026-02-30";
  EXPECT_EQ(rejected_field(f), "referral.referral_date");
}

TEST(ValidatePatient, ReferralReasonAndNotesAllow4000Characters) {
  auto f = full();
  f.referral->reason = repeat("ö", 4000);
  f.referral->notes = repeat("ö", 4000);
  EXPECT_EQ(rejected_field(f), "");
  f.referral->reason = repeat("ö", 4001);
  EXPECT_EQ(rejected_field(f), "referral.reason");
  f = full();
  f.referral->notes = repeat("x", 4001);
  EXPECT_EQ(rejected_field(f), "referral.notes");
  f = full();
  f.referral->referrer_name = repeat("x", 201);
  EXPECT_EQ(rejected_field(f), "referral.referrer_name");
}

TEST(PatientCatalogues, MatchTheDocumentedValueSets) {
  auto as_set = [](const std::vector<std::string_view>& v) { return std::set<std::string_view>(v.begin(), v.end()); };
  EXPECT_EQ(as_set(sexes_at_birth()), (std::set<std::string_view>{"female", "male", "intersex", "unknown"}));
  EXPECT_EQ(as_set(patient_statuses()),
            (std::set<std::string_view>{"referred", "screening", "eligible", "ineligible", "in_treatment",
                                        "maintenance", "discharged"}));
  EXPECT_EQ(as_set(ethnicity_categories()),
            (std::set<std::string_view>{"hispanic_or_latino", "not_hispanic_or_latino", "declined", "unknown"}));
  EXPECT_EQ(race_categories().size(), 8u);
  EXPECT_EQ(PatientFields{}.status, "referred");  // the default status
}

}  // namespace
}  // namespace openkap
