// A thin RAII layer over the SQLite C API: a connection with a statement cache.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace openkap::store {

struct SqliteError : std::runtime_error {
  int code;
  SqliteError(int c, const std::string& m) : std::runtime_error(m), code(c) {}
};

class Statement {
 public:
  explicit Statement(sqlite3_stmt* s) : s_(s) {}
  // Resetting on scope exit matters: a stepped but unreset SELECT keeps its read
  // transaction open, pinning an old WAL snapshot and blocking checkpoints.
  ~Statement() {
    if (s_) sqlite3_reset(s_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, std::nullptr_t);
  Statement& bind(int i, const std::optional<int64_t>& v) { return v ? bind(i, *v) : bind(i, nullptr); }
  bool step();  // true while a row is available
  void run() {  // execute to completion (no rows expected)
    while (step()) {
    }
  }
  void reset();
  int64_t int64(int col) const { return sqlite3_column_int64(s_, col); }
  double real(int col) const { return sqlite3_column_double(s_, col); }
  std::string text(int col) const;
  bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::optional<int64_t> opt_int64(int col) const {
    return is_null(col) ? std::nullopt : std::optional<int64_t>(int64(col));
  }

 private:
  sqlite3_stmt* s_;
};

class Database {
 public:
  enum class Mode { read_write, read_only };
  Database(const std::string& path, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const char* sql);
  // A prepared statement from the cache, reset and with bindings cleared.
  Statement prepare(const char* sql);
  // For SQL built at run time (search filters): cached by its text.
  Statement prepare_dynamic(const std::string& sql);
  int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;  // keyed by the literal's address
  std::unordered_map<std::string, sqlite3_stmt*> dynamic_cache_;
};

// BEGIN ... COMMIT, rolled back if not committed (used by the CLI and tests; the server's
// writes go through the GroupCommitWriter).
class Transaction {
 public:
  explicit Transaction(Database& db, const char* begin = "BEGIN IMMEDIATE");
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace openkap::store
