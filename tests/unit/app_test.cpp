// The application without sockets (src/api/app.h): query and id parsing, response helpers,
// and App::dispatch end to end against a temporary SQLite store.
#include "api/app.h"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <random>
#include <string>

#include "api/security.h"
#include "core/mrn.h"
#include "store/sqlite_store.h"

namespace openkap::api {
namespace {

using nlohmann::json;
using Pairs = std::vector<std::pair<std::string, std::string>>;

// ---------- url_decode / parse_query ----------

TEST(ParseQuery, DecodesPercentEscapesAndPlusAsSpace) {
  EXPECT_EQ(parse_query("a=1&b=x%20y&c=a+b"), (Pairs{{"a", "1"}, {"b", "x y"}, {"c", "a b"}}));
}

TEST(ParseQuery, KeepsOrderAndRepeatedKeys) {
  EXPECT_EQ(parse_query("status=referred&q=zo&status=screening"),
            (Pairs{{"status", "referred"}, {"q", "zo"}, {"status", "screening"}}));
}

TEST(ParseQuery, HandlesEmptyPartsAndMissingValues) {
  EXPECT_EQ(parse_query(""), Pairs{});
  EXPECT_EQ(parse_query("&&a=1&&"), (Pairs{{"a", "1"}}));
  EXPECT_EQ(parse_query("flag"), (Pairs{{"flag", ""}}));
  EXPECT_EQ(parse_query("a="), (Pairs{{"a", ""}}));
  EXPECT_EQ(parse_query("a=b=c"), (Pairs{{"a", "b=c"}}));
}

TEST(ParseQuery, DecodesKeysAndUtf8) {
  // "Zoë" is 5A 6F C3 AB in UTF-8.
  EXPECT_EQ(parse_query("q=Zo%C3%AB&na%6De=x"), (Pairs{{"q", "Zoë"}, {"name", "x"}}));
  EXPECT_EQ(parse_query("q=%2B1%20555"), (Pairs{{"q", "+1 555"}}));  // an encoded plus stays a plus
  EXPECT_EQ(parse_query("q=a%26b"), (Pairs{{"q", "a&b"}}));         // an encoded & does not split
}

TEST(UrlDecode, LeavesInvalidEscapesAlone) {
  EXPECT_EQ(url_decode("100%", true), "100%");
  EXPECT_EQ(url_decode("%zz", true), "%zz");
  EXPECT_EQ(url_decode("%4", true), "%4");
  EXPECT_EQ(url_decode("%41", true), "A");
  EXPECT_EQ(url_decode("%4a%4A", true), "JJ");
}

TEST(UrlDecode, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(url_decode("a+b", true), "a b");
  EXPECT_EQ(url_decode("a+b", false), "a+b");
}

// ---------- parse_id ----------

TEST(ParseId, AcceptsPositiveDecimalIntegers) {
  EXPECT_EQ(parse_id("1"), 1);
  EXPECT_EQ(parse_id("42"), 42);
  EXPECT_EQ(parse_id("007"), 7);
  EXPECT_EQ(parse_id("999999999999999"), 999999999999999);  // 15 digits
}

TEST(ParseId, RejectsEverythingElse) {
  for (const char* s : {"", "0", "000", "-1", "+1", "1a", "a1", " 1", "1 ", "1.0", "0x10", "1e3",
                        "1234567890123456", "99999999999999999999"})
    EXPECT_FALSE(parse_id(s).has_value()) << '"' << s << '"';
}

// ---------- response helpers ----------

TEST(ProblemFrom, MapsErrorCodesToStatuses) {
  EXPECT_EQ(problem_from(Error{"validation", "bad", "birth_date"}).status, 422);
  EXPECT_EQ(problem_from(Error{"not_found", "no", ""}).status, 404);
  EXPECT_EQ(problem_from(Error{"conflict", "stale", "version"}).status, 409);
  EXPECT_EQ(problem_from(Error{"forbidden", "no", ""}).status, 403);
  EXPECT_EQ(problem_from(Error{"bad_request", "bad", ""}).status, 400);
  EXPECT_EQ(problem_from(Error{"unsupported_media_type", "json", ""}).status, 415);
}

TEST(ProblemFrom, IsAProblemDocumentNamingTheField) {
  const Response r = problem_from(Error{"validation", "is not a real calendar date", "birth_date"});
  EXPECT_EQ(r.content_type, "application/problem+json");
  const json b = json::parse(r.body);
  EXPECT_EQ(b["type"], "https://openkap.org/problems/validation");
  EXPECT_EQ(b["status"], 422);
  EXPECT_EQ(b["field"], "birth_date");
  ASSERT_TRUE(b["errors"].is_array());
  EXPECT_EQ(b["errors"][0]["field"], "birth_date");
  EXPECT_NE(b["detail"].get<std::string>().find("birth_date"), std::string::npos);
}

Request json_request(std::string body, std::string content_type = "application/json") {
  Request r;
  r.method = "POST";
  r.path = "/api/v1/patients";
  r.headers = {{"content-type", std::move(content_type)}};
  r.body = std::move(body);
  return r;
}

TEST(ParseJsonObject, AcceptsAJsonObject) {
  auto r = parse_json_object(json_request(R"({"a": 1})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["a"], 1);
  EXPECT_TRUE(parse_json_object(json_request("{}", "application/json; charset=utf-8")).ok());
}

TEST(ParseJsonObject, RejectsOtherMediaTypesMalformedJsonNonObjectsAndBadUtf8) {
  EXPECT_EQ(parse_json_object(json_request("{}", "text/plain")).error().code, "unsupported_media_type");
  EXPECT_EQ(parse_json_object(json_request("{}", "")).error().code, "unsupported_media_type");
  EXPECT_EQ(parse_json_object(json_request("{")).error().code, "bad_request");
  EXPECT_EQ(parse_json_object(json_request("[1, 2]")).error().code, "bad_request");
  EXPECT_EQ(parse_json_object(json_request("\"str\"")).error().code, "bad_request");
  EXPECT_EQ(parse_json_object(json_request("{\"a\": \"\xC0\xAF\"}")).error().code, "bad_request");
}

// ---------- App::dispatch end to end ----------

constexpr const char* kAdminPassword = "correct horse battery staple";

const std::string& admin_hash() {
  static const std::string h = [] {
    EXPECT_TRUE(init_crypto());
    return hash_password(kAdminPassword);
  }();
  return h;
}

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < k.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(k[i])) != std::tolower(static_cast<unsigned char>(name[i])))
        same = false;
    if (same) return v;
  }
  return {};
}

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

