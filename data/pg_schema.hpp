#pragma once
// PostgreSQL's schema, from the same migration steps as SQLite's (data/schema.hpp): each
// step's SQL translated (INTEGER is BIGINT, REAL is DOUBLE PRECISION, BLOB is BYTEA, a
// rowid key is an identity column; SQLite's triggers and full-text tables dropped), then
// its PostgreSQL SQL, then its columns added where missing. The table gridkeeper_schema
// counts the steps applied; an advisory lock lets one process migrate at a time.
#include <string>
#include <string_view>

#include "data/pg.hpp"

namespace gridkeeper::data::pg {

// A step's SQLite DDL in PostgreSQL's words.
std::string translate_ddl(std::string_view sqlite_sql);

// Applies the steps the database lacks, one transaction each; refuses a database written
// by a newer gridkeeper. Then inserts the default categories into an empty table.
Status migrate(Connection& db);

// Connects to `uri` and migrates it.
Result<std::unique_ptr<Connection>> open_for_writing(const std::string& uri);

}  // namespace gridkeeper::data::pg
