// JSON mapping of the patient record (src/api/patient_json.h, docs/api.md "Patients").
#include "api/patient_json.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace openkap::api {
namespace {

using nlohmann::json;

json create_body() {
  return json::parse(R"({"given_name": "Ana", "family_name": "Souza", "birth_date": "1988-04-02",
                         "sex_at_birth": "female"})");
}

// Applies `body`; returns the field of the error, or "" on success.
std::string apply(const json& body, bool is_create, PatientFields& f, PatientChange& c) {
  auto e = apply_patient_json(body, is_create, f, c);
  if (!e) return "";
  EXPECT_EQ(e->code, "validation");
  return e->field.empty() ? "?" : e->field;
}
std::string apply_create(const json& body) {
  PatientFields f;
  PatientChange c;
  return apply(body, true, f, c);
}
std::string apply_patch(const json& body) {
  PatientFields f;
  PatientChange c;
  return apply(body, false, f, c);
}

TEST(ApplyPatientJson, AppliesAMinimalCreateBody) {
  PatientFields f;
  PatientChange c;
  ASSERT_EQ(apply(create_body(), true, f, c), "");
  EXPECT_EQ(f.given_name, "Ana");
  EXPECT_EQ(f.family_name, "Souza");
  EXPECT_EQ(f.birth_date, "1988-04-02");
  EXPECT_EQ(f.sex_at_birth, "female");
  EXPECT_EQ(f.status, "referred");  // default kept when absent
  EXPECT_FALSE(c.version.has_value());
}

TEST(ApplyPatientJson, AppliesEveryFieldOfAFullBody) {
  const json body = json::parse(R"({
    "given_name": "Zoë", "family_name": "محمد", "birth_date": "1988-04-02", "sex_at_birth": "intersex",
    "gender_identity": "non-binary", "pronouns": "they/them", "race": ["asian", "white"],
    "ethnicity": "not_hispanic_or_latino", "preferred_language": "ar", "phone": "+1 555 0100",
    "email": "z@example.org",
    "address": {"line1": "1 Main St", "line2": "Apt 2", "city": "Springfield", "region": "IL",
                "postal_code": "62701", "country": "US"},
    "emergency_contact": {"name": "Sam", "relationship": "sibling", "phone": "+1 555 0101"},
    "escort_contact": {"name": "Lee", "phone": "+1 555 0102"},
    "diagnoses": [{"code": "F33.2", "text": "MDD"}, {"code": "F43.10"}],
    "status": "screening", "status_reason": "intake booked",
    "referral": {"referring_user_id": 4, "referrer_name": "Dr. X", "referrer_contact": "x@example.org",
                 "reason": "TRD", "notes": "n", "referral_date": "2026-11-01"},
    "version": 3})");
  PatientFields f;
  PatientChange c;
  ASSERT_EQ(apply(body, true, f, c), "");
  EXPECT_EQ(f.given_name, "Zoë");
  EXPECT_EQ(f.family_name, "محمد");
  EXPECT_EQ(f.sex_at_birth, "intersex");
  EXPECT_EQ(f.gender_identity, "non-binary");
  EXPECT_EQ(f.pronouns, "they/them");
  EXPECT_EQ(f.race, (std::vector<std::string>{"asian", "white"}));
  EXPECT_EQ(f.ethnicity, "not_hispanic_or_latino");
  EXPECT_EQ(f.preferred_language, "ar");
  EXPECT_EQ(f.phone, "+1 555 0100");
  EXPECT_EQ(f.email, "z@example.org");
  EXPECT_EQ(f.address.line1, "1 Main St");
  EXPECT_EQ(f.address.line2, "Apt 2");
  EXPECT_EQ(f.address.city, "Springfield");
  EXPECT_EQ(f.address.region, "IL");
  EXPECT_EQ(f.address.postal_code, "62701");
  EXPECT_EQ(f.address.country, "US");
  EXPECT_EQ(f.emergency_contact.name, "Sam");
  EXPECT_EQ(f.emergency_contact.relationship, "sibling");
  EXPECT_EQ(f.emergency_contact.phone, "+1 555 0101");
  EXPECT_EQ(f.escort_contact.name, "Lee");
  EXPECT_EQ(f.escort_contact.phone, "+1 555 0102");
  ASSERT_EQ(f.diagnoses.size(), 2u);
  EXPECT_EQ(f.diagnoses[0].code, "F33.2");
  EXPECT_EQ(f.diagnoses[0].text, "MDD");
  EXPECT_EQ(f.diagnoses[1].code, "F43.10");
  EXPECT_EQ(f.diagnoses[1].text, "");
  EXPECT_EQ(f.status, "screening");
  EXPECT_EQ(c.status_reason, "intake booked");
  ASSERT_TRUE(f.referral.has_value());
  EXPECT_EQ(f.referral->referring_user_id, 4);
  EXPECT_EQ(f.referral->referrer_name, "Dr. X");
  EXPECT_EQ(f.referral->referrer_contact, "x@example.org");
  EXPECT_EQ(f.referral->reason, "TRD");
  EXPECT_EQ(f.referral->notes, "n");
  EXPECT_EQ(f.referral->referral_date, "2026-11-01");
  EXPECT_EQ(c.version, 3);
}