class AppDispatch : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(init_crypto());
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("openkap-app-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    store_ = store::open_sqlite_store({(dir_ / "openkap.db").string()});
    store_->write_and_wait([&](store::StoreSession& s) {
      auto r = s.users().create(store::NewUser{"admin", "Clinic Admin", "admin", admin_hash(), std::nullopt},
                                "2026-11-23T09:00:00.000Z");
      ASSERT_TRUE(r.ok());
      admin_id_ = r.value();
    });
    AppConfig cfg;
    cfg.read_threads = 2;
    cfg.slow_threads = 1;
    app_ = std::make_unique<App>(*store_, cfg);
  }

  void TearDown() override {
    if (app_) app_->shutdown();
    app_.reset();
    if (store_) store_->close();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  Response call(Request req) {
    auto promise = std::make_shared<std::promise<Response>>();
    auto future = promise->get_future();
    app_->dispatch(std::move(req), [promise](Response r) { promise->set_value(std::move(r)); });
    if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      ADD_FAILURE() << "no response within 30 s";
      Response none;
      none.status = 0;
      return none;
    }
    return future.get();
  }

  static Request make(std::string method, std::string path, std::string body = "", std::string token = "") {
    Request r;
    r.method = std::move(method);
    r.path = path;
    r.target = path;
    r.client_addr = "127.0.0.1";
    if (!body.empty()) r.headers.emplace_back("content-type", "application/json");
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    r.body = std::move(body);
    return r;
  }

  Response login(const std::string& username, const std::string& password) {
    return call(make("POST", "/api/v1/auth/login", json{{"username", username}, {"password", password}}.dump()));
  }

  std::string admin_token() {
    const Response r = login("admin", kAdminPassword);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).value("token", "");
  }

  static std::string patient_body() {
    return R"({"given_name": "Zoë", "family_name": "Ñúñez", "birth_date": "1988-04-02", "sex_at_birth": "female",
               "diagnoses": [{"code": "F33.2", "text": "MDD, recurrent, severe"}]})";
  }

  std::vector<AuditEntry> audit_newest_first() {
    auto r = store_->open_reader();
    return r->audit().query(store::AuditQuery{});
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<App> app_;
  int64_t admin_id_ = 0;
};

