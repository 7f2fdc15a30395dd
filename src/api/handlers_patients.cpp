// Patients, referrals and care teams: /api/v1/patients...
#include <algorithm>

#include "api/handlers_common.h"
#include "api/json_writer.h"
#include "api/patient_json.h"
#include "core/mrn.h"

namespace openkap::api {

using nlohmann::json;

namespace {

// The referring therapist, when given as a user, must be a therapist who exists.
std::optional<Error> check_referrer(const PatientFields& f, store::StoreSession& s) {
  if (!f.referral || !f.referral->referring_user_id) return std::nullopt;
  auto u = s.users().find_by_id(*f.referral->referring_user_id);
  if (!u || u->role != "therapist")
    return Error{"validation", "is not a therapist user", "referral.referring_user_id"};
  return std::nullopt;
}

Response record_response(int status, const Patient& p) {
  Response r;
  r.status = status;
  r.body = patient_json_text(p);
  r.headers.emplace_back("ETag", "\"" + std::to_string(p.version) + "\"");
  return r;
}

std::optional<int64_t> if_match_version(const Request& req) {
  auto v = req.header("if-match");
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return parse_id(v);
}

Outcome create_patient(RequestContext& ctx, store::StoreSession* s) {
  if (!may_create_patient(ctx.user->role))
    return deny(ctx, "patient.create", "patient", "", std::nullopt, 403, "your role cannot create patient records");
  auto body = parse_json_object(ctx.req);
  if (!body) return Outcome::respond(problem_from(body.error()));
  PatientFields fields;
  PatientChange change;
  if (auto e = apply_patient_json(*body, true, fields, change)) return Outcome::respond(problem_from(*e));
  if (auto e = validate_patient_fields(fields, ctx.today())) return Outcome::respond(problem_from(*e));
  if (auto e = check_referrer(fields, *s)) return Outcome::respond(problem_from(*e));
  return Outcome::then_write([fields](store::StoreSession& w, RequestContext& c) {
    Patient p = w.patients().create(fields, actor_of(c), c.now_iso());
    const Role role = c.user->role;
    if (role != Role::admin) {
      // Whoever registers a patient is on their team, or they could not open the record they made.
      const std::string capacity(role_name(role));
      w.patients().add_care_team_member(p.id, c.user->user_id, capacity, actor_of(c), c.now_iso());
      const auto me = w.users().find_by_id(c.user->user_id);
      p.care_team.push_back({c.user->user_id, c.user->username, me ? me->display_name : c.user->username, capacity,
                             capacity, c.now_iso()});
    }
    // No cache entry can exist for a record that did not exist before this commit.
    c.audit("patient.create", "patient", std::to_string(p.id), p.id, "success");
    Response r = record_response(201, p);
    r.headers.emplace_back("Location", "/api/v1/patients/" + std::to_string(p.id));
    return r;
  });
}

Outcome read_patient(RequestContext& ctx, store::StoreSession* s) {
  const auto id = parse_id(ctx.params[0]);
  if (!id) return Outcome::respond(problem(404, "not_found", "Not found", "no such patient"));
  if (!may_see_identifiable_data(ctx.user->role))
    return deny(ctx, "patient.read", "patient", ctx.params[0], id, 403, "researchers see de-identified data only");
  auto record = ctx.patient_cache->get(*id);
  if (!record) {
    auto p = s->patients().get(*id);
    if (!p) return Outcome::respond(problem(404, "not_found", "Not found", "no such patient"));
    record = std::make_shared<const CachedPatient>(CachedPatient{patient_json_text(*p), p->version});
    ctx.patient_cache->put(*id, ctx.read_epoch, record);
  }
  // The access check and the audit row are never cached.
  if (!may_read_patient(access_facts(ctx, *s, *id)))
    return deny(ctx, "patient.read", "patient", ctx.params[0], id, 404, "");
  ctx.audit("patient.read", "patient", ctx.params[0], id, "success");
  Response r;
  r.body = record->json;
  r.headers.emplace_back("ETag", "\"" + std::to_string(record->version) + "\"");
  return Outcome::respond(std::move(r));
}

// Shared by update and archive: the record, if this user may change it.
std::optional<Outcome> load_for_write(RequestContext& ctx, store::StoreSession& s, const char* action, int64_t id,
                                      std::optional<Patient>& out) {
  out = s.patients().get(id);
  if (!out) return Outcome::respond(problem(404, "not_found", "Not found", "no such patient"));
  const auto facts = access_facts(ctx, s, id);
  if (!may_write_patient(facts))
    return deny(ctx, action, "patient", std::to_string(id), id,
                may_read_patient(facts) || facts.role == Role::researcher ? 403 : 404,
                "your role cannot change this record");
  return std::nullopt;
}

Outcome update_patient(RequestContext& ctx, store::StoreSession* s) {
  const auto id = parse_id(ctx.params[0]);
  if (!id) return Outcome::respond(problem(404, "not_found", "Not found", "no such patient"));
  auto body = parse_json_object(ctx.req);
  if (!body) return Outcome::respond(problem_from(body.error()));
  std::optional<Patient> current;
  if (auto denied = load_for_write(ctx, *s, "patient.update", *id, current)) return std::move(*denied);
  PatientFields fields = current->fields;
  PatientChange change;
  if (auto e = apply_patient_json(*body, false, fields, change)) return Outcome::respond(problem_from(*e));
  if (!change.version) change.version = if_match_version(ctx.req);
  if (!change.version)
    return Outcome::respond(problem_from(
        Error{"validation", "is required: send the version you read, so changes by others are not overwritten",
              "version"}));
  if (auto e = validate_patient_fields(fields, ctx.today())) return Outcome::respond(problem_from(*e));
  if (auto e = check_referrer(fields, *s)) return Outcome::respond(problem_from(*e));
  const int64_t pid = *id;
  return Outcome::then_write([pid, fields, change](store::StoreSession& w, RequestContext& c) {
    auto r = w.patients().update(pid, *change.version, fields, change.status_reason, actor_of(c), c.now_iso());
    if (!r) {
      c.audit("patient.update", "patient", std::to_string(pid), pid, "failure");
      return problem_from(r.error());
    }
    c.changed_patients.push_back(pid);
    c.audit("patient.update", "patient", std::to_string(pid), pid, "success");
    return record_response(200, *r);
  });
}

Outcome archive_patient(RequestContext& ctx, store::StoreSession* s) {
  const auto id = parse_id(ctx.params[0]);
  if (!id) return Outcome::respond(problem(404, "not_found", "Not found", "no such patient"));
  auto body = parse_json_object(ctx.req);
  if (!body) return Outcome::respond(problem_from(body.error()));
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "version" && it.key() != "reason")
      return Outcome::respond(problem_from(Error{"validation", "is not a known field", it.key()}));
  std::optional<int64_t> version = if_match_version(ctx.req);
  if (auto v = body->find("version"); v != body->end()) {
    if (!v->is_number_integer() || v->get<int64_t>() < 1)
      return Outcome::respond(problem_from(Error{"validation", "must be a positive integer", "version"}));
    version = v->get<int64_t>();
  }
  if (!version) return Outcome::respond(problem_from(Error{"validation", "is required", "version"}));
  std::string reason;
  if (auto r = body->find("reason"); r != body->end()) {
    if (!r->is_string()) return Outcome::respond(problem_from(Error{"validation", "must be a string", "reason"}));
    reason = r->get<std::string>();
    if (utf8_length(reason) > kMaxLongText)
      return Outcome::respond(problem_from(Error{"validation", "is too long", "reason"}));
  }
  std::optional<Patient> current;
  if (auto denied = load_for_write(ctx, *s, "patient.archive", *id, current)) return std::move(*denied);
  const int64_t pid = *id;
  return Outcome::then_write([pid, version, reason](store::StoreSession& w, RequestContext& c) {
    auto r = w.patients().archive(pid, *version, reason, actor_of(c), c.now_iso());
    if (r) c.changed_patients.push_back(pid);
    c.audit("patient.archive", "patient", std::to_string(pid), pid, r ? "success" : "failure");
    return r ? record_response(200, *r) : problem_from(r.error());
  });
}

Outcome list_patients(RequestContext& ctx, store::StoreSession* s) {
  const auto& u = *ctx.user;
  if (!may_see_identifiable_data(u.role))
    return deny(ctx, "patient.list", "patient", "", std::nullopt, 403, "researchers see de-identified data only");
  store::PatientQuery q;
  for (const auto& [k, v] : parse_query(ctx.req.query)) {
    auto bad = [&](const std::string& reason) {
      return Outcome::respond(problem(400, "bad_query", "Bad query parameter", k + ": " + reason, k));
    };
    if (k == "q") {
      if (utf8_length(v) > kMaxShortText || !is_valid_utf8(v)) return bad("is too long or not UTF-8");
      std::string upper = v;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
      if (upper.rfind("OK-", 0) == 0) q.mrn = upper;
      else q.name_prefix_folded = fold_for_search(v);
    } else if (k == "mrn") {
      q.mrn = v;
    } else if (k == "status") {
      if (!v.empty() && !is_one_of(v, patient_statuses())) return bad("is not a patient status");
      q.status = v;
    } else if (k == "birth_date") {
      if (!v.empty() && !parse_date(v)) return bad("is not a real date in YYYY-MM-DD form");
      q.birth_date = v;
    } else if (k == "include_archived") {
      if (v != "true" && v != "false") return bad("must be true or false");
      q.include_archived = v == "true";
    } else if (k == "limit") {
      auto n = parse_id(v);
      if (!n || *n > 200) return bad("must be between 1 and 200");
      q.limit = static_cast<int>(*n);
    } else if (k == "offset") {
      auto n = v == "0" ? std::optional<int64_t>(0) : parse_id(v);
      if (!n || *n > 1000000) return bad("must be a non-negative integer");
      q.offset = static_cast<int>(*n);
    } else {
      return bad("is not a known parameter");
    }
  }
  if (u.role == Role::patient) q.only_patient = u.patient_id.value_or(-1);
  else if (u.role != Role::admin) q.care_team_user = u.user_id;
  auto rows = s->patients().search(q);
  const bool has_more = rows.size() > static_cast<size_t>(q.limit);
  if (has_more) rows.pop_back();
  JsonWriter w(256 + rows.size() * 200);
  w.begin_object().field("has_more", has_more).key("items").begin_array();
  for (const auto& r : rows) write_summary_json(w, r);
  w.end_array().field("limit", q.limit).field("offset", q.offset).end_object();
  ctx.audit("patient.list", "patient", "", std::nullopt, "success");
  Response res;
  res.body = w.take();
  return Outcome::respond(std::move(res));
}

json care_team_json(const std::vector<CareTeamMember>& team) {
  json items = json::array();
  for (const auto& m : team)
    items.push_back({{"user_id", m.user_id}, {"username", m.username}, {"display_name", m.display_name},
                     {"role", m.role}, {"capacity", m.capacity}, {"added_at", m.added_at}});
  return {{"items", items}};
}

Outcome read_care_team(RequestContext& ctx, store::StoreSession* s) {
  const auto id = parse_id(ctx.params[0]);
  if (!id || !s->patients().exists(*id))
    return Outcome::respond(problem(404, "not_found", "Not found", "no such patient"));
  if (!may_read_patient(access_facts(ctx, *s, *id)))
    return deny(ctx, "care_team.read", "care_team", ctx.params[0], id, ctx.user->role == Role::researcher ? 403 : 404,
                "researchers see de-identified data only");
  ctx.audit("care_team.read", "care_team", ctx.params[0], id, "success");
  return Outcome::respond(json_response(200, care_team_json(s->patients().care_team(*id))));
}

Outcome add_care_team(RequestContext& ctx, store::StoreSession* s) {
  const auto id = parse_id(ctx.params[0]);
  if (!id || !s->patients().exists(*id))
    return Outcome::respond(problem(404, "not_found", "Not found", "no such patient"));
  const auto facts = access_facts(ctx, *s, *id);
  if (!may_manage_care_team(facts))
    return deny(ctx, "care_team.add", "care_team", ctx.params[0], id, may_read_patient(facts) || facts.role == Role::researcher ? 403 : 404,
                "only an admin or the patient's prescriber assigns the care team");
  auto body = parse_json_object(ctx.req);
  if (!body) return Outcome::respond(problem_from(body.error()));
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "user_id" && it.key() != "capacity")
      return Outcome::respond(problem_from(Error{"validation", "is not a known field", it.key()}));
  auto uid = body->find("user_id");
  if (uid == body->end() || !uid->is_number_integer())
    return Outcome::respond(problem_from(Error{"validation", "is required (a user id)", "user_id"}));
  auto cap = body->find("capacity");
  if (cap == body->end() || !cap->is_string() || !is_valid_capacity(cap->get<std::string>()))
    return Outcome::respond(problem_from(
        Error{"validation", "must be one of prescriber, nurse, therapist, outside_therapist", "capacity"}));
  auto member = s->users().find_by_id(uid->get<int64_t>());
  if (!member || member->disabled)
    return Outcome::respond(problem_from(Error{"validation", "is not an active user", "user_id"}));
  auto role = parse_role(member->role);
  if (!role || !is_staff(*role) || *role == Role::admin)
    return Outcome::respond(problem_from(Error{"validation", "must be a prescriber, nurse or therapist", "user_id"}));
  const int64_t pid = *id, member_id = member->id;
  const std::string capacity = cap->get<std::string>();
  return Outcome::then_write([pid, member_id, capacity](store::StoreSession& w, RequestContext& c) {
    auto r = w.patients().add_care_team_member(pid, member_id, capacity, actor_of(c), c.now_iso());
    if (r) c.changed_patients.push_back(pid);
    c.audit("care_team.add", "care_team", std::to_string(pid) + "/" + std::to_string(member_id), pid,
            r ? "success" : "failure");
    if (!r) return problem_from(r.error());
    return json_response(201, care_team_json(w.patients().care_team(pid)));
  });
}