TEST(ApplyPatientJson, TypeErrorsNameTheField) {
  auto body = create_body();
  body["birth_date"] = 19880101;
  EXPECT_EQ(apply_create(body), "birth_date");

  body = create_body();
  body["given_name"] = json::array({"Ana"});
  EXPECT_EQ(apply_create(body), "given_name");

  body = create_body();
  body["sex_at_birth"] = true;
  EXPECT_EQ(apply_create(body), "sex_at_birth");

  body = create_body();
  body["race"] = "white";
  EXPECT_EQ(apply_create(body), "race");

  body = create_body();
  body["race"] = json::array({"white", 3});
  EXPECT_EQ(apply_create(body), "race[1]");

  body = create_body();
  body["phone"] = 5550100;
  EXPECT_EQ(apply_create(body), "phone");

  body = create_body();
  body["address"] = "1 Main St";
  EXPECT_EQ(apply_create(body), "address");

  body = create_body();
  body["address"] = {{"city", 12}};
  EXPECT_EQ(apply_create(body), "address.city");

  body = create_body();
  body["emergency_contact"] = {{"phone", json::array()}};
  EXPECT_EQ(apply_create(body), "emergency_contact.phone");

  body = create_body();
  body["escort_contact"] = {{"name", false}};
  EXPECT_EQ(apply_create(body), "escort_contact.name");

  body = create_body();
  body["diagnoses"] = {{"code", "F33.2"}};  // an object, not an array
  EXPECT_EQ(apply_create(body), "diagnoses");

  body = create_body();
  body["diagnoses"] = json::array({json{{"code", "F33.2"}}, json{{"code", 332}}});
  EXPECT_EQ(apply_create(body), "diagnoses[1].code");

  body = create_body();
  body["diagnoses"] = json::array({json{{"code", "F33.2"}}, "F43.10"});
  EXPECT_EQ(apply_create(body), "diagnoses[1]");

  body = create_body();
  body["referral"] = {{"referrer_name", 1}};
  EXPECT_EQ(apply_create(body), "referral.referrer_name");

  body = create_body();
  body["referral"] = {{"referring_user_id", "4"}};
  EXPECT_EQ(apply_create(body), "referral.referring_user_id");

  body = create_body();
  body["referral"] = {{"referring_user_id", 0}};
  EXPECT_EQ(apply_create(body), "referral.referring_user_id");

  body = create_body();
  body["status_reason"] = 7;
  EXPECT_EQ(apply_create(body), "status_reason");
}

