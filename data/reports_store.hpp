#pragma once
// ReportsStore: the reports port on the same database as the ledger, on either backend
// (data/store_connections.hpp). Reads use connections of its own (they never wait for the
// ledger's writer), the audit trail's too. Settings and Open311 keys, each change with its
// audit entry, are written in one transaction through the WriteQueueOn it is given (the
// server passes its ledger: one writer a database), or, given none, on a connection of its
// own. Every call blocks: the server calls it from its blocking pool.
#include <memory>
#include <string>
#include <vector>

#include "data/store_connections.hpp"
#include "dispatch/reports.hpp"

namespace gridkeeper::data {

template <class Db>
class ReportsStore final : public dispatch::Reports {
 public:
  // Creates or migrates the database at `place` (a file, or a PostgreSQL URI).
  static Result<std::unique_ptr<ReportsStore>> open(const std::string& place, WriteQueueOn<Db>* writer = nullptr,
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
  explicit ReportsStore(std::unique_ptr<StoreConnections<Db>> db) : db_(std::move(db)) {}
  Status write(WorkOn<Db> work) { return db_->write(std::move(work)); }
  auto reader() { return db_->reader(); }

  std::unique_ptr<StoreConnections<Db>> db_;
};

using SqliteReports = ReportsStore<Connection>;
using PgReports = ReportsStore<pg::Connection>;

}  // namespace gridkeeper::data
