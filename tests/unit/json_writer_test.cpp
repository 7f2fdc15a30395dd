// The fast writer is checked against nlohmann::json, an independent serializer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/json_writer.h"
#include "api/patient_json.h"

using namespace openkap;
using nlohmann::json;

TEST(JsonWriter, EscapesLikeAStandardSerializer) {
  const std::string tricky = "Robert'); DROP TABLE patients;-- \"q\" \\ \n\t\x01 Zoë 🙂 مرحبا";
  api::JsonWriter w;
  w.begin_object().field("s", tricky).field("n", int64_t{-42}).field("b", false).key("z").null();
  w.key("a").begin_array().value("x").value(int64_t{1}).begin_object().end_object().end_array().end_object();
  const json parsed = json::parse(w.take());
  EXPECT_EQ(parsed["s"], tricky);
  EXPECT_EQ(parsed["n"], -42);
  EXPECT_EQ(parsed["b"], false);
  EXPECT_TRUE(parsed["z"].is_null());
  EXPECT_EQ(parsed["a"], json::parse(R"(["x",1,{}])"));
}

TEST(JsonWriter, PatientTextEqualsTheTreeSerialization) {
  Patient p;
  p.id = 7;
  p.mrn = "OK-000007-2";
  p.version = 3;
  p.fields.given_name = "Zoë";
  p.fields.family_name = "Ñúñez \"the\" 2nd";
  p.fields.birth_date = "1995-07-30";
  p.fields.sex_at_birth = "female";
  p.fields.race = {"white", "asian"};
  p.fields.address.city = "Zürich";
  p.fields.diagnoses = {{"F33.2", "MDD"}, {"F41.1", "GAD"}};
  p.fields.referral = Referral{std::nullopt, "Dr. X", "x@example.org", "TRD", "", ""};
  p.status_history = {{"referred", "2026-01-01T00:00:00.000Z", "admin", ""}};
  p.care_team = {{4, "t", "T", "therapist", "therapist", "2026-01-01T00:00:00.000Z"}};
  EXPECT_EQ(json::parse(api::patient_json_text(p)), api::patient_to_json(p));
  p.fields.referral->referring_user_id = 9;
  p.fields.referral->referral_date = "2026-01-02";
  EXPECT_EQ(json::parse(api::patient_json_text(p)), api::patient_to_json(p));
  p.fields.referral.reset();
  EXPECT_EQ(json::parse(api::patient_json_text(p)), api::patient_to_json(p));
}
