// Health, readiness and the OpenAPI description.
#include "api/handlers_common.h"
#include "api/version.h"

namespace openkap::api {

using nlohmann::json;

namespace {

json str() { return {{"type", "string"}}; }
json integer() { return {{"type", "integer"}}; }
json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
json arr(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json obj(json props, std::vector<std::string> required = {}) {
  json o{{"type", "object"}, {"properties", std::move(props)}};
  if (!required.empty()) o["required"] = required;
  return o;
}
json enum_of(std::vector<std::string> values) { return {{"type", "string"}, {"enum", values}}; }

json schemas() {
  const json sex = enum_of({"female", "male", "intersex", "unknown"});
  const json status =
      enum_of({"referred", "screening", "eligible", "ineligible", "in_treatment", "maintenance", "discharged"});
  const json address = obj({{"line1", str()}, {"line2", str()}, {"city", str()}, {"region", str()},
                            {"postal_code", str()}, {"country", str()}});
  const json emergency = obj({{"name", str()}, {"relationship", str()}, {"phone", str()}});
  const json escort = obj({{"name", str()}, {"phone", str()}});
  const json diagnosis = obj({{"code", str()}, {"text", str()}}, {"code"});
  const json referral = obj({{"referring_user_id", {{"type", "integer"}, {"nullable", true}}},
                             {"referrer_name", str()}, {"referrer_contact", str()}, {"reason", str()},
                             {"notes", str()}, {"referral_date", {{"type", "string"}, {"format", "date"}}}});
  json input_props{{"given_name", {{"type", "string"}, {"maxLength", 200}}},
                   {"family_name", {{"type", "string"}, {"maxLength", 200}}},
                   {"birth_date", {{"type", "string"}, {"format", "date"}}},
                   {"sex_at_birth", sex},
                   {"gender_identity", str()},
                   {"pronouns", str()},
                   {"race", arr(str())},
                   {"ethnicity", str()},
                   {"preferred_language", str()},
                   {"phone", str()},
                   {"email", str()},
                   {"address", address},
                   {"emergency_contact", emergency},
                   {"escort_contact", escort},
                   {"diagnoses", arr(diagnosis)},
                   {"status", status},
                   {"status_reason", str()},
                   {"referral", referral},
                   {"version", {{"type", "integer"}, {"description", "required on PATCH"}}}};
  json patient_props = input_props;
  patient_props.erase("status_reason");
  patient_props["id"] = integer();
  patient_props["mrn"] = str();
  patient_props["archived"] = {{"type", "boolean"}};
  patient_props["archive"] = {{"type", "object"}, {"nullable", true},
                              {"properties", {{"at", str()}, {"reason", str()}, {"by", str()}}}};
  patient_props["status_history"] =
      arr(obj({{"status", status}, {"changed_at", str()}, {"changed_by", str()}, {"reason", str()}}));
  const json member = obj({{"user_id", integer()}, {"username", str()}, {"display_name", str()}, {"role", str()},
                           {"capacity", str()}, {"added_at", str()}});
  patient_props["care_team"] = arr(member);
  patient_props["created_at"] = str();
  patient_props["updated_at"] = str();
  const json user = obj({{"id", integer()}, {"username", str()}, {"display_name", str()},
                         {"role", enum_of({"admin", "prescriber", "nurse", "therapist", "patient", "researcher"})},
                         {"patient_id", {{"type", "integer"}, {"nullable", true}}}, {"disabled", {{"type", "boolean"}}}});
  const json summary = obj({{"id", integer()}, {"mrn", str()}, {"given_name", str()}, {"family_name", str()},
                            {"birth_date", str()}, {"sex_at_birth", sex}, {"status", status},
                            {"archived", {{"type", "boolean"}}}, {"version", integer()}});
  const json entry = obj({{"id", integer()}, {"at", str()}, {"user_id", integer()}, {"username", str()},
                          {"role", str()}, {"action", str()}, {"resource_type", str()}, {"resource_id", str()},
                          {"patient_id", integer()}, {"outcome", enum_of({"success", "failure", "denied"})},
                          {"request_id", str()}, {"client_addr", str()}});
  return {
      {"Problem", obj({{"type", str()}, {"title", str()}, {"status", integer()}, {"detail", str()}, {"field", str()},
                       {"errors", arr(obj({{"field", str()}, {"reason", str()}}))}})},
      {"PatientInput", obj(input_props, {"given_name", "family_name", "birth_date", "sex_at_birth"})},
      {"Patient", obj(patient_props)},
      {"PatientList", obj({{"items", arr(summary)}, {"limit", integer()}, {"offset", integer()},
                           {"has_more", {{"type", "boolean"}}}})},
      {"ArchiveInput", obj({{"version", integer()}, {"reason", str()}}, {"version"})},
      {"CareTeam", obj({{"items", arr(member)}})},
      {"CareTeamInput",
       obj({{"user_id", integer()}, {"capacity", enum_of({"prescriber", "nurse", "therapist", "outside_therapist"})}},
           {"user_id", "capacity"})},
      {"LoginInput", obj({{"username", str()}, {"password", str()}}, {"username", "password"})},
      {"LoginResult", obj({{"token", str()}, {"csrf_token", str()}, {"expires_at", str()}, {"user", user}})},
      {"Me", obj({{"user", user}})},
      {"User", user},
      {"UserInput", obj({{"username", str()}, {"password", str()}, {"role", user["properties"]["role"]},
                         {"display_name", str()}, {"patient_id", integer()}},
                        {"username", "password", "role"})},
      {"UserList", obj({{"items", arr(user)}})},
      {"AuditList", obj({{"items", arr(entry)}, {"next_before_id", integer()}})},
      {"Health", obj({{"status", str()}})},
      {"OpenApi", {{"type", "object"}}},
      {"Clinic", obj({{"name", str()}, {"demo", {{"type", "boolean"}}}, {"version", str()}})},
  };
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

nlohmann::json App::openapi() const {
  json paths = json::object();
  for (const auto& r : routes_) {
    json op{{"summary", r.summary}, {"tags", {r.tag}}};
    json params = json::array();
    for (const auto& seg : r.segments)
      if (!seg.empty() && seg.front() == '{')
        params.push_back({{"name", seg.substr(1, seg.size() - 2)}, {"in", "path"}, {"required", true},
                          {"schema", integer()}});
    if (!params.empty()) op["parameters"] = params;
    if (!r.request_schema.empty())
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", ref(r.request_schema)}}}}}};
    json ok{{"description", "success"}};
    if (!r.response_schema.empty()) ok["content"] = {{"application/json", {{"schema", ref(r.response_schema)}}}};
    const json problem_ref{{"description", "problem"},
                           {"content", {{"application/problem+json", {{"schema", ref("Problem")}}}}}};
    op["responses"] = {{std::to_string(r.success_status), ok}, {"default", problem_ref}};
    if (r.requires_auth) op["security"] = json::array({{{"bearer", json::array()}}, {{"cookie", json::array()}}});
    paths[r.pattern][lower(r.method)] = op;
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "OpenKAP API"}, {"version", kOpenkapVersion},
                    {"description", "Ketamine-assisted psychotherapy clinic. See docs/api.md."}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas()},
            {"securitySchemes",
             {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
              {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "openkap_session"}}}}}}}};
}

