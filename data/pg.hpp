#pragma once
// A thin layer over libpq, shaped like data/sqlite.hpp so that storage code reads the same
// on both backends: a connection that prepares each statement once (named on the server)
// and keeps it, queries that bind by position, step through rows and read columns, and
// transactions rolled back unless committed. SQL is written with SQLite's numbered
// parameters (?1, ?2 …) and sent with PostgreSQL's ($1, $2 …). Failures are values:
// storage_unavailable when the server or the network is at fault (the connection broke, the
// server is shutting down or out of space), storage_failed when it refused the statement.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dispatch/errors.hpp"

struct pg_conn;
struct pg_result;

namespace gridkeeper::data::pg {

using dispatch::Error;
using dispatch::Status;
template <class T>
using Result = dispatch::Result<T>;

// `?N` parameters as `$N`, outside quoted text, quoted names and comments.
std::string dollar_parameters(std::string_view sql);

// Whether a libpq URI or key=value string names a PostgreSQL database (what --db takes).
bool is_uri(std::string_view db);

// `db` as it may be shown (messages, logs): a password in it replaced by ***.
std::string redacted(std::string_view db);

// The text of an error of the server or the connection, as an error value.
Error pg_error(const pg_conn* conn, const pg_result* result, std::string_view context);

class Connection;

// One use of a prepared statement: bind by position (1-based, as in the SQL), then step
// through the rows of its answer. The statement runs at the first next() or run().
class Query {
 public:
  Query(Connection& db, std::string name, int parameters);
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  ~Query();

  Query& bind(int index, std::int64_t value);
  Query& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Query& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Query& bind(int index, double value);
  Query& bind(int index, std::string_view text);
  Query& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Query& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Query& bind(int index, const std::optional<std::int64_t>& value);
  Query& bind_borrowed(int index, std::string_view text) { return bind(index, text); }
  Query& bind_borrowed_code(int index, const std::string& code) { return bind_code(index, code); }
  Query& bind_null(int index);
  Query& bind_code(int index, const std::string& code);  // empty means NULL
  Query& bind_blob(int index, std::string_view bytes);   // a BYTEA

  bool next();   // true when a row is ready; false when done or failed (see status())
  Status run();  // runs it, rows ignored
  Status status() const { return error_; }
  std::int64_t affected() const { return affected_; }  // rows inserted, updated or deleted

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;            // NULL reads as empty
  std::string_view text_view(int column) const;  // valid while this query lives
  std::optional<std::int64_t> optional_int64(int column) const;
  std::string blob(int column) const;  // a BYTEA's bytes; NULL reads as empty

 private:
  bool execute();
  void fail(Error e);
  Query& set(int index, std::optional<std::string> value);

  Connection* db_;
  std::string name_;
  std::vector<std::optional<std::string>> values_;
  pg_result* result_ = nullptr;
  int row_ = -1, rows_ = 0;
  bool executed_ = false;
  std::int64_t affected_ = 0;
  Status error_;
};

// A statement its connection keeps, for code that runs it often: no lookup per use.
class Prepared {
 public:
  Prepared() = default;
  Query use() const { return Query(*db_, name_, parameters_); }

 private:
  friend class Connection;
  Prepared(Connection* db, std::string name, int parameters)
      : db_(db), name_(std::move(name)), parameters_(parameters) {}
  Connection* db_ = nullptr;
  std::string name_;
  int parameters_ = 0;
};

class Transaction;

class Connection {
 public:
  using Statement = Prepared;
  using Transaction = pg::Transaction;
  using Query = pg::Query;
  // Connects with a libpq URI; the connection's time zone is UTC and its statements give
  // up after `statement_timeout_ms` (0: never).
  static Result<std::unique_ptr<Connection>> open(const std::string& uri, int statement_timeout_ms = 30000);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows (the simple protocol).
  Status exec(std::string_view sql);
  // The statement for `sql`, prepared on the server on first use and kept.
  Result<Query> query(std::string_view sql);
  Result<Prepared> prepare(std::string_view sql);
  // Rows the last statement run through query() or prepare() inserted, updated or deleted.
  // In a pipeline, the answers sent before are read first.
  std::int64_t changes() {
    drain();
    return changes_;
  }
  // A single integer answer (count(*), a setting).
  Result<std::int64_t> scalar(std::string_view sql);

  // Pipelining (inside a transaction begun before): statements run with run() are sent
  // without waiting for their answers, which are read when a statement's rows are asked
  // for (next()), when changes() is, or at the end. The first failure fails the rest and is
  // what end_pipeline() says; the transaction is then to be rolled back. exec(), scalar()
  // and transactions wait until the pipeline has ended.
  Status begin_pipeline();
  Status end_pipeline();
  bool pipelined() const { return pipelined_; }

  bool in_transaction() const;
  bool broken() const;  // the connection to the server is lost
  pg_conn* handle() const { return conn_; }
  const std::string& uri() const { return uri_; }

 private:
  explicit Connection(pg_conn* conn, std::string uri) : conn_(conn), uri_(std::move(uri)) {}
  friend class pg::Query;
  struct Named {
    std::string name;
    int parameters = 0;
  };
  Result<const Named*> named(std::string_view sql);
  // Reads the answers of the statements sent and not read yet; the first failure is kept.
  void drain();
  void read_pending();  // the answers of the statements sent, once they are on their way
  // Reads one statement's answer in the pipeline (its result, then the end of it).
  pg_result* next_result();

  pg_conn* conn_;
  std::string uri_;
  std::unordered_map<std::string, Named> statements_;
  std::int64_t changes_ = 0;
  bool pipelined_ = false;
  int pending_ = 0;        // statements sent whose answers are not read yet
  Status pipeline_error_;  // the first failure in the pipeline
};

// BEGIN … COMMIT; rolled back when it ends without a commit. `deferred` (as SQLite's read
// transactions) reads from one snapshot (REPEATABLE READ); `immediate` is for writing.
class Transaction {
 public:
  enum class Kind { deferred, immediate };
  static Result<Transaction> begin(Connection& db, Kind kind = Kind::immediate);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();
  void rollback();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;
};

}  // namespace gridkeeper::data::pg