Outcome remove_care_team(RequestContext& ctx, store::StoreSession* s) {
  const auto id = parse_id(ctx.params[0]);
  const auto member = parse_id(ctx.params[1]);
  if (!id || !member || !s->patients().exists(*id))
    return Outcome::respond(problem(404, "not_found", "Not found", "no such patient"));
  const auto facts = access_facts(ctx, *s, *id);
  if (!may_manage_care_team(facts))
    return deny(ctx, "care_team.remove", "care_team", ctx.params[0], id, may_read_patient(facts) || facts.role == Role::researcher ? 403 : 404,
                "only an admin or the patient's prescriber assigns the care team");
  const int64_t pid = *id, mid = *member;
  return Outcome::then_write([pid, mid](store::StoreSession& w, RequestContext& c) {
    const bool ended = w.patients().end_care_team_membership(pid, mid, actor_of(c), c.now_iso());
    if (ended) c.changed_patients.push_back(pid);
    c.audit("care_team.remove", "care_team", std::to_string(pid) + "/" + std::to_string(mid), pid,
            ended ? "success" : "failure");
    return ended ? no_content() : problem(404, "not_found", "Not found", "this user is not on the care team");
  });
}

}  // namespace

void register_patient_routes(App& app) {
  app.add_route({"GET", "/api/v1/patients", RouteKind::read, true, list_patients,
                 "Search and list patients the user may see", "patients", "", "PatientList"});
  app.add_route({"POST", "/api/v1/patients", RouteKind::read, true, create_patient, "Register a patient",
                 "patients", "PatientInput", "Patient", 201});
  app.add_route({"GET", "/api/v1/patients/{id}", RouteKind::read, true, read_patient, "Read a patient record",
                 "patients", "", "Patient"});
  app.add_route({"PATCH", "/api/v1/patients/{id}", RouteKind::read, true, update_patient,
                 "Change a patient record (optimistic concurrency on version)", "patients", "PatientInput",
                 "Patient"});
  app.add_route({"POST", "/api/v1/patients/{id}/archive", RouteKind::read, true, archive_patient,
                 "Archive a patient record (nothing is deleted)", "patients", "ArchiveInput", "Patient"});
  app.add_route({"GET", "/api/v1/patients/{id}/care-team", RouteKind::read, true, read_care_team,
                 "The patient's care team", "care team", "", "CareTeam"});
  app.add_route({"POST", "/api/v1/patients/{id}/care-team", RouteKind::read, true, add_care_team,
                 "Add a member to the care team", "care team", "CareTeamInput", "CareTeam", 201});
  app.add_route({"DELETE", "/api/v1/patients/{id}/care-team/{user_id}", RouteKind::read, true, remove_care_team,
                 "End a care-team membership (kept in history)", "care team", "", "", 204});
}

}  // namespace openkap::api
