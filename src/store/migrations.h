// Versioned schema migrations for the SQLite store. Each runs once, in order, in a transaction.
#pragma once
#include "store/sqlite.h"

namespace openkap::store {

int latest_schema_version();
int current_schema_version(Database& db);
// Applies every migration newer than the database's version; returns how many ran.
int migrate(Database& db);

}  // namespace openkap::store
