// `openkap`: the one binary. Subcommands: serve, migrate, user, audit, --version.
#include <sched.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "api/app.h"
#include "api/log.h"
#include "api/net_server.h"
#include "api/security.h"
#include "api/version.h"
#include "cli/demo.h"
#include "core/roles.h"
#include "core/timefmt.h"
#include "store/migrations.h"
#include "store/sqlite.h"
#include "store/sqlite_store.h"

namespace openkap::api {
std::optional<Error> validate_username(const std::string& name);
std::optional<Error> validate_password(const std::string& pw);
}  // namespace openkap::api

namespace {

using namespace openkap;

struct Failure : std::runtime_error {
  int code;
  Failure(const std::string& m, int c = 1) : std::runtime_error(m), code(c) {}
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

size_t usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string read_password_stdin() {
  std::string pw;
  if (!std::getline(std::cin, pw)) throw Failure("no password on standard input");
  if (!pw.empty() && pw.back() == '\r') pw.pop_back();
  if (auto e = api::validate_password(pw)) throw Failure("password " + e->message);
  return pw;
}

void require_db(const std::string& path) {
  if (!std::filesystem::exists(path)) throw Failure("no database at " + path + " (create it with: openkap migrate --db " + path + ")");
}

// A CLI action on patient-adjacent data leaves an audit entry, like any request would.
AuditEntry cli_audit(const std::string& action, const std::string& resource_id) {
  AuditEntry e;
  e.at = format_iso_utc_ms(now_ms());
  e.username = "cli:" + std::string(getenv("USER") ? getenv("USER") : "unknown");
  e.role = "system";
  e.action = action;
  e.resource_type = "user";
  e.resource_id = resource_id;
  e.outcome = "success";
  e.request_id = "cli";
  e.client_addr = "local";
  return e;
}

std::string default_web_root() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = exe.parent_path().parent_path() / "web" / "dist";
    if (fs::exists(beside / "index.html")) return beside.string();
  }
  if (fs::exists("web/dist/index.html")) return "web/dist";
  return "";
}

