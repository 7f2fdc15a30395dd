// JSON mapping of the patient record (snake_case, field names fixed by the API contract).
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/patient.h"
#include "core/result.h"

namespace openkap::api {

nlohmann::json patient_to_json(const Patient& p);
nlohmann::json summary_to_json(const PatientSummary& s);
class JsonWriter;
// The same object as summary_to_json(s), written into a list being built.
void write_summary_json(JsonWriter& w, const PatientSummary& s);
// The same document as patient_to_json(p).dump(), written directly (the read hot path).
std::string patient_json_text(const Patient& p);

struct PatientChange {
  std::optional<int64_t> version;  // required for updates
  std::string status_reason;
};

// Applies the fields present in `body` onto `fields`, checking JSON types and rejecting
// unknown fields. On create, the required fields must be present. Values are checked
// afterwards by validate_patient_fields().
std::optional<Error> apply_patient_json(const nlohmann::json& body, bool is_create, PatientFields& fields,
                                        PatientChange& change);

}  // namespace openkap::api
