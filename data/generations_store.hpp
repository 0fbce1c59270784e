#pragma once
// GenerationsStore: the grid generations' storage (dispatch/generation.hpp) on the same
// database as the ledger, on either backend (data/store_connections.hpp). Drafts are
// written through the WriteQueueOn it is given (the server's ledger: one writer a
// database) or a connection of its own. Every call blocks: the server calls it from its
// blocking pool.
#include <memory>
#include <string>

#include "data/store_connections.hpp"
#include "dispatch/generation.hpp"

namespace gridkeeper::data {

template <class Db>
class GenerationsStore final : public dispatch::Generations {
 public:
  static Result<std::unique_ptr<GenerationsStore>> open(const std::string& place, WriteQueueOn<Db>* writer = nullptr,
                                                        int busy_timeout_ms = 5000);

  Result<dispatch::Generation> add_draft(dispatch::Generation draft, const std::string& file,
                                         const dispatch::AuditEntry& audit) override;
  Result<std::vector<dispatch::Generation>> list() override;
  Result<std::optional<dispatch::Generation>> find(dispatch::GenerationId id) override;
  Result<std::string> file_of(dispatch::GenerationId id) override;
  Result<std::vector<dispatch::GenerationGrid>> current_grids() override;
  Result<std::pair<dispatch::GenerationId, std::vector<dispatch::GenerationGrid>>> grids_as_of(
      dispatch::Millis at) override;

 private:
  explicit GenerationsStore(std::unique_ptr<StoreConnections<Db>> db) : db_(std::move(db)) {}
  Result<std::vector<dispatch::Generation>> select(const std::string& where, std::int64_t id);

  std::unique_ptr<StoreConnections<Db>> db_;
};

using SqliteGenerations = GenerationsStore<Connection>;
using PgGenerations = GenerationsStore<pg::Connection>;

}  // namespace gridkeeper::data
