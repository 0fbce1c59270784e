#pragma once
// SqliteReports: the reports port on the same database as the ledger. Reads use read-only
// connections of its own (WAL: they never wait for the ledger's writer); settings and
// Open311 keys are written on one connection of its own, each change with its audit entry
// in one transaction. Every call blocks: the server calls it from its blocking pool.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "data/sqlite.hpp"
#include "dispatch/reports.hpp"

namespace gridkeeper::data {

class SqliteReports final : public dispatch::Reports {
 public:
  // Creates or migrates the database at `path`.
  static Result<std::unique_ptr<SqliteReports>> open(const std::string& path, int busy_timeout_ms = 5000);

  Result<std::vector<dispatch::CaseHistory>> history(const dispatch::HistoryQuery& query) override;
  Result<std::vector<dispatch::Case>> requests(const dispatch::RequestQuery& query) override;
  Result<std::optional<std::string>> setting(const std::string& key) override;
  Status put_setting(const std::string& key, const std::string& value, dispatch::Millis at,
                     const std::string& actor) override;
  Result<dispatch::ClientKey> add_client_key(dispatch::ClientKey key) override;
  Result<std::vector<dispatch::ClientKey>> client_keys() override;
  Result<std::optional<dispatch::ClientKey>> find_client_key(const std::string& key_hash) override;
  Status revoke_client_key(std::int64_t id, dispatch::Millis at, const std::string& actor) override;

 private:
  SqliteReports(std::string path, int busy_timeout_ms, std::unique_ptr<Connection> writer)
      : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms), writer_(std::move(writer)) {}

  // A read connection lent to one caller; returned to the idle list when done.
  class Lease;
  Result<Lease> reader();

  std::string path_;
  int busy_timeout_ms_;
  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace gridkeeper::data
