#include "data/pg.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace gridkeeper::data::pg {

std::string dollar_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int next_bare = 1;
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    // Quoted text and names, and comments, are copied as they are.
    if (c == '\'' || c == '"') {
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 2;
      out.append(sql.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (c == '?') {
      std::size_t j = i + 1;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
      out += '$';
      if (j == i + 1) out += std::to_string(next_bare++);
      else out.append(sql.substr(i + 1, j - i - 1));
      i = j;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

namespace {
// The highest $N of a statement already in PostgreSQL's form.
int parameter_count(std::string_view sql) {
  int most = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '$') continue;
    int n = 0;
    std::size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
    if (j > i + 1) most = std::max(most, n);
  }
  return most;
}

// SQLSTATE classes where the server or the network is at fault, not the statement: a lost
// connection (08), too little of something (53), an operator's intervention such as a
// shutdown (57), a system error (58), and a transaction the server gave up to let another
// one through (40: serialization failure, deadlock).
bool unavailable_state(const char* state) {
  if (!state) return true;
  const std::string_view s(state);
  return s.starts_with("08") || s.starts_with("53") || s.starts_with("57") || s.starts_with("58") ||
         s.starts_with("40");
}
}  // namespace

std::string redacted(std::string_view db) {
  std::string out(db);
  if (is_uri(db) && (db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0)) {
    // scheme://user:password@host…: the password is between the first ':' and the '@'.
    const auto start = out.find("://") + 3;
    const auto at = out.find('@', start);
    const auto slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // key=value strings and URI parameters: password=…
  for (auto at = out.find("password="); at != std::string::npos; at = out.find("password=", at + 1)) {
    const auto begin = at + 9;
    auto end = out.find_first_of(" &", begin);
    if (end == std::string::npos) end = out.size();
    out.replace(begin, end - begin, "***");
  }
  return out;
}

bool is_uri(std::string_view db) { return db.starts_with("postgresql://") || db.starts_with("postgres://"); }

Error pg_error(const pg_conn* conn, const pg_result* result, std::string_view context) {
  const bool broken = !conn || PQstatus(conn) == CONNECTION_BAD;
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : "";
  if (message.empty() && conn) message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const bool server_side = broken || (result && unavailable_state(state)) || (!result && !state);
  return dispatch::make_error(
      server_side ? dispatch::ErrorCode::storage_unavailable : dispatch::ErrorCode::storage_failed,
      std::string(context) + ": " + message);
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& uri, int statement_timeout_ms) {
  // Bounds on this side of the connection: a server or a network gone silent fails a
  // connection attempt within 5 s, and a statement whose bytes go unacknowledged within
  // 5 s (a partition); keepalives notice an idle connection's loss as fast. The URI's own
  // settings, expanded last, take precedence over these.
  const char* keys[] = {"connect_timeout",  "keepalives",       "keepalives_idle", "keepalives_interval",
                        "keepalives_count", "tcp_user_timeout", "dbname",          nullptr};
  const char* values[] = {"5", "1", "2", "1", "3", "5000", uri.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keys, values, 1);
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    auto e = pg_error(conn, nullptr, "cannot connect to the database");
    if (conn) PQfinish(conn);
    return e;
  }
  std::unique_ptr<Connection> db(new Connection(conn, uri));
  // Messages in the client's words are not wanted in logs; times are UTC.
  if (auto e = db->exec("SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET statement_timeout = " +
                        std::to_string(statement_timeout_ms)))
    return *e;
  return db;
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

Status Connection::exec(std::string_view sql) {
  const std::string text(sql);
  pg_result* r = PQexec(conn_, text.c_str());
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  Status out;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) out = pg_error(conn_, r, "the database refused SQL");
  if (r) PQclear(r);
  return out;
}

Result<const Connection::Named*> Connection::named(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end()) {
    const std::string text = dollar_parameters(sql);
    Named s{"gk" + std::to_string(statements_.size() + 1), parameter_count(text)};
    pg_result* r = PQprepare(conn_, s.name.c_str(), text.c_str(), 0, nullptr);
    const bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    Status failed;
    if (!ok) failed = pg_error(conn_, r, "the database refused a statement");
    if (r) PQclear(r);
    if (failed) return *failed;
    it = statements_.emplace(std::string(sql), std::move(s)).first;
  }
  return &it->second;
}

