#include "data/pg_migrate.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <charconv>
#include <cstdlib>
#include <set>

#include "data/pg_schema.hpp"
#include "data/schema.hpp"

namespace gridkeeper::data {

namespace {

// Parents before children: a table after those its foreign keys name.
const char* const kOrder[] = {"jurisdictions", "workers", "categories", "grids",      "post_terms",  "cases",
                              "case_events",   "audit",   "users",      "tokens",     "photos",      "settings",
                              "open311_keys",  "leaves",  "addresses",  "case_facts", "generations", "generation_grids",
                              "case_moves"};

enum class Kind { integer, real, text, bytes };

struct CopyColumn {
  std::string name;
  Kind kind = Kind::text;
};

Kind kind_of(std::string_view pg_type) {
  if (pg_type == "bigint" || pg_type == "integer" || pg_type == "smallint") return Kind::integer;
  if (pg_type == "double precision" || pg_type == "real" || pg_type == "numeric") return Kind::real;
  if (pg_type == "bytea") return Kind::bytes;
  return Kind::text;
}

// FNV-1a, 64 bits: a checksum of the values as both sides read them.
struct Checksum {
  std::uint64_t h = 14695981039346656037ull;
  void add(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  }
  std::string hex() const {
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
  }
};

std::string shortest(double v) {
  char buffer[32];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr);
}

std::string to_hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

// One value of a row as the checksum reads it: NULL apart from any text.
void add_value(Checksum& sum, const std::optional<std::string>& canonical) {
  if (canonical) {
    sum.add("v");
    sum.add(*canonical);
  } else {
    sum.add("n");
  }
  sum.add("\x1f");
}

// COPY's text format: backslash, tab and line ends escaped; NULL as \N.
void copy_text(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

pg::Error failed(std::string message) {
  return dispatch::make_error(dispatch::ErrorCode::storage_failed, std::move(message));
}

struct Sqlite {
  sqlite3_stmt* stmt = nullptr;
  ~Sqlite() {
    if (stmt) sqlite3_finalize(stmt);
  }
};

// The value of SQLite's column i of the current row, in the canonical text of `kind`.
std::optional<std::string> sqlite_value(sqlite3_stmt* s, int i, Kind kind) {
  const int type = sqlite3_column_type(s, i);
  if (type == SQLITE_NULL) return std::nullopt;
  switch (kind) {
    case Kind::integer:
      return std::to_string(sqlite3_column_int64(s, i));
    case Kind::real:
      return shortest(sqlite3_column_double(s, i));
    case Kind::bytes: {
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(s, i));
      return to_hex(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
    }
    case Kind::text: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
      return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
    }
  }
  return std::nullopt;
}

// The same from PostgreSQL's text output.
std::optional<std::string> pg_value(const pg::Query& q, int i, Kind kind) {
  if (q.is_null(i)) return std::nullopt;
  const auto v = q.text_view(i);
  switch (kind) {
    case Kind::integer:
      return std::to_string(q.int64(i));
    case Kind::real:
      return shortest(q.real(i));
    case Kind::bytes:
      return std::string(v.starts_with("\\x") ? v.substr(2) : v);
    case Kind::text:
      return std::string(v);
  }
  return std::nullopt;
}

pg::Status copy_table(sqlite3* from, pg::Connection& to, const std::string& table,
                      const std::vector<CopyColumn>& columns, const std::string& order, TableCopied& out) {
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.name;
  Sqlite read;
  const std::string select = "SELECT " + names + " FROM " + table + " ORDER BY " + order;
  if (sqlite3_prepare_v2(from, select.c_str(), -1, &read.stmt, nullptr) != SQLITE_OK)
    return failed("reading " + table + ": " + sqlite3_errmsg(from));
  pg_result* r = PQexec(to.handle(), ("COPY " + table + " (" + names + ") FROM STDIN").c_str());
  const bool copying = r && PQresultStatus(r) == PGRES_COPY_IN;
  if (!copying) {
    auto e = pg::pg_error(to.handle(), r, "copying " + table);
    if (r) PQclear(r);
    return e;
  }
  PQclear(r);
  Checksum sum;
  std::string buffer;
  int rc = 0;
  while ((rc = sqlite3_step(read.stmt)) == SQLITE_ROW) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const auto v = sqlite_value(read.stmt, static_cast<int>(i), columns[i].kind);
      add_value(sum, v);
      if (i) buffer += '\t';
      if (!v) buffer += "\\N";
      else if (columns[i].kind == Kind::bytes) buffer += "\\\\x" + *v;
      else copy_text(buffer, *v);
    }
    sum.add("\x1e");
    buffer += '\n';
    ++out.rows;
    if (buffer.size() >= (1u << 20)) {
      if (PQputCopyData(to.handle(), buffer.data(), static_cast<int>(buffer.size())) != 1) break;
      buffer.clear();
    }
  }
  const bool read_ok = rc == SQLITE_DONE;
  if (read_ok && !buffer.empty()) PQputCopyData(to.handle(), buffer.data(), static_cast<int>(buffer.size()));
  PQputCopyEnd(to.handle(), read_ok ? nullptr : "the source could not be read");
  pg::Status status;
  while (pg_result* end = PQgetResult(to.handle())) {
    if (PQresultStatus(end) != PGRES_COMMAND_OK && !status) status = pg::pg_error(to.handle(), end, "copying " + table);
    PQclear(end);
  }
  if (!read_ok) return failed("reading " + table + ": " + sqlite3_errmsg(from));
  if (status) return status;
  out.checksum = sum.hex();
  return std::nullopt;
}

