#include "data/store_connections.hpp"

#include "data/pg_schema.hpp"
#include "data/schema.hpp"

namespace gridkeeper::data {

template <>
Result<std::unique_ptr<StoreConnections<Connection>>> StoreConnections<Connection>::open(
    const std::string& path, WriteQueueOn<Connection>* queue, int busy_timeout_ms) {
  auto db = open_for_writing(path, busy_timeout_ms);  // creates or migrates the schema
  if (!db) return db.error();
  auto readers = [path, busy_timeout_ms] { return open_for_reading(path, busy_timeout_ms); };
  if (queue) return std::make_unique<StoreConnections>(readers, nullptr, queue);
  // The ledger's checkpointer copies the WAL back; a second writer must not do it inside
  // its commits.
  if (auto e = (*db)->exec("PRAGMA wal_autocheckpoint = 0")) return *e;
  return std::make_unique<StoreConnections>(readers, std::move(*db), nullptr);
}

template <>
Result<std::unique_ptr<StoreConnections<pg::Connection>>> StoreConnections<pg::Connection>::open(
    const std::string& uri, WriteQueueOn<pg::Connection>* queue, int) {
  auto db = open_writer(uri, static_cast<const pg::Connection*>(nullptr));  // creates or migrates the schema
  if (!db) return db.error();
  auto readers = [uri] { return pg::Connection::open(uri); };
  if (queue) return std::make_unique<StoreConnections>(readers, nullptr, queue);
  return std::make_unique<StoreConnections>(readers, std::move(*db), nullptr);
}

Result<std::unique_ptr<Connection>> open_writer(const std::string& path, const Connection*) {
  return open_for_writing(path);
}
Result<std::unique_ptr<pg::Connection>> open_writer(const std::string& uri, const pg::Connection*) {
  // Acknowledged only once durable, whatever the server's default.
  auto db = pg::open_for_writing(uri);
  if (!db) return db.error();
  if (auto e = (*db)->exec("SET synchronous_commit = on")) return *e;
  return db;
}
Result<std::unique_ptr<Connection>> open_reader(const std::string& path, const Connection*) {
  return open_for_reading(path);
}
Result<std::unique_ptr<pg::Connection>> open_reader(const std::string& uri, const pg::Connection*) {
  return pg::Connection::open(uri);
}

}  // namespace gridkeeper::data
