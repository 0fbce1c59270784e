#pragma once
// The database schema as a list of migration steps. `PRAGMA user_version` counts the
// steps applied; opening a database applies the missing ones in order, one transaction
// each. Later features append steps; a released step is never edited. Step 6 (typed case
// events) is the first done in code (data/schema.cpp, data/legacy_events.hpp); step 7 keeps
// a summary row per case (data/case_facts.hpp).
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "data/pg.hpp"
#include "data/sqlite.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::data {

using Column = std::pair<std::string_view, std::string_view>;  // name, definition

// A step: its SQL, the columns it adds to a table, then (for a step that must look at what
// is stored) code run in the same transaction. The same steps make PostgreSQL's schema
// (data/pg_schema.hpp): the SQL translated (types; SQLite's triggers and full-text tables
// dropped), `pg_sql` for what those did, and the columns added where missing. `convert`
// changes what an older SQLite database holds; a PostgreSQL database is made at the
// latest step, and filled from SQLite by `gridkeeper migrate`.
struct MigrationStep {
  std::string_view sql{};
  Status (*convert)(Connection&) = nullptr;
  std::string_view table{};           // the table `columns` go to
  std::span<const Column> columns{};  // added where missing (before `convert` runs)
  std::string_view pg_sql{};          // PostgreSQL's own, after the translated SQL
};
const std::vector<MigrationStep>& migrations();
int latest_schema_version();

// Applies the steps above the database's user_version. Refuses a database written by a
// newer gridkeeper.
Status migrate(Connection& db);

// The grid-work categories a new database starts with, with the default deadlines.
std::vector<dispatch::Category> default_categories();
// Inserts default_categories() when the categories table is empty (Db: data::Connection or
// data::pg::Connection).
template <class Db>
Status insert_default_categories(Db& db);

// Opens (creating when absent) a database for writing: WAL, synchronous=FULL so that a
// COMMIT is durable, foreign keys on, migrated, default categories present.
Result<std::unique_ptr<Connection>> open_for_writing(const std::string& path, int busy_timeout_ms = 5000);

// Opens an existing database for reading only.
Result<std::unique_ptr<Connection>> open_for_reading(const std::string& path, int busy_timeout_ms = 5000);

}  // namespace gridkeeper::data