TEST(ApplyPatientJson, RejectsUnknownFieldsAtEveryLevel) {
  auto body = create_body();
  body["planet"] = "earth";
  EXPECT_EQ(apply_create(body), "planet");

  body = create_body();
  body["givenName"] = "Ana";  // camelCase typo is not silently lost
  EXPECT_EQ(apply_create(body), "givenName");

  body = create_body();
  body["address"] = {{"city", "Springfield"}, {"planet", "Mars"}};
  EXPECT_EQ(apply_create(body), "address.planet");

  body = create_body();
  body["emergency_contact"] = {{"email", "x@example.org"}};
  EXPECT_EQ(apply_create(body), "emergency_contact.email");

  body = create_body();
  body["escort_contact"] = {{"relationship", "friend"}};
  EXPECT_EQ(apply_create(body), "escort_contact.relationship");

  body = create_body();
  body["diagnoses"] = json::array({json{{"code", "F33.2"}, {"severity", "high"}}});
  EXPECT_EQ(apply_create(body), "diagnoses[0].severity");

  body = create_body();
  body["referral"] = {{"referrer_name", "Dr. X"}, {"fax", "555"}};
  EXPECT_EQ(apply_create(body), "referral.fax");
}

TEST(ApplyPatientJson, IgnoresReadOnlyFieldsEchoedFromARead) {
  auto body = create_body();
  body["id"] = 99;
  body["mrn"] = "OK-000099-1";
  body["archived"] = true;
  body["status_history"] = json::array();
  body["care_team"] = json::array();
  body["created_at"] = "2020-01-01T00:00:00Z";
  body["updated_at"] = "2020-01-01T00:00:00Z";
  PatientFields f;
  PatientChange c;
  EXPECT_EQ(apply(body, true, f, c), "");
  EXPECT_EQ(f.given_name, "Ana");
}

TEST(ApplyPatientJson, CreateRequiresTheFourIdentityFields) {
  for (const char* required : {"given_name", "family_name", "birth_date", "sex_at_birth"}) {
    auto body = create_body();
    body.erase(required);
    EXPECT_EQ(apply_create(body), required) << "missing";
    body = create_body();
    body[required] = nullptr;
    EXPECT_EQ(apply_create(body), required) << "null";
  }
}

TEST(ApplyPatientJson, PatchDoesNotRequireIdentityFields) {
  EXPECT_EQ(apply_patch(json{{"phone", "+1 555 0199"}}), "");
  EXPECT_EQ(apply_patch(json::object()), "");
}

TEST(ApplyPatientJson, PatchLeavesAbsentFieldsUnchanged) {
  PatientFields f;
  f.given_name = "Ana";
  f.family_name = "Souza";
  f.phone = "+1 555 0100";
  f.email = "ana@example.org";
  f.race = {"white"};
  f.address.city = "Springfield";
  f.diagnoses = {{"F33.2", "MDD"}};
  PatientChange c;
  ASSERT_EQ(apply(json{{"email", "new@example.org"}}, false, f, c), "");
  EXPECT_EQ(f.email, "new@example.org");
  EXPECT_EQ(f.given_name, "Ana");
  EXPECT_EQ(f.family_name, "Souza");
  EXPECT_EQ(f.phone, "+1 555 0100");
  EXPECT_EQ(f.race, (std::vector<std::string>{"white"}));
  EXPECT_EQ(f.address.city, "Springfield");
  ASSERT_EQ(f.diagnoses.size(), 1u);
}

TEST(ApplyPatientJson, PatchNullClearsOptionalStrings) {
  PatientFields f;
  f.phone = "+1 555 0100";
  f.pronouns = "she/her";
  f.address.city = "Springfield";
  f.address.line1 = "1 Main St";
  PatientChange c;
  ASSERT_EQ(apply(json{{"phone", nullptr}, {"pronouns", nullptr}, {"address", {{"city", nullptr}}}}, false, f, c), "");
  EXPECT_EQ(f.phone, "");
  EXPECT_EQ(f.pronouns, "");
  EXPECT_EQ(f.address.city, "");
  EXPECT_EQ(f.address.line1, "1 Main St");  // absent inside the object: unchanged
}

