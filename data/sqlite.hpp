#pragma once
// A thin layer over the SQLite C API: connections that prepare each statement once and
// keep it, and query guards that reset a statement when its use ends. Failures are values.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dispatch/errors.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace gridkeeper::data {

using dispatch::Error;
using dispatch::Status;
template <class T>
using Result = dispatch::Result<T>;

// Thrown only by the ports' reads and deletes, whose signatures have no error channel: the
// database failed (never for data that is merely absent). It carries the error's code.
struct StorageError : dispatch::Failure {
  explicit StorageError(const std::string& message)
      : dispatch::Failure(dispatch::make_error(dispatch::ErrorCode::storage_failed, message)) {}
  explicit StorageError(Error error) : dispatch::Failure(std::move(error)) {}
};

Error storage_error(std::string message);
// An SQLite result code as an error: storage_unavailable when the device or another
// process is at fault (a full disk, an I/O error, a lock held too long), storage_failed
// otherwise.
Error sqlite_error(int rc, std::string message);
// True for the result codes sqlite_error maps to storage_unavailable.
bool unavailable(int rc);

// One use of a prepared statement: bind, step, read columns. Resets the statement and
// clears its bindings when it goes out of scope, so the connection can reuse it.
class Query {
 public:
  Query(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
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
  // Text that outlives this query is bound without a copy.
  Query& bind_borrowed(int index, std::string_view text);
  Query& bind_borrowed_code(int index, const std::string& code);  // empty means NULL
  Query& bind_null(int index);
  // Bytes (a BLOB), bound without a copy: they must outlive this query's use.
  Query& bind_blob(int index, std::string_view bytes);
  // Codes that reference another table: empty means none (NULL).
  Query& bind_code(int index, const std::string& code);

  // Steps once: true when a row is ready; false when done or failed (see status()).
  bool next();
  // Steps to the end.
  Status run();
  Status status() const;

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;  // NULL reads as empty
  // The text without a copy, valid until the next step or column read of this column.
  std::string_view text_view(int column) const;  // NULL reads as empty
  std::optional<std::int64_t> optional_int64(int column) const;
  std::string blob(int column) const;  // a BLOB's bytes; NULL reads as empty

 private:
  void fail(int rc);
  sqlite3_stmt* stmt_;
  sqlite3* db_;
  int rc_ = 0;  // first failure, 0 when none
  std::string message_;
};

enum class OpenMode { create, read_write, read_only };

// A statement its connection keeps, for code that runs it often: no lookup per use.
class Prepared {
 public:
  Prepared() = default;
  Query use() const { return Query(stmt_, db_); }

 private:
  friend class Connection;
  Prepared(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

class Transaction;

class Connection {
 public:
  using Statement = Prepared;
  using Transaction = data::Transaction;
  using Query = data::Query;
  static Result<std::unique_ptr<Connection>> open(const std::string& path, OpenMode mode, int busy_timeout_ms = 5000);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows.
  Status exec(std::string_view sql);
  // The statement for `sql`, prepared on first use and kept for the connection's life.
  Result<Query> query(std::string_view sql);
  Result<Prepared> prepare(std::string_view sql);
  // A single integer answer (PRAGMA user_version, count(*)).
  Result<std::int64_t> scalar(std::string_view sql);

  bool in_transaction() const;
  std::int64_t changes() const;
  Error error(std::string_view context) const;  // the connection's last error
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> statements_;
};

// BEGIN ... COMMIT; rolled back when it ends without a commit.
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

}  // namespace gridkeeper::data