void register_meta_routes(App& app) {
  app.add_route({"GET", "/healthz", RouteKind::immediate, false,
                 [](RequestContext&, store::StoreSession*) {
                   return Outcome::respond(json_response(200, {{"status", "ok"}}));
                 },
                 "Liveness", "meta", "", "Health"});
  app.add_route({"GET", "/readyz", RouteKind::read, false,
                 [](RequestContext&, store::StoreSession* s) {
                   try {
                     s->users().count();
                   } catch (const std::exception&) {
                     return Outcome::respond(problem(503, "not_ready", "Not ready", "the database does not answer"));
                   }
                   return Outcome::respond(json_response(200, {{"status", "ready"}}));
                 },
                 "Readiness: the database answers", "meta", "", "Health"});
  app.add_route({"GET", "/api/v1/clinic", RouteKind::immediate, false,
                 [&app](RequestContext&, store::StoreSession*) {
                   return Outcome::respond(json_response(
                       200, {{"name", app.config().demo_clinic ? "OpenKAP synthetic demo clinic" : "OpenKAP"},
                             {"demo", app.config().demo_clinic},
                             {"version", kOpenkapVersion}}));
                 },
                 "Clinic name and whether it is the synthetic demo", "meta", "", "Clinic"});
  app.add_route({"GET", "/api/v1/openapi.json", RouteKind::immediate, false,
                 [&app](RequestContext&, store::StoreSession*) {
                   static const std::string doc = app.openapi().dump();
                   Response r;
                   r.body = doc;
                   return Outcome::respond(std::move(r));
                 },
                 "This OpenAPI document", "meta", "", "OpenApi"});
}

}  // namespace openkap::api