int serve(const std::string& db, const std::string& listen, bool demo, std::string web_root, int idle_min,
          int io_threads, int read_threads, const std::string& log_level, bool secure_cookies) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw Failure("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
  const std::string host = listen.substr(0, colon);
  const std::string port_text = listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port_text) > 65535)
    throw Failure("--listen: '" + port_text + "' is not a port number");
  if (log_level == "debug") api::set_log_level(api::LogLevel::debug);
  else if (log_level == "warn") api::set_log_level(api::LogLevel::warn);
  else if (log_level == "error") api::set_log_level(api::LogLevel::error);
  else if (log_level != "info") throw Failure("--log-level must be debug, info, warn or error");
  if (web_root.empty()) web_root = default_web_root();

  auto store = store::open_sqlite_store({db});
  {
    auto reader = store->open_reader();
    const bool empty = reader->users().count() == 0;
    if (demo && empty) {
      cli::load_demo_clinic(*store, format_iso_utc_ms(now_ms()));
      std::cout << cli::demo_logins_text();
    } else if (demo) {
      std::cout << "Demo clinic already loaded in " << db << ".\n" << cli::demo_logins_text();
    } else if (empty) {
      std::cout << "This clinic has no users yet. Create the first admin with:\n"
                << "  openkap user add --db " << db << " --username admin --role admin --password-stdin\n";
    }
  }
  const size_t cores = usable_cores();
  api::AppConfig config;
  config.demo_clinic = store->open_reader()->settings().get("demo_clinic").value_or("0") == "1";
  config.timeouts.idle_seconds = int64_t{idle_min} * 60;
  config.read_threads = read_threads > 0 ? static_cast<size_t>(read_threads) : cores;
  config.web_root = web_root;
  config.secure_cookies = secure_cookies;
  api::App app(*store, config);
  app.load_sessions(now_ms() / 1000);

  api::ServerOptions so;
  so.host = host;
  so.port = static_cast<uint16_t>(std::stoi(port_text));
  so.io_threads = io_threads > 0 ? static_cast<size_t>(io_threads) : cores;
  api::Server server(app, so);
  const uint16_t port = server.listen();
  const std::string url_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  server.run([&] {
    std::cout << "OpenKAP listening on http://" << url_host << ":" << port << std::endl;
    api::log_event(api::LogLevel::info, "listening",
                   {{"port", port}, {"io_threads", so.io_threads}, {"read_threads", config.read_threads},
                    {"web_root", web_root.empty() ? "(none)" : web_root}});
  });
  api::log_event(api::LogLevel::info, "stopping: finishing queued work and closing the database");
  app.shutdown();
  store->close();
  api::log_event(api::LogLevel::info, "stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (!api::init_crypto()) {
    std::fprintf(stderr, "openkap: error: libsodium could not initialise\n");
    return 1;
  }
  CLI::App app{"OpenKAP: runs a ketamine-assisted psychotherapy clinic.", "openkap"};
  app.set_version_flag("--version", std::string("openkap ") + kOpenkapVersion);
  app.require_subcommand(1);

  std::string db = "var/openkap.db", listen = "127.0.0.1:8080", web_root, log_level = "info";
  bool demo = false, secure_cookies = false;
  int idle_min = 15, io_threads = 0, read_threads = 0;
  auto* serve_cmd = app.add_subcommand("serve", "Serve the API and web app (migrates the database first)");
  serve_cmd->add_option("--db", db, "SQLite database file")->capture_default_str();
  serve_cmd->add_option("--listen", listen, "HOST:PORT (port 0 = any free port)")->capture_default_str();
  serve_cmd->add_flag("--demo", demo, "Load the synthetic demo clinic into an empty database");
  serve_cmd->add_option("--web-root", web_root, "Directory of the built web app (default: web/dist)");
  serve_cmd->add_option("--idle-timeout-min", idle_min, "Sign out after this many idle minutes")
      ->check(CLI::Range(1, 24 * 60))
      ->capture_default_str();
  serve_cmd->add_option("--io-threads", io_threads, "HTTP threads (default: usable cores)")->check(CLI::Range(0, 256));
  serve_cmd->add_option("--read-threads", read_threads, "Database reader threads (default: usable cores)")
      ->check(CLI::Range(0, 256));
  serve_cmd->add_option("--log-level", log_level, "debug | info | warn | error")->capture_default_str();
  serve_cmd->add_flag("--secure-cookies", secure_cookies, "Mark cookies Secure (when served over HTTPS)");

  auto* migrate_cmd = app.add_subcommand("migrate", "Create or upgrade the database schema");
  migrate_cmd->add_option("--db", db, "SQLite database file")->required();

  auto* user_cmd = app.add_subcommand("user", "Manage user accounts");
  user_cmd->require_subcommand(1);
  std::string username, role, display_name;
  bool password_stdin = false;
  int64_t patient_id = 0;
  auto* user_add = user_cmd->add_subcommand("add", "Create a user (password from standard input)");
  user_add->add_option("--db", db, "SQLite database file")->required();
  user_add->add_option("--username", username, "Login name")->required();
  user_add->add_option("--role", role, "admin | prescriber | nurse | therapist | patient | researcher")->required();
  user_add->add_option("--display-name", display_name, "Name shown in the app");
  user_add->add_option("--patient-id", patient_id, "For role patient: their patient record id");
  user_add->add_flag("--password-stdin", password_stdin, "Read the password from standard input")->required();
  auto* user_list = user_cmd->add_subcommand("list", "List users");
  user_list->add_option("--db", db, "SQLite database file")->required();
  auto* user_passwd = user_cmd->add_subcommand("passwd", "Set a user's password (from standard input)");
  user_passwd->add_option("--db", db, "SQLite database file")->required();
  user_passwd->add_option("--username", username, "Login name")->required();
  user_passwd->add_flag("--password-stdin", password_stdin, "Read the password from standard input")->required();
  auto* user_disable = user_cmd->add_subcommand("disable", "Disable a user and end their sessions");
  user_disable->add_option("--db", db, "SQLite database file")->required();
  user_disable->add_option("--username", username, "Login name")->required();

  auto* audit_cmd = app.add_subcommand("audit", "Audit trail tools");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand("verify", "Check the audit hash chain; non-zero exit if broken");
  audit_verify->add_option("--db", db, "SQLite database file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "openkap: error: %s (see openkap --help)\n", e.what());
    return 2;
  }

  try {
    if (*serve_cmd) return serve(db, listen, demo, web_root, idle_min, io_threads, read_threads, log_level, secure_cookies);
    if (*migrate_cmd) {
      store::Database d(db, store::Database::Mode::read_write);
      d.exec("PRAGMA journal_mode = WAL");
      const int ran = store::migrate(d);
      std::printf("database %s at schema version %d (%d migration%s applied)\n", db.c_str(),
                  store::latest_schema_version(), ran, ran == 1 ? "" : "s");
      return 0;
    }
    if (*user_add) {
      if (auto e = api::validate_username(username)) throw Failure("--username " + e->message);
      if (!parse_role(role)) throw Failure("--role must be one of admin, prescriber, nurse, therapist, patient, researcher");
      if (role == "patient" && patient_id <= 0) throw Failure("--patient-id is required for role patient");
      if (role != "patient" && patient_id > 0) throw Failure("--patient-id is only for role patient");
      const std::string pw = read_password_stdin();
      auto st = store::open_sqlite_store({db});
      bool created = false;
      std::string problem;
      st->write_and_wait([&](store::StoreSession& s) {
        if (patient_id > 0 && !s.patients().exists(patient_id)) {
          problem = "--patient-id " + std::to_string(patient_id) + " is not a patient";
          return;
        }
        auto id = s.users().create(
            store::NewUser{username, display_name.empty() ? username : display_name, role, api::hash_password(pw),
                           patient_id > 0 ? std::optional<int64_t>(patient_id) : std::nullopt},
            format_iso_utc_ms(now_ms()));
        if (!id) {
          problem = "user '" + username + "' already exists";
          return;
        }
        s.audit().append(cli_audit("user.create", std::to_string(*id)));
        created = true;
      });
      st->close();
      if (!created) throw Failure(problem);
      std::printf("created %s user %s\n", role.c_str(), username.c_str());
      return 0;
    }
    if (*user_list) {
      require_db(db);
      auto st = store::open_sqlite_store({db});
      auto r = st->open_reader();
      for (const auto& u : r->users().list(std::nullopt))
        std::printf("%-24s %-11s %-8s %s\n", u.username.c_str(), u.role.c_str(), u.disabled ? "disabled" : "active",
                    u.display_name.c_str());
      r.reset();
      st->close();
      return 0;
    }
    if (*user_passwd || *user_disable) {
      require_db(db);
      const std::string pw = *user_passwd ? read_password_stdin() : "";
      auto st = store::open_sqlite_store({db});
      bool found = false;
      const int64_t now = now_ms();
      st->write_and_wait([&](store::StoreSession& s) {
        auto u = s.users().find_by_username(username);
        if (!u) return;
        found = true;
        if (*user_passwd) {
          s.users().set_password_hash(u->id, api::hash_password(pw));
          s.sessions().revoke_all_for_user(u->id, now / 1000);  // a new password ends old sessions
          s.audit().append(cli_audit("user.passwd", std::to_string(u->id)));
        } else {
          s.users().set_disabled(u->id, true);
          s.sessions().revoke_all_for_user(u->id, now / 1000);
          s.audit().append(cli_audit("user.disable", std::to_string(u->id)));
        }
      });
      st->close();
      if (!found) throw Failure("no user named '" + username + "'");
      std::printf("%s %s\n", *user_passwd ? "password changed for" : "disabled", username.c_str());
      return 0;
    }
    if (*audit_verify) {
      require_db(db);
      store::Database d(db, store::Database::Mode::read_only);
      auto session = store::make_sqlite_session(d);
      int64_t checked = 0;
      if (auto broken = session->audit().verify(&checked)) {
        std::fprintf(stderr, "openkap: audit chain BROKEN at entry %lld: %s\n",
                     static_cast<long long>(broken->entry_id), broken->reason.c_str());
        return 3;
      }
      std::printf("audit chain intact: %lld entries verified\n", static_cast<long long>(checked));
      return 0;
    }
  } catch (const Failure& f) {
    std::fprintf(stderr, "openkap: error: %s\n", f.what());
    return f.code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "openkap: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
