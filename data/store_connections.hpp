#pragma once
// Where the stores beside the ledger (accounts, reports, addresses, generations) get their
// connections, on either backend (Db: data::Connection for SQLite, pg::Connection for
// PostgreSQL). Writes go through the server's ledger (its WriteQueueOn: one writer, one
// group commit) or, given none (a command, a test), on a connection of the store's own, one
// transaction a write. Reads borrow a connection from a pool of the store's own; one lost
// with its server is dropped, not lent again. Every call blocks.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "data/pg.hpp"
#include "data/sqlite.hpp"
#include "data/write_queue.hpp"

namespace gridkeeper::data {

template <class Db>
class StoreConnections {
 public:
  using OpenReader = std::function<Result<std::unique_ptr<Db>>()>;

  // A read connection lent to one caller, given back when it goes.
  class Lease {
   public:
    Lease(StoreConnections* owner, std::unique_ptr<Db> db) : owner_(owner), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (db_) owner_->give_back(std::move(db_));
    }
    Db& operator*() const { return *db_; }
    Db* operator->() const { return db_.get(); }

   private:
    StoreConnections* owner_;
    std::unique_ptr<Db> db_;
  };

  // Opens the store's connections to `place` (a file or a URI), creating or migrating the
  // schema. `queue` (may be null) is the ledger that writes for it.
  static Result<std::unique_ptr<StoreConnections>> open(const std::string& place, WriteQueueOn<Db>* queue,
                                                        int busy_timeout_ms);

  StoreConnections(OpenReader open_reader, std::unique_ptr<Db> own_writer, WriteQueueOn<Db>* queue)
      : open_reader_(std::move(open_reader)), own_writer_(std::move(own_writer)), queue_(queue) {}
  StoreConnections(const StoreConnections&) = delete;
  StoreConnections& operator=(const StoreConnections&) = delete;

  // Runs `work` in a transaction of the writer: durable (or failed) when it returns.
  Status write(WorkOn<Db> work) {
    if (queue_) return write_and_wait(*queue_, std::move(work));
    std::lock_guard lock(writer_mutex_);
    auto tx = Db::Transaction::begin(*own_writer_);
    if (!tx) return tx.error();
    if (auto e = work(*own_writer_)) return e;
    return tx->commit();
  }

  Result<Lease> reader() {
    {
      std::lock_guard lock(readers_mutex_);
      if (!idle_.empty()) {
        auto db = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(db));
      }
    }
    // The server's blocking pool bounds how many read at once.
    auto db = open_reader_();
    if (!db) return db.error();
    return Lease(this, std::move(*db));
  }

 private:
  void give_back(std::unique_ptr<Db> db) {
    if constexpr (std::is_same_v<Db, pg::Connection>) {
      if (db->broken() || db->in_transaction()) return;
    }
    std::lock_guard lock(readers_mutex_);
    idle_.push_back(std::move(db));
  }

  OpenReader open_reader_;
  std::mutex writer_mutex_;
  std::unique_ptr<Db> own_writer_;  // only without a queue
  WriteQueueOn<Db>* queue_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Db>> idle_;
};

// Opening a connection of either backend to `place`: a writer creates or migrates the schema.
Result<std::unique_ptr<Connection>> open_writer(const std::string& path, const Connection* backend);
Result<std::unique_ptr<pg::Connection>> open_writer(const std::string& uri, const pg::Connection* backend);
Result<std::unique_ptr<Connection>> open_reader(const std::string& path, const Connection* backend);
Result<std::unique_ptr<pg::Connection>> open_reader(const std::string& uri, const pg::Connection* backend);

// Calls `f` with a null pointer of the connection type `place` is for: a PostgreSQL URI's
// or an SQLite file's. Code for both backends is written once, as a generic lambda:
//   with_backend(place, [&](auto* backend) { auto db = open_writer(place, backend); … });
template <class F>
decltype(auto) with_backend(const std::string& place, F&& f) {
  if (pg::is_uri(place)) return f(static_cast<const pg::Connection*>(nullptr));
  return f(static_cast<const Connection*>(nullptr));
}

// The few places where the two backends' SQL differs, as fragments of a statement.
template <class Db>
struct Dialect;

template <>
struct Dialect<Connection> {
  // The ids (text: a JSON array of integers) in parameter ?n, for `x IN (…)`.
  static std::string ids_in(int n) { return "(SELECT value FROM json_each(?" + std::to_string(n) + "))"; }
  // The texts (a JSON array of strings) in parameter ?n.
  static std::string texts_in(int n) { return ids_in(n); }
  // Whether `column` holds the text of parameter ?n (plain text: no pattern characters).
  static std::string holds(std::string_view column, int n) {
    return "instr(" + std::string(column) + ", ?" + std::to_string(n) + ") > 0";
  }
  // The last `count` characters of `column`.
  static std::string last(std::string_view column, int count) {
    return "substr(" + std::string(column) + ", -" + std::to_string(count) + ")";
  }
};

template <>
struct Dialect<pg::Connection> {
  static std::string ids_in(int n) {
    return "(SELECT value::bigint FROM jsonb_array_elements_text(?" + std::to_string(n) + "::jsonb))";
  }
  static std::string texts_in(int n) {
    return "(SELECT value FROM jsonb_array_elements_text(?" + std::to_string(n) + "::jsonb))";
  }
  static std::string holds(std::string_view column, int n) {
    return "strpos(" + std::string(column) + ", ?" + std::to_string(n) + ") > 0";
  }
  static std::string last(std::string_view column, int count) {
    return "right(" + std::string(column) + ", " + std::to_string(count) + ")";
  }
};

}  // namespace gridkeeper::data
