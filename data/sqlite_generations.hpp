#pragma once
// SqliteGenerations: the grid generations' storage (dispatch/generation.hpp) on the same
// database as the ledger. Drafts are written through the WriteQueue it is given (the
// server's ledger: one writer a file) or a connection of its own; reads open read-only
// connections. Every call blocks: the server calls it from its blocking pool.
#include <memory>
#include <mutex>
#include <string>

#include "data/sqlite.hpp"
#include "data/write_queue.hpp"
#include "dispatch/generation.hpp"

namespace gridkeeper::data {

class SqliteGenerations final : public dispatch::Generations {
 public:
  static Result<std::unique_ptr<SqliteGenerations>> open(const std::string& path, WriteQueue* writer = nullptr,
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
  SqliteGenerations(std::string path, int busy_timeout_ms, std::unique_ptr<Connection> own, WriteQueue* queue)
      : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms), own_writer_(std::move(own)), queue_(queue) {}
  Status write(Work work);
  Result<std::vector<dispatch::Generation>> select(const std::string& where, std::int64_t id);

  std::string path_;
  int busy_timeout_ms_;
  std::mutex writer_mutex_;
  std::unique_ptr<Connection> own_writer_;
  WriteQueue* queue_;
};

}  // namespace gridkeeper::data
