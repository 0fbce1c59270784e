#include "data/generations_store.hpp"

#include "data/generation_writes.hpp"
#include "data/records.hpp"

namespace gridkeeper::data {

using namespace dispatch;

namespace {

constexpr std::string_view kColumns =
    "id, state, created_at, created_by, effective_at, applied_at, coalesce(open_cases, ''), grid_count, "
    "problem_count, diff";

template <class Query>
Generation read_generation(Query& q) {
  Generation g;
  g.id = q.int64(0);
  g.state = generation_state_from(q.text(1)).value_or(GenerationState::draft);
  g.created_at = q.int64(2);
  g.created_by = q.text(3);
  g.effective_at = q.optional_int64(4);
  g.applied_at = q.optional_int64(5);
  g.open_cases = q.text(6);
  g.grids = static_cast<std::size_t>(q.int64(7));
  g.problems = static_cast<std::size_t>(q.int64(8));
  g.diff = q.text(9);
  return g;
}

}  // namespace

template <class Db>
Result<std::unique_ptr<GenerationsStore<Db>>> GenerationsStore<Db>::open(const std::string& place,
                                                                         WriteQueueOn<Db>* writer,
                                                                         int busy_timeout_ms) {
  auto db = StoreConnections<Db>::open(place, writer, busy_timeout_ms);
  if (!db) return db.error();
  return std::unique_ptr<GenerationsStore>(new GenerationsStore(std::move(*db)));
}

template <class Db>
Result<Generation> GenerationsStore<Db>::add_draft(Generation draft, const std::string& file, const AuditEntry& audit) {
  auto shared = std::make_shared<Generation>(std::move(draft));
  AuditEntry entry = audit;
  auto e = db_->write([shared, file, entry](Db& db) mutable -> Status {
    auto id = insert_generation(db, shared->created_at, shared->created_by, shared->grids, shared->problems,
                                shared->diff, file);
    if (!id) return id.error();
    shared->id = *id;
    entry.subject = std::to_string(*id);
    return records::insert_audit(db, entry);
  });
  if (e) return *e;
  return *shared;
}

template <class Db>
Result<std::vector<Generation>> GenerationsStore<Db>::select(const std::string& where, std::int64_t id) {
  auto db = db_->reader();
  if (!db) return db.error();
  auto q = (*db)->query("SELECT " + std::string(kColumns) + " FROM generations " + where);
  if (!q) return q.error();
  if (id) q->bind(1, id);
  std::vector<Generation> out;
  while (q->next()) out.push_back(read_generation(*q));
  if (auto e = q->status()) return *e;
  return out;
}

template <class Db>
Result<std::vector<Generation>> GenerationsStore<Db>::list() {
  return select("ORDER BY id DESC", 0);
}

template <class Db>
Result<std::optional<Generation>> GenerationsStore<Db>::find(GenerationId id) {
  auto found = select("WHERE id = ?1", id);
  if (!found) return found.error();
  if (found->empty()) return std::optional<Generation>();
  return std::optional<Generation>(std::move(found->front()));
}

template <class Db>
Result<std::string> GenerationsStore<Db>::file_of(GenerationId id) {
  auto db = db_->reader();
  if (!db) return db.error();
  auto q = (*db)->query("SELECT coalesce(file, '') FROM generations WHERE id = ?1");
  if (!q) return q.error();
  q->bind(1, id);
  std::string file;
  if (q->next()) file = q->text(0);
  if (auto e = q->status()) return *e;
  return file;
}

template <class Db>
Result<std::vector<GenerationGrid>> GenerationsStore<Db>::current_grids() {
  auto db = db_->reader();
  if (!db) return db.error();
  auto q = (*db)->query(
      "SELECT code, name, community, population, coalesce(owner, ''), coalesce(backup, ''), geometry FROM grids "
      "WHERE retired_at IS NULL ORDER BY code");
  if (!q) return q.error();
  std::vector<GenerationGrid> out;
  while (q->next())
    out.push_back({Grid{q->text(0), q->text(1), q->text(2), q->int64(3), q->text(4), q->text(5)}, q->text(6)});
  if (auto e = q->status()) return *e;
  return out;
}

template <class Db>
Result<std::pair<GenerationId, std::vector<GenerationGrid>>> GenerationsStore<Db>::grids_as_of(Millis at) {
  auto db = db_->reader();
  if (!db) return db.error();
  auto tx = Db::Transaction::begin(**db, Db::Transaction::Kind::deferred);
  if (!tx) return tx.error();
  std::pair<GenerationId, std::vector<GenerationGrid>> out{0, {}};
  {
    auto q = (*db)->query(
        "SELECT id FROM generations WHERE applied_at IS NOT NULL AND applied_at <= ?1 AND "
        "(state = 'current' OR state = 'past') ORDER BY applied_at DESC, id DESC LIMIT 1");
    if (!q) return q.error();
    q->bind(1, at);
    if (q->next()) out.first = q->int64(0);
    if (auto e = q->status()) return *e;
  }
  if (!out.first) return out;
  auto q = (*db)->query(
      "SELECT code, name, community, population, geometry FROM generation_grids WHERE generation = ?1 ORDER BY code");
  if (!q) return q.error();
  q->bind(1, out.first);
  while (q->next()) out.second.push_back({Grid{q->text(0), q->text(1), q->text(2), q->int64(3), {}, {}}, q->text(4)});
  if (auto e = q->status()) return *e;
  return out;
}

template class GenerationsStore<Connection>;
template class GenerationsStore<pg::Connection>;

}  // namespace gridkeeper::data
