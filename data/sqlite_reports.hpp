#pragma once
// SqliteReports: the reports port on the same database as the ledger. Reads use read-only
// connections of its own (WAL: they never wait for the ledger's writer), the audit trail's
// too. Settings and Open311 keys, each change with its audit entry, are written in one
// transaction through the WriteQueue it is given (the server passes its ledger: one writer
// a file), or, given none, on a connection of its own. Every call blocks: the server calls
// it from its blocking pool.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "data/sqlite.hpp"
#include "data/write_queue.hpp"
#include "dispatch/reports.hpp"

namespace gridkeeper::data {

class SqliteReports final : public dispatch::Reports {
 public:
  // Creates or migrates the database at `path`.
  static Result<std::unique_ptr<SqliteReports>> open(const std::string& path, WriteQueue* writer = nullptr,
                                                     int busy_timeout_ms = 5000);

  Result<std::vector<dispatch::CaseHistory>> history(const dispatch::HistoryQuery& query) override;
  Status each_record(const dispatch::HistoryQuery& query,
                     const std::function<bool(const dispatch::CaseRecord&)>& visit) override;
  Result<std::vector<dispatch::Case>> requests(const dispatch::RequestQuery& query) override;
  Result<std::optional<std::vector<dispatch::Grid>>> replaced_grids(dispatch::Millis at) override;
  Result<std::optional<std::string>> setting(const std::string& key) override;
  Status put_setting(const std::string& key, const std::string& value, dispatch::Millis at,
                     const std::string& actor) override;
  Result<dispatch::ClientKey> add_client_key(dispatch::ClientKey key) override;
  Result<std::vector<dispatch::ClientKey>> client_keys() override;
  Result<std::optional<dispatch::ClientKey>> find_client_key(const std::string& key_hash) override;
  Status revoke_client_key(std::int64_t id, dispatch::Millis at, const std::string& actor) override;
  Status each_audit(const dispatch::AuditQuery& query,
                    const std::function<bool(const dispatch::AuditRecord&)>& visit) override;

 private:
  SqliteReports(std::string path, int busy_timeout_ms, std::unique_ptr<Connection> own, WriteQueue* queue)
      : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms), own_writer_(std::move(own)), queue_(queue) {}
  // Runs `work` through the queue, or on the own connection when there is none.
  Status write(Work work);

  // A read connection lent to one caller; returned to the idle list when done.
  class Lease;
  Result<Lease> reader();

  std::string path_;
  int busy_timeout_ms_;
  std::mutex writer_mutex_;
  std::unique_ptr<Connection> own_writer_;  // only without a queue
  WriteQueue* queue_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace gridkeeper::data
