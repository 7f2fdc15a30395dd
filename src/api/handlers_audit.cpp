// The audit trail for admins: /api/v1/audit
#include "api/handlers_common.h"
#include "core/timefmt.h"

namespace openkap::api {

using nlohmann::json;

namespace {

json entry_to_json(const AuditEntry& e) {
  return {{"id", e.id},
          {"at", e.at},
          {"user_id", e.user_id ? json(*e.user_id) : json(nullptr)},
          {"username", e.username},
          {"role", e.role},
          {"action", e.action},
          {"resource_type", e.resource_type},
          {"resource_id", e.resource_id},
          {"patient_id", e.patient_id ? json(*e.patient_id) : json(nullptr)},
          {"outcome", e.outcome},
          {"request_id", e.request_id},
          {"client_addr", e.client_addr}};
}

Outcome read_audit(RequestContext& ctx, store::StoreSession* s) {
  if (ctx.user->role != Role::admin) return deny(ctx, "audit.read", "audit", "", std::nullopt, 403, "admins only");
  store::AuditQuery q;
  for (const auto& [k, v] : parse_query(ctx.req.query)) {
    auto bad = [&](const std::string& reason) {
      return Outcome::respond(problem(400, "bad_query", "Bad query parameter", k + ": " + reason, k));
    };
    if (v.empty()) continue;
    if (k == "patient" || k == "user" || k == "before_id") {
      auto id = parse_id(v);
      if (!id) return bad("must be a positive integer");
      (k == "patient" ? q.patient_id : k == "user" ? q.user_id : q.before_id) = id;
    } else if (k == "from" || k == "to") {
      auto ms = parse_iso_utc_ms(v);
      if (!ms) return bad("must be an ISO 8601 date or time");
      // A bare date as `to` means the whole of that day.
      (k == "from" ? q.from : q.to) = format_iso_utc_ms(k == "to" && v.size() == 10 ? *ms + 86399999 : *ms);
    } else if (k == "limit") {
      auto n = parse_id(v);
      if (!n || *n > 500) return bad("must be between 1 and 500");
      q.limit = static_cast<int>(*n);
    } else {
      return bad("is not a known parameter");
    }
  }
  auto rows = s->audit().query(q);
  json items = json::array();
  for (const auto& e : rows) items.push_back(entry_to_json(e));
  const bool full = rows.size() == static_cast<size_t>(q.limit);
  ctx.audit("audit.read", "audit", "", q.patient_id, "success");
  return Outcome::respond(json_response(
      200, {{"items", items}, {"next_before_id", full && !rows.empty() ? json(rows.back().id) : json(nullptr)}}));
}

}  // namespace

void register_audit_routes(App& app) {
  app.add_route({"GET", "/api/v1/audit", RouteKind::read, true, read_audit,
                 "Audit entries, newest first (admin); filter by patient, user, time", "audit", "", "AuditList"});
}

}  // namespace openkap::api