Result<Query> Connection::query(std::string_view sql) {
  auto n = named(sql);
  if (!n) return n.error();
  return Query(*this, (*n)->name, (*n)->parameters);
}

Result<Prepared> Connection::prepare(std::string_view sql) {
  auto n = named(sql);
  if (!n) return n.error();
  return Prepared(this, (*n)->name, (*n)->parameters);
}

Result<std::int64_t> Connection::scalar(std::string_view sql) {
  auto q = query(sql);
  if (!q) return q.error();
  if (!q->next()) {
    if (auto e = q->status()) return *e;
    return dispatch::make_error(dispatch::ErrorCode::storage_failed, "no answer to " + std::string(sql));
  }
  return q->int64(0);
}

pg_result* Connection::next_result() {
  pg_result* r = PQgetResult(conn_);
  // Each statement's answer ends with a null result.
  while (pg_result* extra = PQgetResult(conn_)) PQclear(extra);
  return r;
}

void Connection::drain() {
  if (pending_ == 0) return;
  if (PQsendFlushRequest(conn_) != 1 || PQflush(conn_) < 0) {
    if (!pipeline_error_) pipeline_error_ = pg_error(conn_, nullptr, "the pipeline failed");
    pending_ = 0;
    return;
  }
  read_pending();
}

void Connection::read_pending() {
  for (; pending_ > 0; --pending_) {
    pg_result* r = next_result();
    const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      const char* tuples = PQcmdTuples(r);
      changes_ = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
    } else if (!pipeline_error_) {
      pipeline_error_ = status == PGRES_PIPELINE_ABORTED
                            ? dispatch::make_error(dispatch::ErrorCode::storage_failed, "the pipeline was aborted")
                            : pg_error(conn_, r, "the database refused a statement");
    }
    if (r) PQclear(r);
  }
}

Status Connection::begin_pipeline() {
  if (pipelined_) return std::nullopt;
  if (PQenterPipelineMode(conn_) != 1) return pg_error(conn_, nullptr, "cannot pipeline");
  pipelined_ = true;
  pending_ = 0;
  pipeline_error_.reset();
  return std::nullopt;
}

Status Connection::end_pipeline() {
  if (!pipelined_) return std::nullopt;
  // The sync ends the pipeline's run of statements and goes with those not answered yet:
  // one wait for all their answers, then the sync's own, which closes it.
  const bool synced = PQpipelineSync(conn_) == 1;
  if (synced) read_pending();
  else drain();
  Status error = std::move(pipeline_error_);
  pipeline_error_.reset();
  if (synced) {
    while (pg_result* r = PQgetResult(conn_)) {
      const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) break;
    }
  } else if (!error) {
    error = pg_error(conn_, nullptr, "the pipeline failed");
  }
  if (PQexitPipelineMode(conn_) != 1 && !error) error = pg_error(conn_, nullptr, "cannot leave the pipeline");
  pipelined_ = false;
  return error;
}

bool Connection::in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

bool Connection::broken() const { return PQstatus(conn_) == CONNECTION_BAD; }

// ---- Transaction ----

Result<Transaction> Transaction::begin(Connection& db, Kind kind) {
  if (auto e = db.exec(kind == Kind::deferred ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN")) return *e;
  return Transaction(&db);
}

Transaction::~Transaction() { rollback(); }

Status Transaction::commit() {
  if (!db_) return dispatch::make_error(dispatch::ErrorCode::storage_failed, "the transaction has ended");
  Connection* db = db_;
  db_ = nullptr;
  // COMMIT of a transaction that failed rolls it back and says ROLLBACK: not a commit.
  pg_result* r = PQexec(db->handle(), "COMMIT");
  Status out;
  if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) out = pg_error(db->handle(), r, "the commit failed");
  else if (std::string_view(PQcmdStatus(r)) != "COMMIT")
    out = dispatch::make_error(dispatch::ErrorCode::storage_failed, "the transaction failed and was rolled back");
  if (r) PQclear(r);
  return out;
}

void Transaction::rollback() {
  if (!db_) return;
  if (!db_->broken()) (void)db_->exec("ROLLBACK");
  db_ = nullptr;
}

}  // namespace gridkeeper::data::pg
