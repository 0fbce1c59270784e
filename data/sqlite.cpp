#include "data/sqlite.hpp"

#include <sqlite3.h>

namespace gridkeeper::data {

Error storage_error(std::string message) {
  return dispatch::make_error(dispatch::ErrorCode::storage_failed, std::move(message));
}

bool unavailable(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:   // no space left on the device
    case SQLITE_IOERR:  // the device failed to read or write
    case SQLITE_BUSY:   // another process held the lock longer than the busy timeout
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_CANTOPEN:
      return true;
    default:
      return false;
  }
}

Error sqlite_error(int rc, std::string message) {
  // What the device or another process refused passes; a statement the database refuses does not.
  return dispatch::make_error(
      unavailable(rc) ? dispatch::ErrorCode::storage_unavailable : dispatch::ErrorCode::storage_failed,
      std::move(message));
}

Query::Query(Query&& other) noexcept
    : stmt_(other.stmt_), db_(other.db_), rc_(other.rc_), message_(std::move(other.message_)) {
  other.stmt_ = nullptr;
}

Query::~Query() {
  if (!stmt_) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Query::fail(int rc) {
  if (rc_) return;
  rc_ = rc;
  message_ = sqlite3_errmsg(db_);
}

Query& Query::bind(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(rc);
  return *this;
}

Query& Query::bind(int index, double value) {
  if (int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) fail(rc);
  return *this;
}

Query& Query::bind(int index, std::string_view text) {
  // Copied: a bound string may be a temporary of the caller.
  if (int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      rc != SQLITE_OK)
    fail(rc);
  return *this;
}

Query& Query::bind_borrowed(int index, std::string_view text) {
  if (int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8); rc != SQLITE_OK)
    fail(rc);
  return *this;
}

Query& Query::bind_borrowed_code(int index, const std::string& code) {
  return code.empty() ? bind_null(index) : bind_borrowed(index, code);
}

Query& Query::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Query& Query::bind_null(int index) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(rc);
  return *this;
}

Query& Query::bind_code(int index, const std::string& code) {
  return code.empty() ? bind_null(index) : bind(index, code);
}

bool Query::next() {
  if (rc_) return false;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) fail(rc);
  return false;
}

Status Query::run() {
  while (next()) {
  }
  return status();
}

Status Query::status() const {
  if (!rc_) return std::nullopt;
  return sqlite_error(rc_, message_.empty() ? sqlite3_errstr(rc_) : message_);
}

bool Query::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
std::int64_t Query::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Query::real(int column) const { return sqlite3_column_double(stmt_, column); }

Query& Query::bind_blob(int index, std::string_view bytes) {
  if (int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC); rc != SQLITE_OK) fail(rc);
  return *this;
}

std::string Query::blob(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Query::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Query::text_view(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!p) return {};
  return std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::int64_t> Query::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, OpenMode mode, int busy_timeout_ms) {
  // Memory statistics take a global mutex on every allocation, shared by all connections;
  // nothing here reads them. Only possible before SQLite initialises; else it stays as is.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  // Each connection is used by one thread at a time, so SQLite's own mutexes are not needed.
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case OpenMode::create:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case OpenMode::read_write:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case OpenMode::read_only:
      flags |= SQLITE_OPEN_READONLY;
      break;
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return storage_error(std::move(message));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<Connection>(new Connection(db, path));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  if (const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message); rc != SQLITE_OK) {
    std::string m = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return sqlite_error(rc, std::move(m));
  }
  return std::nullopt;
}

Result<Prepared> Connection::prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK)
      return error("cannot prepare statement");
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return Prepared(it->second, db_);
}

Result<Query> Connection::query(std::string_view sql) {
  auto statement = prepare(sql);
  if (!statement) return statement.error();
  return statement->use();
}

Result<std::int64_t> Connection::scalar(std::string_view sql) {
  auto q = query(sql);
  if (!q) return q.error();
  std::int64_t value = 0;
  if (q->next()) value = q->int64(0);
  if (auto e = q->status()) return *e;
  return value;
}

bool Connection::in_transaction() const { return !sqlite3_get_autocommit(db_); }
std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

Error Connection::error(std::string_view context) const {
  return sqlite_error(sqlite3_extended_errcode(db_), std::string(context) + ": " + sqlite3_errmsg(db_));
}

Result<Transaction> Transaction::begin(Connection& db, Kind kind) {
  auto q = db.query(kind == Kind::immediate ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!q) return q.error();
  if (auto e = q->run()) return *e;
  return Transaction(&db);
}

Transaction::~Transaction() { rollback(); }

Status Transaction::commit() {
  if (!db_) return storage_error("the transaction has ended");
  Status status;
  {
    auto q = db_->query("COMMIT");
    status = q ? q->run() : Status(q.error());
  }
  if (status) rollback();
  db_ = nullptr;
  return status;
}

void Transaction::rollback() {
  if (!db_) return;
  // Some failures (I/O, full disk) have already rolled the transaction back.
  if (db_->in_transaction()) db_->exec("ROLLBACK");
  db_ = nullptr;
}

}  // namespace gridkeeper::data
