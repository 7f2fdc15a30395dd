// The application: routes, authentication, dispatch onto the reader pool and the store's
// writer, and the finishing touches every response gets. No networking code lives here.
#pragma once
#include <atomic>
#include <functional>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http_types.h"
#include "api/patient_cache.h"
#include "api/session_cache.h"
#include "api/static_files.h"
#include "core/audit_entry.h"
#include "core/login_throttle.h"
#include "core/result.h"
#include "core/validation.h"
#include "store/repositories.h"

namespace openkap::api {

struct AppConfig {
  SessionTimeouts timeouts;
  size_t read_threads = 2;  // reader pool: database reads and request parsing
  size_t slow_threads = 2;  // password hashing (argon2id uses 64 MiB and ~0.1 s each)
  std::string web_root;     // built web app (web/dist); empty = no web app
  bool secure_cookies = false;  // set when served over TLS (behind a proxy)
  bool demo_clinic = false;     // the synthetic demo data is loaded: every page says so
};

// Everything a handler knows about the request it is answering.
struct RequestContext {
  const Request& req;
  std::vector<std::string> params;  // path parameters, in pattern order
  std::optional<AuthUser> user;
  int64_t now_ms = 0;
  std::vector<AuditEntry> pending_audit;  // committed with (or before) the response
  PatientRecordCache* patient_cache = nullptr;
  uint64_t read_epoch = 0;                // the cache epoch noted before the read snapshot began
  std::vector<int64_t> changed_patients;  // records a write step changed: their cache entries end

  std::string now_iso() const;
  int64_t now_unix() const { return now_ms / 1000; }
  CivilDate today() const;
  // Records an audit entry for this request, attributed to the current user.
  void audit(std::string action, std::string resource_type, std::string resource_id,
             std::optional<int64_t> patient_id, std::string outcome);
};

// Work for the store's writer: runs inside the request's own savepoint; its result is the answer.
using WriteStep = std::function<Response(store::StoreSession&, RequestContext&)>;

struct Outcome {
  Response response;
  WriteStep write;
  static Outcome respond(Response r) { return Outcome{std::move(r), nullptr}; }
  static Outcome then_write(WriteStep w) { return Outcome{Response{}, std::move(w)}; }
};

enum class RouteKind {
  immediate,  // no database: answered on the I/O thread
  read,       // reader pool, then the writer for audit rows and changes
  slow,       // like read, on the small pool for password hashing
};

using Handler = std::function<Outcome(RequestContext&, store::StoreSession*)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/patients/{id}"
  RouteKind kind = RouteKind::read;
  bool requires_auth = true;
  Handler handler;
  std::string summary;     // for the OpenAPI document
  std::string tag;
  std::string request_schema;   // component name, empty when no body
  std::string response_schema;  // component name, empty when no body
  int success_status = 200;
  std::vector<std::string> segments;  // filled by add_route
};

class WorkerPool;

class App {
 public:
  App(store::Store& store, AppConfig config);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Answers one request; `done` is called exactly once, from any thread.
  void dispatch(Request req, std::function<void(Response)> done);
  void shutdown();  // finishes queued work, stops the pools

  void add_route(Route r);
  const std::vector<Route>& routes() const { return routes_; }
  SessionCache& sessions() { return sessions_; }
  store::Store& store() { return store_; }
  const AppConfig& config() const { return config_; }
  nlohmann::json openapi() const;
  void load_sessions(int64_t now_unix);

  // Failed-login state for names that are not users, so throttling does not reveal which exist.
  LoginFailureState unknown_user_failures(const std::string& username);
  void set_unknown_user_failures(const std::string& username, const LoginFailureState& s);

 private:
  void run_handler(const Route& route, std::shared_ptr<RequestContext> ctx, store::StoreSession* session,
                   std::shared_ptr<std::function<void(Response)>> done);
  void finish(Response& res, const Request& req) const;
  std::optional<Response> authenticate(const Route& route, RequestContext& ctx);

  store::Store& store_;
  AppConfig config_;
  SessionCache sessions_;
  PatientRecordCache patient_cache_;
  StaticFiles static_files_;
  std::vector<Route> routes_;
  std::unique_ptr<WorkerPool> readers_;
  std::unique_ptr<WorkerPool> slow_;
  std::mutex unknown_mu_;
  std::unordered_map<std::string, LoginFailureState> unknown_failures_;
};

// Response helpers shared by the handlers.
Response json_response(int status, const nlohmann::json& body);
// `reason` is what errors[].reason says about `field` (default: the detail).
Response problem(int status, const std::string& code, const std::string& title, const std::string& detail,
                 const std::string& field = "", const std::string& reason = "");
Response problem_from(const Error& e);  // maps Error::code to a status
Response no_content();

// Parses a JSON object body: 415 when not JSON, 400 when malformed or not an object.
Result<nlohmann::json> parse_json_object(const Request& req);
// Parses a positive integer path parameter or query value.
std::optional<int64_t> parse_id(std::string_view text);
// Decoded query parameters in order.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);
std::string url_decode(std::string_view s, bool plus_is_space);

void register_meta_routes(App& app);
void register_auth_routes(App& app);
void register_user_routes(App& app);
void register_patient_routes(App& app);
void register_audit_routes(App& app);

}  // namespace openkap::api