TEST(ApplyPatientJson, PatchNullClearsListsButNotRequiredFields) {
  PatientFields f;
  f.given_name = "Ana";
  f.race = {"white"};
  f.diagnoses = {{"F33.2", ""}};
  PatientChange c;
  ASSERT_EQ(apply(json{{"race", nullptr}, {"diagnoses", nullptr}}, false, f, c), "");
  EXPECT_TRUE(f.race.empty());
  EXPECT_TRUE(f.diagnoses.empty());
  // A required name cannot be cleared with null.
  EXPECT_EQ(apply(json{{"given_name", nullptr}}, false, f, c), "given_name");
  EXPECT_EQ(apply(json{{"status", nullptr}}, false, f, c), "status");
}

TEST(ApplyPatientJson, PatchMergesReferralFields) {
  PatientFields f;
  f.referral = Referral{std::nullopt, "Dr. X", "x@example.org", "TRD", "", "2026-11-01"};
  PatientChange c;
  ASSERT_EQ(apply(json{{"referral", {{"notes", "called back"}}}}, false, f, c), "");
  ASSERT_TRUE(f.referral.has_value());
  EXPECT_EQ(f.referral->referrer_name, "Dr. X");
  EXPECT_EQ(f.referral->notes, "called back");
  // null does not remove a recorded referral (it is history).
  ASSERT_EQ(apply(json{{"referral", nullptr}}, false, f, c), "");
  EXPECT_TRUE(f.referral.has_value());
}

TEST(ApplyPatientJson, ParsesVersionAsAPositiveInteger) {
  PatientFields f;
  PatientChange c;
  ASSERT_EQ(apply(json{{"version", 7}}, false, f, c), "");
  EXPECT_EQ(c.version, 7);
  for (const json& bad : {json("7"), json(0), json(-1), json(1.5), json(true), json::array({1})}) {
    PatientChange c2;
    EXPECT_EQ(apply(json{{"version", bad}}, false, f, c2), "version") << bad.dump();
    EXPECT_FALSE(c2.version.has_value()) << bad.dump();
  }
  PatientChange c3;
  ASSERT_EQ(apply(json{{"version", nullptr}}, false, f, c3), "");
  EXPECT_FALSE(c3.version.has_value());
}

// ---------- patient_to_json ----------

Patient full_patient() {
  Patient p;
  p.id = 12;
  p.mrn = "OK-000012-5";
  p.version = 3;
  p.archived = false;
  auto& f = p.fields;
  f.given_name = "Ana";
  f.family_name = "Souza";
  f.birth_date = "1988-04-02";
  f.sex_at_birth = "female";
  f.gender_identity = "woman";
  f.pronouns = "she/her";
  f.race = {"white", "black_or_african_american"};
  f.ethnicity = "hispanic_or_latino";
  f.preferred_language = "pt";
  f.phone = "+1 555 0100";
  f.email = "ana@example.org";
  f.address = {"1 Main St", "", "Springfield", "IL", "62701", "US"};
  f.emergency_contact = {"João", "spouse", "+1 555 0101"};
  f.escort_contact = {"João", "+1 555 0101"};
  f.diagnoses = {{"F33.2", "Major depressive disorder, recurrent, severe"}};
  f.status = "screening";
  f.referral = Referral{std::nullopt, "Dr. X", "x@example.org", "TRD", "", "2026-11-01"};
  p.status_history = {{"referred", "2026-11-01T10:00:00.000Z", "admin", ""},
                      {"screening", "2026-11-02T10:00:00.000Z", "dr.rivera", "intake booked"}};
  p.care_team = {{4, "therapist.okafor", "T. Okafor", "therapist", "therapist", "2026-11-01T10:00:00.000Z"}};
  p.created_at = "2026-11-01T10:00:00.000Z";
  p.updated_at = "2026-11-02T10:00:00.000Z";
  return p;
}

TEST(PatientToJson, UsesTheContractsSnakeCaseNames) {
  const json j = patient_to_json(full_patient());
  const std::set<std::string> expected{
      "id",        "mrn",      "version",   "archived", "archive", "given_name",   "family_name",
      "birth_date", "sex_at_birth", "gender_identity", "pronouns", "race",   "ethnicity",
      "preferred_language", "phone", "email", "address", "emergency_contact", "escort_contact",
      "diagnoses", "status",   "status_history", "referral", "care_team", "created_at", "updated_at"};
  std::set<std::string> got;
  for (auto it = j.begin(); it != j.end(); ++it) got.insert(it.key());
  EXPECT_EQ(got, expected);
}

