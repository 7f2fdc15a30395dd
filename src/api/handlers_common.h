// Small pieces the route handlers share: access facts, denials, user JSON.
#pragma once
#include <nlohmann/json.hpp>

#include "api/app.h"
#include "core/roles.h"

namespace openkap::api {

inline store::Actor actor_of(const RequestContext& ctx) { return {ctx.user->user_id, ctx.user->username}; }

inline PatientAccessFacts access_facts(const RequestContext& ctx, store::StoreSession& s, int64_t patient_id) {
  const auto& u = *ctx.user;
  PatientAccessFacts f{u.role};
  if (u.role == Role::prescriber || u.role == Role::nurse || u.role == Role::therapist)
    f.on_care_team = s.patients().on_care_team(patient_id, u.user_id);
  f.is_own_record = u.patient_id && *u.patient_id == patient_id;
  return f;
}

// Records the denial in the audit trail and answers: 404 hides a record the user may not know of.
inline Outcome deny(RequestContext& ctx, const std::string& action, const std::string& resource_type,
                    const std::string& resource_id, std::optional<int64_t> patient_id, int status,
                    const std::string& detail) {
  ctx.audit(action, resource_type, resource_id, patient_id, "denied");
  if (status == 404) return Outcome::respond(problem(404, "not_found", "Not found", "no such patient"));
  return Outcome::respond(problem(403, "forbidden", "Forbidden", detail));
}

inline nlohmann::json user_to_json(const store::User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", u.role},
          {"patient_id", u.patient_id ? nlohmann::json(*u.patient_id) : nlohmann::json(nullptr)},
          {"disabled", u.disabled}};
}

}  // namespace openkap::api
