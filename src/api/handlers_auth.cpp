// Sign-in, sign-out, who am I: /api/v1/auth/...
#include "api/handlers_common.h"
#include "api/security.h"
#include "core/login_throttle.h"
#include "core/timefmt.h"

namespace openkap::api {

using nlohmann::json;

namespace {

std::string session_cookie(const App& app, const std::string& name, const std::string& value, bool http_only,
                           int64_t max_age) {
  std::string c = name + "=" + value + "; Path=/; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (http_only) c += "; HttpOnly";
  if (app.config().secure_cookies) c += "; Secure";
  return c;
}

Outcome login(App& app, RequestContext& ctx, store::StoreSession* s) {
  auto body = parse_json_object(ctx.req);
  if (!body) return Outcome::respond(problem_from(body.error()));
  auto u = body->find("username");
  auto p = body->find("password");
  if (u == body->end() || !u->is_string() || u->get<std::string>().empty() || u->get<std::string>().size() > 64)
    return Outcome::respond(problem_from(Error{"validation", "is required", "username"}));
  if (p == body->end() || !p->is_string() || p->get<std::string>().empty() || p->get<std::string>().size() > 1024)
    return Outcome::respond(problem_from(Error{"validation", "is required", "password"}));
  const std::string username = u->get<std::string>();
  const std::string password = p->get<std::string>();

  auto user = s->users().find_by_username(username);
  const LoginFailureState failures = user ? user->failures : app.unknown_user_failures(username);
  const auto gate = check_login_gate(failures, ctx.now_unix());
  if (gate.kind != LoginGate::Kind::allowed) {
    ctx.audit("login", "user", user ? std::to_string(user->id) : "", std::nullopt,
              gate.kind == LoginGate::Kind::locked ? "denied" : "failure");
    ctx.pending_audit.back().username = username;
    Response r = gate.kind == LoginGate::Kind::locked
                     ? problem(423, "locked", "Account locked",
                               "too many failed sign-ins: try again in " + std::to_string(gate.retry_after_seconds / 60 + 1) +
                                   " minutes or ask an admin")
                     : problem(429, "throttled", "Too many attempts",
                               "wait " + std::to_string(gate.retry_after_seconds) + " s before trying again");
    r.headers.emplace_back("Retry-After", std::to_string(gate.retry_after_seconds));
    return Outcome::respond(std::move(r));
  }

  bool ok = false;
  if (user) ok = verify_password(user->password_hash, password);
  else verify_password_dummy(password);
  const bool disabled = user && user->disabled;
  const auto role = user ? parse_role(user->role) : std::nullopt;

  if (!ok || disabled || !role) {
    std::optional<int64_t> uid = user ? std::optional<int64_t>(user->id) : std::nullopt;
    return Outcome::then_write([&app, uid, username](store::StoreSession& w, RequestContext& c) {
      // Failures are stamped at the next whole second: with second-granular state, the wait
      // before the next attempt is then never shorter than the promised 2^(n-3) s.
      const int64_t stamp = (c.now_ms + 999) / 1000;
      if (uid) {
        // Re-read inside the writer so concurrent failures all count.
        auto fresh = w.users().find_by_id(*uid);
        w.users().set_login_failures(*uid, record_login_failure(fresh->failures, stamp));
      } else {
        app.set_unknown_user_failures(username, record_login_failure(app.unknown_user_failures(username), stamp));
      }
      c.audit("login", "user", uid ? std::to_string(*uid) : "", std::nullopt, "failure");
      c.pending_audit.back().username = username;
      return problem(401, "invalid_credentials", "Sign-in failed", "the username or password is not right");
    });
  }

  const store::User found = *user;
  const Role found_role = *role;
  return Outcome::then_write([&app, found, found_role](store::StoreSession& w, RequestContext& c) {
    const std::string token = random_token_hex(32), csrf = random_token_hex(32);
    const auto& t = app.sessions().timeouts();
    store::SessionRecord rec{sha256_hex(token), sha256_hex(csrf), found.id, c.now_unix(),
                             c.now_unix() + t.absolute_seconds, c.now_unix()};
    w.sessions().insert(rec);
    w.users().set_login_failures(found.id, LoginFailureState{});
    AuthUser au{found.id, found.username, found_role, found.patient_id, rec.token_hash, rec.csrf_hash};
    // The token is only disclosed once this transaction commits, so caching it now is safe.
    app.sessions().put(au, rec.expires_at, rec.last_seen_at);
    c.user = au;
    c.audit("login", "user", std::to_string(found.id), found.patient_id, "success");
    Response r = json_response(200, {{"token", token},
                                     {"csrf_token", csrf},
                                     {"expires_at", format_iso_utc_ms(rec.expires_at * 1000)},
                                     {"idle_timeout_seconds", t.idle_seconds},
                                     {"user", user_to_json(found)}});
    r.headers.emplace_back("Set-Cookie", session_cookie(app, "openkap_session", token, true, t.absolute_seconds));
    r.headers.emplace_back("Set-Cookie", session_cookie(app, "openkap_csrf", csrf, false, t.absolute_seconds));
    return r;
  });
}

Outcome logout(App& app, RequestContext&, store::StoreSession*) {
  return Outcome::then_write([&app](store::StoreSession& w, RequestContext& c) {
    w.sessions().revoke(c.user->token_hash, c.now_unix());
    app.sessions().remove(c.user->token_hash);
    c.audit("logout", "user", std::to_string(c.user->user_id), std::nullopt, "success");
    Response r = no_content();
    r.headers.emplace_back("Set-Cookie", session_cookie(app, "openkap_session", "", true, 0));
    r.headers.emplace_back("Set-Cookie", session_cookie(app, "openkap_csrf", "", false, 0));
    return r;
  });
}

Outcome me(RequestContext& ctx, store::StoreSession* s) {
  auto u = s->users().find_by_id(ctx.user->user_id);
  if (!u) return Outcome::respond(problem(401, "unauthenticated", "Not signed in", "the user no longer exists"));
  return Outcome::respond(json_response(200, {{"user", user_to_json(*u)}}));
}

}  // namespace

void register_auth_routes(App& app) {
  app.add_route({"POST", "/api/v1/auth/login", RouteKind::slow, false,
                 [&app](RequestContext& c, store::StoreSession* s) { return login(app, c, s); },
                 "Sign in with username and password", "auth", "LoginInput", "LoginResult"});
  app.add_route({"POST", "/api/v1/auth/logout", RouteKind::read, true,
                 [&app](RequestContext& c, store::StoreSession* s) { return logout(app, c, s); }, "Sign out",
                 "auth", "", "", 204});
  app.add_route({"GET", "/api/v1/auth/me", RouteKind::read, true, me, "The signed-in user", "auth", "", "Me"});
}

}  // namespace openkap::api