// Reads the table back from PostgreSQL in the same order and compares.
pg::Status verify_table(pg::Connection& to, const std::string& table, const std::vector<CopyColumn>& columns,
                        const std::string& order, const TableCopied& copied) {
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.name;
  if (auto e = to.exec("DECLARE verify NO SCROLL CURSOR FOR SELECT " + names + " FROM " + table + " ORDER BY " + order))
    return e;
  Checksum sum;
  std::int64_t rows = 0;
  while (true) {
    auto q = to.query("FETCH 10000 FROM verify");
    if (!q) return q.error();
    int fetched = 0;
    while (q->next()) {
      ++fetched;
      for (std::size_t i = 0; i < columns.size(); ++i)
        add_value(sum, pg_value(*q, static_cast<int>(i), columns[i].kind));
      sum.add("\x1e");
    }
    if (auto e = q->status()) return e;
    rows += fetched;
    if (fetched == 0) break;
  }
  if (auto e = to.exec("CLOSE verify")) return e;
  if (rows != copied.rows || sum.hex() != copied.checksum)
    return failed(table + ": " + std::to_string(copied.rows) + " rows copied with checksum " + copied.checksum + ", " +
                  std::to_string(rows) + " read back with " + sum.hex());
  return std::nullopt;
}

}  // namespace

pg::Result<std::vector<TableCopied>> migrate_to_postgres(const std::string& from, const std::string& to,
                                                         const std::function<void(const TableCopied&)>& progress) {
  // The source at the latest schema, so that both sides have the same columns.
  auto source = open_for_writing(from);
  if (!source) return source.error();
  // Every table from one snapshot of the source, even while a server still writes to it.
  auto snapshot = Transaction::begin(**source, Transaction::Kind::deferred);
  if (!snapshot) return snapshot.error();
  auto target = pg::open_for_writing(to);
  if (!target) return target.error();
  auto& db = **target;
  auto tx = pg::Transaction::begin(db);
  if (!tx) return tx.error();
  auto held =
      db.scalar("SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM grids) + (SELECT count(*) FROM users)");
  if (!held) return held.error();
  if (*held > 0) return failed("the target database already holds a district: migrate only into an empty one");
  // The default categories the schema put there give way to the district's own.
  if (auto e = db.exec("DELETE FROM categories")) return *e;
  if (auto e = db.exec("SET CONSTRAINTS ALL DEFERRED")) return *e;

  std::vector<std::string> tables(std::begin(kOrder), std::end(kOrder));
  {
    auto q = db.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND "
        "table_type = 'BASE TABLE' AND table_name <> 'gridkeeper_schema' ORDER BY table_name");
    if (!q) return q.error();
    std::set<std::string> known(tables.begin(), tables.end());
    while (q->next())
      if (!known.count(q->text(0))) tables.push_back(q->text(0));  // a table newer than this list: last
    if (auto e = q->status()) return *e;
  }
  std::vector<TableCopied> out;
  for (const auto& table : tables) {
    std::vector<CopyColumn> columns;
    {
      auto q = db.query(
          "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND "
          "table_name = ?1 ORDER BY ordinal_position");
      if (!q) return q.error();
      q->bind(1, table);
      while (q->next()) columns.push_back({q->text(0), kind_of(q->text_view(1))});
      if (auto e = q->status()) return *e;
    }
    if (columns.empty()) return failed("the target has no table " + table);
    std::string order;
    {
      auto q = db.query(
          "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
          "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ?1::regclass AND i.indisprimary "
          "ORDER BY array_position(i.indkey::int2[], a.attnum)");
      if (!q) return q.error();
      q->bind(1, table);
      while (q->next()) order += (order.empty() ? "" : ", ") + q->text(0);
      if (auto e = q->status()) return *e;
    }
    if (order.empty()) order = columns.front().name;
    TableCopied copied;
    copied.table = table;
    if (auto e = copy_table((*source)->handle(), db, table, columns, order, copied)) return *e;
    if (auto e = verify_table(db, table, columns, order, copied)) return *e;
    if (progress) progress(copied);
    out.push_back(std::move(copied));
  }
  // Identity columns go on after the largest id copied.
  {
    auto q = db.query(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND "
        "is_identity = 'YES'");
    if (!q) return q.error();
    std::vector<std::pair<std::string, std::string>> identities;
    while (q->next()) identities.emplace_back(q->text(0), q->text(1));
    if (auto e = q->status()) return *e;
    for (const auto& [table, column] : identities)
      if (auto e = db.exec("SELECT setval(pg_get_serial_sequence('" + table + "', '" + column + "'), coalesce(max(" +
                           column + "), 0) + 1, false) FROM " + table))
        return *e;
  }
  if (auto e = tx->commit()) return *e;
  return out;
}

}  // namespace gridkeeper::data