TEST_F(AppDispatch, LoginWithTheRightPasswordReturnsTokensAndCookies) {
  const Response r = login("admin", kAdminPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  const json b = json::parse(r.body);
  EXPECT_TRUE(is_hex64(b["token"].get<std::string>())) << b["token"];
  EXPECT_TRUE(is_hex64(b["csrf_token"].get<std::string>()));
  EXPECT_NE(b["token"], b["csrf_token"]);
  EXPECT_EQ(b["user"]["username"], "admin");
  EXPECT_EQ(b["user"]["role"], "admin");
  EXPECT_EQ(b["user"]["id"], admin_id_);
  EXPECT_FALSE(b["user"].contains("password_hash"));
  int cookies = 0;
  for (const auto& [k, v] : r.headers) {
    if (k != "Set-Cookie") continue;
    ++cookies;
    if (v.rfind("openkap_session=", 0) == 0) {
      EXPECT_NE(v.find("HttpOnly"), std::string::npos) << v;
      EXPECT_NE(v.find("SameSite=Strict"), std::string::npos) << v;
    }
  }
  EXPECT_EQ(cookies, 2);
}

TEST_F(AppDispatch, LoginFailureIs401AndDoesNotRevealWhetherTheUserExists) {
  const Response wrong_password = login("admin", "not the password");
  const Response no_such_user = login("nobody", "not the password");
  EXPECT_EQ(wrong_password.status, 401);
  EXPECT_EQ(no_such_user.status, 401);
  const json a = json::parse(wrong_password.body), b = json::parse(no_such_user.body);
  EXPECT_EQ(a["type"], b["type"]);
  EXPECT_EQ(a["detail"], b["detail"]);
  EXPECT_FALSE(a.contains("token"));
  // Both failures are in the audit trail.
  int failures = 0;
  for (const auto& e : audit_newest_first())
    if (e.action == "login" && e.outcome == "failure") ++failures;
  EXPECT_EQ(failures, 2);
}

TEST_F(AppDispatch, CreatesAPatientWithABearerTokenAndAuditsIt) {
  const std::string token = admin_token();
  ASSERT_FALSE(token.empty());
  Request req = make("POST", "/api/v1/patients", patient_body(), token);
  req.headers.emplace_back("x-request-id", "create-1");
  const Response r = call(std::move(req));
  ASSERT_EQ(r.status, 201) << r.body;
  const json p = json::parse(r.body);
  EXPECT_EQ(p["given_name"], "Zoë");
  EXPECT_EQ(p["family_name"], "Ñúñez");
  EXPECT_EQ(p["version"], 1);
  EXPECT_EQ(p["status"], "referred");
  EXPECT_TRUE(is_valid_mrn(p["mrn"].get<std::string>())) << p["mrn"];
  EXPECT_EQ(header(r, "Location"), "/api/v1/patients/" + std::to_string(p["id"].get<int64_t>()));
  EXPECT_EQ(header(r, "ETag"), "\"1\"");
  ASSERT_EQ(p["status_history"].size(), 1u);
  EXPECT_EQ(p["status_history"][0]["status"], "referred");
  EXPECT_EQ(p["status_history"][0]["changed_by"], "admin");

  // The record reads back, and both the creation and the read are in the audit trail.
  const int64_t id = p["id"];
  const Response got = call(make("GET", "/api/v1/patients/" + std::to_string(id), "", token));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(json::parse(got.body)["mrn"], p["mrn"]);

  bool created = false, read = false;
  for (const auto& e : audit_newest_first()) {
    if (e.action == "patient.create" && e.outcome == "success" && e.patient_id == id) {
      created = true;
      EXPECT_EQ(e.user_id, admin_id_);
      EXPECT_EQ(e.username, "admin");
      EXPECT_EQ(e.request_id, "create-1");
      EXPECT_EQ(e.client_addr, "127.0.0.1");
    }
    if (e.action == "patient.read" && e.patient_id == id) read = true;
  }
  EXPECT_TRUE(created);
  EXPECT_TRUE(read);
  int64_t checked = 0;
  EXPECT_FALSE(store_->open_reader()->audit().verify(&checked).has_value());
  EXPECT_GE(checked, 3);  // login, create, read
}

TEST_F(AppDispatch, InvalidPatientIs422NamingTheField) {
  const std::string token = admin_token();
  const Response r = call(make("POST", "/api/v1/patients",
                               R"({"given_name": "A", "family_name": "B", "birth_date": 19880101, "sex_at_birth": "female"})",
                               token));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(json::parse(r.body)["field"], "birth_date");
  const Response future = call(make("POST", "/api/v1/patients",
                                    R"({"given_name": "A", "family_name": "B", "birth_date": "2999-01-01", "sex_at_birth": "female"})",
                                    token));
  EXPECT_EQ(future.status, 422);
  EXPECT_EQ(json::parse(future.body)["field"], "birth_date");
}

TEST_F(AppDispatch, UnknownRouteIs404) {
  const std::string token = admin_token();
  const Response r = call(make("GET", "/api/v1/no-such-thing", "", token));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  const Response unknown_patient = call(make("GET", "/api/v1/patients/999999", "", token));
  EXPECT_EQ(unknown_patient.status, 404);
}

TEST_F(AppDispatch, WrongMethodIs405WithAllow) {
  const std::string token = admin_token();
  const Response r = call(make("DELETE", "/api/v1/patients", "", token));
  EXPECT_EQ(r.status, 405);
  const std::string allow = header(r, "Allow");
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("POST"), std::string::npos) << allow;
  EXPECT_EQ(call(make("GET", "/api/v1/auth/login")).status, 405);
}

