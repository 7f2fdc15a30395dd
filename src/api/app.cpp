#include "api/app.h"

#include <atomic>
#include <chrono>
#include <cstdio>

#include "api/log.h"
#include "api/security.h"
#include "api/worker_pool.h"
#include "core/timefmt.h"

namespace openkap::api {

using nlohmann::json;

// ---------- helpers ----------
std::string RequestContext::now_iso() const { return format_iso_utc_ms(now_ms); }
CivilDate RequestContext::today() const { return civil_from_days(now_ms / 86400000); }

void RequestContext::audit(std::string action, std::string resource_type, std::string resource_id,
                           std::optional<int64_t> patient_id, std::string outcome) {
  AuditEntry e;
  e.at = now_iso();
  if (user) {
    e.user_id = user->user_id;
    e.username = user->username;
    e.role = std::string(role_name(user->role));
  }
  e.action = std::move(action);
  e.resource_type = std::move(resource_type);
  e.resource_id = std::move(resource_id);
  e.patient_id = patient_id;
  e.outcome = std::move(outcome);
  e.request_id = req.request_id;
  e.client_addr = req.client_addr;
  pending_audit.push_back(std::move(e));
}

Response json_response(int status, const json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response problem(int status, const std::string& code, const std::string& title, const std::string& detail,
                 const std::string& field, const std::string& reason) {
  json body{{"type", "https://openkap.org/problems/" + code}, {"title", title}, {"status", status}, {"detail", detail}};
  if (!field.empty()) {
    body["field"] = field;
    body["errors"] = json::array({json{{"field", field}, {"reason", reason.empty() ? detail : reason}}});
  }
  Response r = json_response(status, body);
  r.content_type = "application/problem+json";
  return r;
}

Response problem_from(const Error& e) {
  int status = 422;
  std::string title = "Invalid request";
  if (e.code == "not_found") status = 404, title = "Not found";
  else if (e.code == "conflict") status = 409, title = "Conflict";
  else if (e.code == "forbidden") status = 403, title = "Forbidden";
  else if (e.code == "bad_request") status = 400, title = "Bad request";
  else if (e.code == "unsupported_media_type") status = 415, title = "Unsupported media type";
  const std::string detail = e.field.empty() ? e.message : e.field + ": " + e.message;
  // `errors[].reason` stays free of the field prefix so forms can show it next to the input.
  return problem(status, e.code, title, detail, e.field, e.message);
}

Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Result<json> parse_json_object(const Request& req) {
  const auto ct = req.header("content-type");
  if (ct.substr(0, 16) != "application/json")
    return Error{"unsupported_media_type", "send the body as application/json", ""};
  if (!is_valid_utf8(req.body)) return Error{"bad_request", "the body is not valid UTF-8", ""};
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return Error{"bad_request", "the body is not well-formed JSON", ""};
  if (!body.is_object()) return Error{"bad_request", "the body must be a JSON object", ""};
  return body;
}

std::optional<int64_t> parse_id(std::string_view t) {
  if (t.empty() || t.size() > 15) return std::nullopt;
  int64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? std::optional<int64_t>(v) : std::nullopt;
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  auto hexval = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const auto part = q.substr(0, amp);
    if (!part.empty()) {
      const auto eq = part.find('=');
      out.emplace_back(url_decode(part.substr(0, eq), true),
                       eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

namespace {

std::vector<std::string> split_path(std::string_view p) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < p.size()) {
    while (i < p.size() && p[i] == '/') ++i;
    const size_t j = p.find('/', i);
    if (i < p.size()) out.emplace_back(p.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j;
  }
  return out;
}

bool match(const Route& r, const std::vector<std::string>& segs, std::vector<std::string>& params) {
  if (r.segments.size() != segs.size()) return false;
  params.clear();
  for (size_t i = 0; i < segs.size(); ++i) {
    const auto& p = r.segments[i];
    if (!p.empty() && p.front() == '{') params.push_back(segs[i]);
    else if (p != segs[i]) return false;
  }
  return true;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    auto part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

bool is_token_shape(std::string_view t) {
  if (t.size() != 64) return false;
  for (char c : t)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Request ids: a random per-process prefix and a counter. Unique without a getrandom() system
// call per request (perf showed it on the hot path); they carry no secret.
std::string next_request_id() {
  static const std::string prefix = random_token_hex(6);
  static std::atomic<uint64_t> counter{0};
  char buf[24];
  std::snprintf(buf, sizeof buf, "-%010llx", static_cast<unsigned long long>(++counter));
  return prefix + buf;
}

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

}  // namespace

// ---------- App ----------
App::App(store::Store& store, AppConfig config)
    : store_(store), config_(std::move(config)), sessions_(config_.timeouts) {
  static_files_.load(config_.web_root);
  readers_ = std::make_unique<WorkerPool>(store_, std::max<size_t>(1, config_.read_threads));
  slow_ = std::make_unique<WorkerPool>(store_, std::max<size_t>(1, config_.slow_threads));
  register_meta_routes(*this);
  register_auth_routes(*this);
  register_user_routes(*this);
  register_patient_routes(*this);
  register_audit_routes(*this);
}

App::~App() { shutdown(); }

void App::shutdown() {
  if (readers_) readers_->stop();
  if (slow_) slow_->stop();
}

void App::add_route(Route r) {
  r.segments = split_path(r.pattern);
  routes_.push_back(std::move(r));
}

void App::load_sessions(int64_t now_unix) {
  auto session = store_.open_reader();
  for (const auto& s : session->sessions().load_unexpired(now_unix)) {
    auto user = session->users().find_by_id(s.user_id);
    if (!user || user->disabled) continue;
    auto role = parse_role(user->role);
    if (!role) continue;
    sessions_.put(AuthUser{user->id, user->username, *role, user->patient_id, s.token_hash, s.csrf_hash},
                  s.expires_at, s.last_seen_at);
  }
}

LoginFailureState App::unknown_user_failures(const std::string& username) {
  std::lock_guard lock(unknown_mu_);
  auto it = unknown_failures_.find(username);
  return it == unknown_failures_.end() ? LoginFailureState{} : it->second;
}

void App::set_unknown_user_failures(const std::string& username, const LoginFailureState& s) {
  std::lock_guard lock(unknown_mu_);
  if (unknown_failures_.size() > 100000) unknown_failures_.clear();  // bounded memory under a spray attack
  unknown_failures_[username] = s;
}

void App::finish(Response& res, const Request& req) const {
  if (res.content_type == "application/problem+json") {
    // Errors name their request so a user's report can be matched to the audit trail.
    json body = json::parse(res.body, nullptr, false);
    if (body.is_object()) {
      body["request_id"] = req.request_id;
      res.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    }
  }
  res.headers.emplace_back("X-Request-Id", req.request_id);
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  res.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                           "form-action 'self'");
  res.headers.emplace_back("Cache-Control", res.cacheable ? "public, max-age=31536000, immutable" : "no-store");
}

std::optional<Response> App::authenticate(const Route& route, RequestContext& ctx) {
  const Request& req = ctx.req;
  std::string token;
  bool via_cookie = false;
  const auto authz = req.header("authorization");
  if (authz.size() > 7 && (authz.substr(0, 7) == "Bearer " || authz.substr(0, 7) == "bearer ")) {
    token = std::string(authz.substr(7));
  } else {
    token = cookie_value(req.header("cookie"), "openkap_session");
    via_cookie = !token.empty();
  }
  if (!token.empty() && is_token_shape(token)) {
    bool persist_due = false;
    const std::string hash = sha256_hex(token);
    if (auto user = sessions_.touch(hash, ctx.now_unix(), &persist_due)) {
      ctx.user = std::move(user);
      if (persist_due) {
        const int64_t at = ctx.now_unix();
        store_.submit([hash, at](store::StoreSession& s) { s.sessions().touch(hash, at); },
                      [](bool, const std::string&) {});
      }
    }
  }
  if (!route.requires_auth) return std::nullopt;
  if (!ctx.user) {
    Response r = problem(401, "unauthenticated", "Not signed in", "sign in first, or your session has ended");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  const bool unsafe = req.method != "GET" && req.method != "HEAD";
  if (via_cookie && unsafe) {
    // Double-submit: a page from another site cannot read our csrf cookie to echo it.
    const auto sent = req.header("x-csrf-token");
    if (sent.empty() || !constant_time_equal(sha256_hex(sent), ctx.user->csrf_hash))
      return problem(403, "csrf", "Missing CSRF token",
                     "cookie-authenticated changes need the X-CSRF-Token header from sign-in");
  }
  return std::nullopt;
}

void App::dispatch(Request req, std::function<void(Response)> done_fn) {
  const auto started = std::chrono::steady_clock::now();
  req.request_id = sane_request_id(req.header("x-request-id")) ? std::string(req.header("x-request-id"))
                                                               : next_request_id();
  auto ctx_req = std::make_shared<Request>(std::move(req));
  auto done = std::make_shared<std::function<void(Response)>>(
      [this, ctx_req, done_fn = std::move(done_fn), started](Response res) {
        finish(res, *ctx_req);
        if (log_enabled(LogLevel::debug) || res.status >= 500) {
          const auto us =
              std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
          log_event(res.status >= 500 ? LogLevel::error : LogLevel::debug, "request",
                    {{"request_id", ctx_req->request_id}, {"method", ctx_req->method}, {"status", res.status},
                     {"duration_us", us}});
        }
        done_fn(std::move(res));
      });
  const Request& r = *ctx_req;

  const bool api = r.path.rfind("/api/", 0) == 0 || r.path == "/healthz" || r.path == "/readyz";
  if (!api) {
    if (r.method != "GET" && r.method != "HEAD") {
      (*done)(problem(405, "method_not_allowed", "Method not allowed", "only GET is served here"));
      return;
    }
    if (auto file = static_files_.get(r.path)) {
      (*done)(std::move(*file));
    } else if (!static_files_.loaded()) {
      Response res;
      res.content_type = "text/plain; charset=utf-8";
      res.body = "OpenKAP API is running. The web app is not built: run `make build` (or pass --web-root).\n";
      res.status = r.path == "/" ? 200 : 404;
      (*done)(std::move(res));
    } else {
      (*done)(problem(404, "not_found", "Not found", "no such page"));
    }
    return;
  }

  const auto segs = split_path(r.path);
  const Route* route = nullptr;
  std::vector<std::string> params;
  std::string allowed;
  for (const auto& candidate : routes_) {
    std::vector<std::string> p;
    if (!match(candidate, segs, p)) continue;
    if (candidate.method == r.method || (r.method == "HEAD" && candidate.method == "GET")) {
      route = &candidate;
      params = std::move(p);
      break;
    }
    allowed += (allowed.empty() ? "" : ", ") + candidate.method;
  }
  if (!route) {
    if (!allowed.empty()) {
      Response res = problem(405, "method_not_allowed", "Method not allowed", "this resource allows " + allowed);
      res.headers.emplace_back("Allow", allowed);
      (*done)(std::move(res));
    } else {
      (*done)(problem(404, "not_found", "Not found", "no such resource"));
    }
    return;
  }

  auto ctx = std::make_shared<RequestContext>(RequestContext{*ctx_req, std::move(params), std::nullopt, now_millis(), {}});
  ctx->patient_cache = &patient_cache_;
  if (auto denied = authenticate(*route, *ctx)) {
    (*done)(std::move(*denied));
    return;
  }
  if ((r.method == "POST" || r.method == "PATCH" || r.method == "PUT") && !route->request_schema.empty() &&
      !is_valid_utf8(r.body)) {
    (*done)(problem(400, "bad_request", "Bad request", "the body is not valid UTF-8"));
    return;
  }

  if (route->kind == RouteKind::immediate) {
    run_handler(*route, ctx, nullptr, done);
    return;
  }
  auto& pool = route->kind == RouteKind::slow ? *slow_ : *readers_;
  pool.post([this, route, ctx, done](store::StoreSession& session) { run_handler(*route, ctx, &session, done); });
}

void App::run_handler(const Route& route, std::shared_ptr<RequestContext> ctx, store::StoreSession* session,
                      std::shared_ptr<std::function<void(Response)>> done) {
  Outcome outcome;
  try {
    // Noted before the snapshot begins (the first read below), so cache fills are never stale.
    ctx->read_epoch = patient_cache_.epoch();
    if (session) session->begin_read();
    if (session && ctx->user && !session->sessions().is_live(ctx->user->token_hash)) {
      // Revoked or disabled elsewhere (e.g. `openkap user disable`): the session ends now.
      sessions_.remove(ctx->user->token_hash);
      session->end_read();
      (*done)(problem(401, "unauthenticated", "Not signed in", "your session has ended"));
      return;
    }
    outcome = route.handler(*ctx, session);
    if (session) session->end_read();
  } catch (const std::exception& e) {
    if (session) {
      try {
        session->end_read();
      } catch (...) {
      }
    }
    log_event(LogLevel::error, "handler failed", {{"request_id", ctx->req.request_id}, {"error", e.what()}});
    (*done)(problem(500, "internal", "Internal error", "the request could not be completed; nothing was changed"));
    return;
  }
  if (!outcome.write && ctx->pending_audit.empty()) {
    (*done)(std::move(outcome.response));
    return;
  }
  // Changes and audit rows go to the writer; the answer leaves only once they are durable,
  // so no disclosure happens without its audit entry.
  auto result = std::make_shared<Response>(std::move(outcome.response));
  auto write = std::move(outcome.write);
  store_.submit(
      [ctx, result, write](store::StoreSession& s) {
        if (write) *result = write(s, *ctx);
        for (auto& e : ctx->pending_audit) s.audit().append(std::move(e));
        ctx->pending_audit.clear();
      },
      [this, ctx, result, done](bool committed, const std::string& error) {
        if (committed) {
          for (int64_t id : ctx->changed_patients) patient_cache_.invalidate(id);
          (*done)(std::move(*result));
          return;
        }
        log_event(LogLevel::error, "write failed", {{"request_id", ctx->req.request_id}, {"error", error}});
        (*done)(problem(503, "store_unavailable", "Could not save",
                        "the change could not be saved; nothing was changed. Try again."));
      });
}

}  // namespace openkap::api
