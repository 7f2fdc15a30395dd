// Staff and patient accounts: /api/v1/users...
#include <regex>

#include "api/handlers_common.h"
#include "api/security.h"

namespace openkap::api {

using nlohmann::json;

std::optional<Error> validate_username(const std::string& name) {
  static const std::regex shape("[a-z0-9][a-z0-9._-]{2,63}");
  if (!std::regex_match(name, shape))
    return Error{"validation", "must be 3-64 characters: lower-case letters, digits, '.', '_' or '-'", "username"};
  return std::nullopt;
}

std::optional<Error> validate_password(const std::string& pw) {
  if (utf8_length(pw) < 12) return Error{"validation", "must be at least 12 characters", "password"};
  if (pw.size() > 1024) return Error{"validation", "is longer than 1024 bytes", "password"};
  return std::nullopt;
}

namespace {

Outcome list_users(RequestContext& ctx, store::StoreSession* s) {
  if (!is_staff(ctx.user->role))
    return deny(ctx, "user.list", "user", "", std::nullopt, 403, "staff only");
  std::optional<std::string> role;
  for (const auto& [k, v] : parse_query(ctx.req.query)) {
    if (k == "role" && parse_role(v)) role = v;
    else return Outcome::respond(problem(400, "bad_query", "Bad query parameter", k + ": is not valid", k));
  }
  json items = json::array();
  const bool admin = ctx.user->role == Role::admin;
  for (const auto& u : s->users().list(role)) {
    // Non-admins pick care-team members: they see staff only, never patient accounts.
    const auto r = parse_role(u.role);
    if (!admin && (!r || !is_staff(*r))) continue;
    items.push_back(user_to_json(u));
  }
  return Outcome::respond(json_response(200, {{"items", items}}));
}

Outcome create_user(RequestContext& ctx, store::StoreSession* s) {
  if (ctx.user->role != Role::admin) return deny(ctx, "user.create", "user", "", std::nullopt, 403, "admins only");
  auto body = parse_json_object(ctx.req);
  if (!body) return Outcome::respond(problem_from(body.error()));
  for (auto it = body->begin(); it != body->end(); ++it) {
    const auto& k = it.key();
    if (k != "username" && k != "password" && k != "role" && k != "display_name" && k != "patient_id")
      return Outcome::respond(problem_from(Error{"validation", "is not a known field", k}));
  }
  auto str = [&](const char* k) -> std::optional<std::string> {
    auto it = body->find(k);
    if (it == body->end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  store::NewUser nu;
  std::string password;
  if (auto v = str("username")) nu.username = *v;
  else return Outcome::respond(problem_from(Error{"validation", "is required", "username"}));
  if (auto e = validate_username(nu.username)) return Outcome::respond(problem_from(*e));
  if (auto v = str("password")) password = *v;
  else return Outcome::respond(problem_from(Error{"validation", "is required", "password"}));
  if (auto e = validate_password(password)) return Outcome::respond(problem_from(*e));
  auto role_text = str("role");
  if (!role_text || !parse_role(*role_text))
    return Outcome::respond(problem_from(
        Error{"validation", "must be one of admin, prescriber, nurse, therapist, patient, researcher", "role"}));
  nu.role = *role_text;
  nu.display_name = str("display_name").value_or(nu.username);
  if (nu.display_name.empty() || utf8_length(nu.display_name) > 200 || has_control_chars(nu.display_name))
    return Outcome::respond(problem_from(Error{"validation", "must be 1-200 characters", "display_name"}));
  if (auto pid = body->find("patient_id"); pid != body->end() && !pid->is_null()) {
    if (!pid->is_number_integer() || !s->patients().exists(pid->get<int64_t>()))
      return Outcome::respond(problem_from(Error{"validation", "is not a patient", "patient_id"}));
    nu.patient_id = pid->get<int64_t>();
  }
  if (nu.role == "patient" && !nu.patient_id)
    return Outcome::respond(problem_from(Error{"validation", "is required for a patient account", "patient_id"}));
  if (nu.role != "patient" && nu.patient_id)
    return Outcome::respond(problem_from(Error{"validation", "is only for patient accounts", "patient_id"}));
  nu.password_hash = hash_password(password);
  return Outcome::then_write([nu](store::StoreSession& w, RequestContext& c) {
    auto id = w.users().create(nu, c.now_iso());
    if (!id) return problem_from(id.error());
    c.audit("user.create", "user", std::to_string(*id), nu.patient_id, "success");
    return json_response(201, user_to_json(*w.users().find_by_id(*id)));
  });
}

Outcome disable_user(App& app, RequestContext& ctx, store::StoreSession* s) {
  if (ctx.user->role != Role::admin)
    return deny(ctx, "user.disable", "user", ctx.params[0], std::nullopt, 403, "admins only");
  auto id = parse_id(ctx.params[0]);
  if (!id || !s->users().find_by_id(*id)) return Outcome::respond(problem(404, "not_found", "Not found", "no such user"));
  const int64_t uid = *id;
  return Outcome::then_write([&app, uid](store::StoreSession& w, RequestContext& c) {
    w.users().set_disabled(uid, true);
    w.sessions().revoke_all_for_user(uid, c.now_unix());
    app.sessions().remove_user(uid);  // their sessions end now, not at the next timeout
    c.audit("user.disable", "user", std::to_string(uid), std::nullopt, "success");
    return json_response(200, user_to_json(*w.users().find_by_id(uid)));
  });
}

}  // namespace

void register_user_routes(App& app) {
  app.add_route({"GET", "/api/v1/users", RouteKind::read, true, list_users, "List users (staff)", "users", "",
                 "UserList"});
  app.add_route({"POST", "/api/v1/users", RouteKind::slow, true, create_user, "Create a user (admin)", "users",
                 "UserInput", "User", 201});
  app.add_route({"POST", "/api/v1/users/{id}/disable", RouteKind::read, true,
                 [&app](RequestContext& c, store::StoreSession* s) { return disable_user(app, c, s); },
                 "Disable a user and end their sessions (admin)", "users", "", "User"});
}

}  // namespace openkap::api