TEST_F(AppDispatch, NoTokenIs401AndNothingIsCreated) {
  const Response r = call(make("POST", "/api/v1/patients", patient_body()));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(header(r, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(call(make("POST", "/api/v1/patients", patient_body(), std::string(64, 'a'))).status, 401)
      << "a well-formed but unknown token";
  EXPECT_EQ(call(make("POST", "/api/v1/patients", patient_body(), "not-a-token")).status, 401);
  EXPECT_EQ(call(make("GET", "/api/v1/patients")).status, 401);
  EXPECT_EQ(store_->open_reader()->patients().count(), 0);
}

TEST_F(AppDispatch, LogoutEndsTheSession) {
  const std::string token = admin_token();
  EXPECT_EQ(call(make("GET", "/api/v1/auth/me", "", token)).status, 200);
  EXPECT_EQ(call(make("POST", "/api/v1/auth/logout", "", token)).status, 204);
  EXPECT_EQ(call(make("GET", "/api/v1/auth/me", "", token)).status, 401);
}

TEST_F(AppDispatch, CookieAuthenticatedWritesNeedTheCsrfToken) {
  const Response l = login("admin", kAdminPassword);
  ASSERT_EQ(l.status, 200);
  const json b = json::parse(l.body);
  Request no_csrf = make("POST", "/api/v1/patients", patient_body());
  no_csrf.headers.emplace_back("cookie", "openkap_session=" + b["token"].get<std::string>());
  const Response r = call(no_csrf);
  EXPECT_EQ(r.status, 403) << r.body;
  Request wrong_csrf = no_csrf;
  wrong_csrf.headers.emplace_back("x-csrf-token", std::string(64, '0'));
  EXPECT_EQ(call(wrong_csrf).status, 403);
  Request with_csrf = no_csrf;
  with_csrf.headers.emplace_back("x-csrf-token", b["csrf_token"].get<std::string>());
  EXPECT_EQ(call(with_csrf).status, 201);
  // Reads by cookie need no CSRF header.
  Request read = make("GET", "/api/v1/auth/me");
  read.headers.emplace_back("cookie", "theme=dark; openkap_session=" + b["token"].get<std::string>());
  EXPECT_EQ(call(read).status, 200);
}

TEST_F(AppDispatch, EveryResponseHasARequestIdAndTheSecurityHeaders) {
  const std::string token = admin_token();
  std::vector<std::pair<std::string, Response>> responses;
  responses.emplace_back("login", login("admin", kAdminPassword));
  responses.emplace_back("bad login", login("admin", "wrong password!"));
  responses.emplace_back("create", call(make("POST", "/api/v1/patients", patient_body(), token)));
  responses.emplace_back("list", call(make("GET", "/api/v1/patients", "", token)));
  responses.emplace_back("404", call(make("GET", "/api/v1/nope", "", token)));
  responses.emplace_back("405", call(make("PUT", "/api/v1/patients", "", token)));
  responses.emplace_back("401", call(make("GET", "/api/v1/patients")));
  responses.emplace_back("415", call([&] {
                           Request r = make("POST", "/api/v1/patients", "", token);
                           r.headers.emplace_back("content-type", "text/plain");
                           r.body = "hello";
                           return r;
                         }()));
  responses.emplace_back("healthz", call(make("GET", "/healthz")));
  responses.emplace_back("static", call(make("GET", "/")));
  for (const auto& [what, r] : responses) {
    SCOPED_TRACE(what + " -> " + std::to_string(r.status));
    EXPECT_FALSE(header(r, "X-Request-Id").empty());
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header(r, "X-Frame-Options"), "DENY");
    EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer");
    const std::string csp = header(r, "Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(header(r, "Cache-Control"), "no-store");
    if (r.content_type == "application/problem+json") {
      EXPECT_EQ(json::parse(r.body)["request_id"], header(r, "X-Request-Id")) << "errors name their request";
    }
  }
  EXPECT_EQ(responses[7].second.status, 415);
}

TEST_F(AppDispatch, EchoesASaneRequestIdAndReplacesAnInsaneOne) {
  Request sane = make("GET", "/healthz");
  sane.headers.emplace_back("x-request-id", "abc-123_X.9");
  EXPECT_EQ(header(call(sane), "X-Request-Id"), "abc-123_X.9");

  Request evil = make("GET", "/healthz");
  evil.headers.emplace_back("x-request-id", "abc\r\nSet-Cookie: x=1");
  const std::string id = header(call(evil), "X-Request-Id");
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(id.find('\n'), std::string::npos);
  EXPECT_EQ(id.find(' '), std::string::npos);

  Request too_long = make("GET", "/healthz");
  too_long.headers.emplace_back("x-request-id", std::string(65, 'a'));
  EXPECT_NE(header(call(too_long), "X-Request-Id"), std::string(65, 'a'));
}

TEST_F(AppDispatch, GeneratedRequestIdsDiffer) {
  EXPECT_NE(header(call(make("GET", "/healthz")), "X-Request-Id"), header(call(make("GET", "/healthz")), "X-Request-Id"));
}

}  // namespace
}  // namespace openkap::api