TEST(PatientToJson, CarriesTheValues) {
  const json j = patient_to_json(full_patient());
  EXPECT_EQ(j["id"], 12);
  EXPECT_EQ(j["mrn"], "OK-000012-5");
  EXPECT_EQ(j["version"], 3);
  EXPECT_EQ(j["archived"], false);
  EXPECT_EQ(j["given_name"], "Ana");
  EXPECT_EQ(j["family_name"], "Souza");
  EXPECT_EQ(j["birth_date"], "1988-04-02");
  EXPECT_EQ(j["sex_at_birth"], "female");
  EXPECT_EQ(j["status"], "screening");
  EXPECT_EQ(j["race"], json::array({"white", "black_or_african_american"}));
  EXPECT_EQ(j["address"]["postal_code"], "62701");
  EXPECT_EQ(j["emergency_contact"]["relationship"], "spouse");
  EXPECT_EQ(j["escort_contact"]["name"], "João");
  EXPECT_EQ(j["diagnoses"][0]["code"], "F33.2");
  EXPECT_EQ(j["status_history"].size(), 2u);
  EXPECT_EQ(j["status_history"][1]["reason"], "intake booked");
  EXPECT_EQ(j["status_history"][1]["changed_by"], "dr.rivera");
  EXPECT_EQ(j["care_team"][0]["user_id"], 4);
  EXPECT_EQ(j["care_team"][0]["capacity"], "therapist");
  EXPECT_TRUE(j["referral"]["referring_user_id"].is_null());
  EXPECT_EQ(j["referral"]["referral_date"], "2026-11-01");
}

TEST(PatientJsonText, TheServedTextIsTheSameDocument) {
  // The read path serves patient_json_text(); it must carry the same names and values.
  const Patient p = full_patient();
  const json served = json::parse(patient_json_text(p));
  EXPECT_EQ(served, patient_to_json(p));
  EXPECT_EQ(served["given_name"], "Ana");
  EXPECT_EQ(served["mrn"], "OK-000012-5");
}

TEST(PatientToJson, AbsentReferralAndEmptyReferralDateAreNull) {
  auto p = full_patient();
  p.fields.referral.reset();
  EXPECT_TRUE(patient_to_json(p)["referral"].is_null());
  p = full_patient();
  p.fields.referral->referral_date = "";
  p.fields.referral->referring_user_id = 4;
  const json j = patient_to_json(p);
  EXPECT_TRUE(j["referral"]["referral_date"].is_null());
  EXPECT_EQ(j["referral"]["referring_user_id"], 4);
}

TEST(PatientToJson, OutputCanBeAppliedBackUnchanged) {
  // A client may GET a record, edit it and send it all back.
  const Patient p = full_patient();
  json body = patient_to_json(p);
  PatientFields f;
  PatientChange c;
  ASSERT_EQ(apply(body, true, f, c), "");
  EXPECT_EQ(f.given_name, p.fields.given_name);
  EXPECT_EQ(f.race, p.fields.race);
  EXPECT_EQ(f.address.city, p.fields.address.city);
  EXPECT_EQ(f.referral->referrer_name, p.fields.referral->referrer_name);
  EXPECT_EQ(c.version, 3);
}

TEST(SummaryToJson, HasTheListFields) {
  PatientSummary s{12, "OK-000012-5", "Ana", "Souza", "1988-04-02", "female", "referred", false, 1};
  const json j = summary_to_json(s);
  std::set<std::string> got;
  for (auto it = j.begin(); it != j.end(); ++it) got.insert(it.key());
  EXPECT_EQ(got, (std::set<std::string>{"id", "mrn", "given_name", "family_name", "birth_date", "sex_at_birth",
                                        "status", "archived", "version"}));
  EXPECT_EQ(j["mrn"], "OK-000012-5");
  EXPECT_EQ(j["version"], 1);
}

}  // namespace
}  // namespace openkap::api
