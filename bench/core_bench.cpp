// Google Benchmark for the core's hot paths (never timed assertions in tests: measure here).
//   cmake --build build --target openkap_bench && build/openkap_bench
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "api/patient_json.h"
#include "core/audit_entry.h"
#include "core/patient.h"
#include "core/validation.h"

namespace {

using namespace openkap;

AuditEntry typical_audit_entry() {
  AuditEntry e;
  e.id = 123456;
  e.at = "2026-11-23T09:30:00.123Z";
  e.user_id = 7;
  e.username = "therapist.okafor";
  e.role = "therapist";
  e.action = "patient.read";
  e.resource_type = "patient";
  e.resource_id = "4242";
  e.patient_id = 4242;
  e.outcome = "success";
  e.request_id = "3f1c2a9b8d7e6f5a4b3c2d1e";
  e.client_addr = "192.0.2.17";
  e.prev_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  return e;
}

PatientFields full_fields() {
  PatientFields f;
  f.given_name = "Zoë";
  f.family_name = "Ñúñez-Łódź";
  f.birth_date = "1988-04-02";
  f.sex_at_birth = "female";
  f.gender_identity = "woman";
  f.pronouns = "she/her";
  f.race = {"white", "black_or_african_american"};
  f.ethnicity = "hispanic_or_latino";
  f.preferred_language = "es";
  f.phone = "+1 555 0100";
  f.email = "zoe@example.org";
  f.address = {"1 Main St", "Apt 2", "Springfield", "IL", "62701", "US"};
  f.emergency_contact = {"Mateo Núñez", "spouse", "+1 555 0101"};
  f.escort_contact = {"Mateo Núñez", "+1 555 0101"};
  f.diagnoses = {{"F33.2", "Major depressive disorder, recurrent, severe without psychotic features"},
                 {"F43.10", "Post-traumatic stress disorder, unspecified"}};
  f.status = "in_treatment";
  f.referral = Referral{std::nullopt, "Dr. X", "x@example.org", "Treatment-resistant depression", "", "2026-11-01"};
  return f;
}

Patient full_patient() {
  Patient p;
  p.id = 4242;
  p.mrn = "OK-004242-4";
  p.version = 7;
  p.fields = full_fields();
  p.status_history = {{"referred", "2026-11-01T10:00:00.000Z", "admin", ""},
                      {"screening", "2026-11-02T10:00:00.000Z", "dr.rivera", "intake booked"},
                      {"eligible", "2026-11-09T10:00:00.000Z", "dr.rivera", "screening complete"},
                      {"in_treatment", "2026-11-16T10:00:00.000Z", "dr.rivera", "first dosing session"}};
  p.care_team = {{3, "dr.rivera", "Dr. Rivera", "prescriber", "prescriber", "2026-11-01T10:00:00.000Z"},
                 {4, "therapist.okafor", "T. Okafor", "therapist", "therapist", "2026-11-01T10:00:00.000Z"},
                 {5, "nurse.lee", "N. Lee", "nurse", "nurse", "2026-11-02T10:00:00.000Z"}};
  p.created_at = "2026-11-01T10:00:00.000Z";
  p.updated_at = "2026-11-16T10:00:00.000Z";
  return p;
}

void BM_ComputeAuditHash(benchmark::State& state) {
  const AuditEntry e = typical_audit_entry();
  for (auto _ : state) benchmark::DoNotOptimize(compute_audit_hash(e));
}
BENCHMARK(BM_ComputeAuditHash);

void BM_FoldForSearch(benchmark::State& state) {
  const std::string name = "María José Ñúñez-Łódź";
  for (auto _ : state) benchmark::DoNotOptimize(fold_for_search(name));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(name.size()));
}
BENCHMARK(BM_FoldForSearch);

void BM_ValidatePatientFields(benchmark::State& state) {
  const PatientFields f = full_fields();
  const CivilDate today{2026, 11, 23};
  for (auto _ : state) benchmark::DoNotOptimize(validate_patient_fields(f, today));
}
BENCHMARK(BM_ValidatePatientFields);

void BM_PatientToJsonDump(benchmark::State& state) {
  const Patient p = full_patient();
  for (auto _ : state) benchmark::DoNotOptimize(api::patient_to_json(p).dump());
}
BENCHMARK(BM_PatientToJsonDump);

void BM_PatientJsonText(benchmark::State& state) {  // the writer the read path uses
  const Patient p = full_patient();
  for (auto _ : state) benchmark::DoNotOptimize(api::patient_json_text(p));
}
BENCHMARK(BM_PatientJsonText);

void BM_ParseAndApplyCreateBody(benchmark::State& state) {
  const std::string body = R"({"given_name": "Zoë", "family_name": "Ñúñez", "birth_date": "1988-04-02",
    "sex_at_birth": "female", "pronouns": "she/her", "race": ["white"], "ethnicity": "hispanic_or_latino",
    "preferred_language": "es", "phone": "+1 555 0100", "email": "zoe@example.org",
    "address": {"line1": "1 Main St", "city": "Springfield", "region": "IL", "postal_code": "62701", "country": "US"},
    "emergency_contact": {"name": "Mateo Núñez", "relationship": "spouse", "phone": "+1 555 0101"},
    "diagnoses": [{"code": "F33.2", "text": "Major depressive disorder, recurrent, severe"}],
    "referral": {"referrer_name": "Dr. X", "referrer_contact": "x@example.org", "reason": "TRD",
                 "referral_date": "2026-11-01"}})";
  for (auto _ : state) {
    const auto json = nlohmann::json::parse(body);
    PatientFields f;
    api::PatientChange c;
    auto err = api::apply_patient_json(json, true, f, c);
    benchmark::DoNotOptimize(err);
    benchmark::DoNotOptimize(f);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_ParseAndApplyCreateBody);

}  // namespace

BENCHMARK_MAIN();
