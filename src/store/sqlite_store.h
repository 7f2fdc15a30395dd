// The SQLite backend: WAL, foreign keys, synchronous=FULL, one writer thread doing group commit.
#pragma once
#include <memory>
#include <string>

#include "store/repositories.h"

namespace openkap::store {

struct SqliteOptions {
  std::string path;
  size_t max_batch = 1024;  // jobs per group transaction
};

// Opens (creating if needed) and migrates the database, then starts the writer.
std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options);

// A session on a connection the caller owns (CLI tools, tests): writes commit when the
// caller's transaction does.
class Database;
std::unique_ptr<StoreSession> make_sqlite_session(Database& db);

}  // namespace openkap::store
