#include "data/ledger_reads.hpp"

#include <algorithm>
#include <variant>

#include "data/records.hpp"
#include "geo/geojson.hpp"

// Reading: the state loaded at start, cases, their events and post history.

namespace gridkeeper::data {

using namespace dispatch;

namespace {

// The exact terms of the partial indexes' WHERE clauses (data/schema.cpp): a query must
// name them as they are for SQLite to use those indexes.
constexpr std::string_view kOpenTerm = "state NOT IN ('closed', 'cancelled')";
constexpr std::string_view kClosedTerm = "state IN ('closed', 'cancelled')";

std::string select_cases(std::string_view where) {
  return "SELECT " + std::string(records::kCaseColumns) + " FROM cases " + std::string(where);
}

}  // namespace

template <class Db>
Result<LedgerState> read_ledger_state(Db& db) {
  // One snapshot for everything the center starts from.
  auto tx = Db::Transaction::begin(db, Db::Transaction::Kind::deferred);
  if (!tx) return tx.error();
  LedgerState state;
  {
    auto q = db.query("SELECT code, name, level, parent, emergency FROM jurisdictions ORDER BY code");
    if (!q) return q.error();
    while (q->next())
      state.jurisdictions.push_back(
          {q->text(0), q->text(1), level_from(q->text(2)).value_or(Level::community), q->text(3), q->int64(4) != 0});
    if (auto e = q->status()) return *e;
  }
  {
    auto q = db.query(
        "SELECT code, name, community, population, owner, backup, geometry, retired_at IS NOT NULL FROM grids "
        "ORDER BY code");
    if (!q) return q.error();
    while (q->next()) {
      Grid g{q->text(0), q->text(1), q->text(2), q->int64(3), q->text(4), q->text(5)};
      if (q->int64(7) != 0) {  // of a past generation only: no shape, no new cases
        state.retired_grids.push_back(std::move(g));
        continue;
      }
      auto shape = geo::read_geometry(q->text(6));
      if (!shape) return storage_error("grid " + g.code + " has a stored geometry that cannot be read");
      state.grid_shapes.push_back({g.code, std::move(*shape)});
      state.grids.push_back(std::move(g));
    }
    if (auto e = q->status()) return *e;
  }
  {
    auto q = db.query("SELECT id, name, phone, community, status, retired FROM workers ORDER BY id");
    if (!q) return q.error();
    while (q->next())
      state.workers.push_back({q->text(0), q->text(1), q->text(2), q->text(3),
                               duty_status_from(q->text(4)).value_or(DutyStatus::on_duty), q->int64(5) != 0});
    if (auto e = q->status()) return *e;
  }
  {
    static const std::string sql = "SELECT " + std::string(records::kCategoryColumns) + " FROM categories ORDER BY id";
    auto q = db.query(sql);
    if (!q) return q.error();
    while (q->next()) state.categories.push_back(records::read_category(*q, 0));
    if (auto e = q->status()) return *e;
  }
  {
    static const std::string sql = select_cases("WHERE " + std::string(kOpenTerm) + " ORDER BY id");
    auto q = db.query(sql);
    if (!q) return q.error();
    while (q->next()) state.open_cases.push_back(records::read_case(*q, 0));
    if (auto e = q->status()) return *e;
  }
  {
    auto q = db.query(
        "SELECT id, worker_id, from_at, to_at, reason, move_cases, created_by, created_at, cancelled_at, applied "
        "FROM leaves ORDER BY id");
    if (!q) return q.error();
    while (q->next())
      state.leaves.push_back({q->int64(0), q->text(1), q->int64(2), q->int64(3), q->text(4), q->int64(5) != 0,
                              q->text(6), q->int64(7), q->optional_int64(8), static_cast<int>(q->int64(9))});
    if (auto e = q->status()) return *e;
  }
  {
    // Generations waiting to take effect, read back from their files.
    auto q = db.query(
        "SELECT id, effective_at, open_cases, created_by, file FROM generations WHERE state = 'scheduled' ORDER BY id");
    if (!q) return q.error();
    while (q->next()) {
      ScheduledGeneration s;
      s.at = q->int64(1);
      s.open_cases = open_cases_from(q->text(2)).value_or(OpenCases::stay);
      s.actor = q->text(3);
      const auto file = geo::read_geojson(q->text(4));
      if (file.fatal)
        return storage_error("generation " + std::to_string(q->int64(0)) + " has a file that cannot be read");
      s.plan = plan_from_areas(file.areas);
      s.plan.id = q->int64(0);
      state.scheduled_generations.push_back(std::move(s));
    }
    if (auto e = q->status()) return *e;
  }
  auto max_id = db.scalar("SELECT coalesce(max(id), 0) FROM cases");
  if (!max_id) return max_id.error();
  state.max_case_id = *max_id;
  return state;
}

template <class Db>
Result<std::optional<Case>> read_case(Db& db, CaseId id) {
  static const std::string sql = select_cases("WHERE id = ?1");
  auto q = db.query(sql);
  if (!q) return q.error();
  q->bind(1, id);
  std::optional<Case> found;
  if (q->next()) found = records::read_case(*q, 0);
  if (auto e = q->status()) return *e;
  return found;
}

template <class Db>
Result<std::vector<CaseEvent>> read_events(Db& db, CaseId id) {
  static const std::string sql =
      "SELECT " + std::string(records::kEventColumns) + " FROM case_events WHERE case_id = ?1 ORDER BY seq";
  auto q = db.query(sql);
  if (!q) return q.error();
  q->bind(1, id);
  std::vector<CaseEvent> events;
  while (q->next()) events.push_back(records::read_event(*q, 0));
  if (auto e = q->status()) return *e;
  return events;
}

// GCC 12 at -O3 reports -Wmaybe-uninitialized inside libstdc++ for the inlined move of the
// std::variant<std::int64_t, std::string> values below (a false positive, like those the
// root CMakeLists.txt names); in this smaller file it inlines more than it did before.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
template <class Db>
Result<std::vector<Case>> read_cases(Db& db, const CaseQuery& query) {
  const int limit = std::clamp(query.limit, 0, 10'000);
  if (limit == 0) return std::vector<Case>{};

  std::string where = "WHERE TRUE";
  std::vector<std::variant<std::int64_t, std::string>> values;
  auto filter = [&](std::string_view condition, std::variant<std::int64_t, std::string> value) {
    values.push_back(std::move(value));
    where += " AND ";
    where += condition;
    where += " ?" + std::to_string(values.size());
  };
  if (!query.scope.empty()) {
    // A scope is one code; which column holds it depends on its level. The column's index
    // then yields the cases newest first.
    std::string column;
    {
      auto q = db.query("SELECT level FROM jurisdictions WHERE code = ?1");
      if (!q) return q.error();
      q->bind(1, query.scope);
      if (q->next()) column = q->text(0);
      if (auto e = q->status()) return *e;
    }
    if (column.empty()) {
      auto q = db.query("SELECT 1 FROM grids WHERE code = ?1");
      if (!q) return q.error();
      q->bind(1, query.scope);
      if (q->next()) column = "grid";
      if (auto e = q->status()) return *e;
    }
    if (column == "grid" || column == "community" || column == "street" || column == "district") {
      filter(column + " =", query.scope);
    } else {
      values.push_back(query.scope);
      const std::string p = "?" + std::to_string(values.size());
      where += " AND (grid = " + p + " OR community = " + p + " OR street = " + p + " OR district = " + p + ")";
    }
  }
  if (query.state) filter("state =", std::string(to_string(*query.state)));
  std::optional<bool> open = query.open;
  if (query.state) {
    const bool state_open = *query.state != CaseState::closed && *query.state != CaseState::cancelled;
    if (open && *open != state_open) return std::vector<Case>{};
    open = state_open;
  }
  if (open) {
    where += " AND ";
    where += *open ? kOpenTerm : kClosedTerm;
  }
  if (!query.grid.empty()) filter("grid =", query.grid);
  if (!query.assignee.empty()) filter("assignee =", query.assignee);
  if (query.urgency) filter("urgency =", std::string(to_string(*query.urgency)));
  if (query.overdue) filter("overdue =", static_cast<std::int64_t>(*query.overdue));
  if (query.after) filter("id <", *query.after);
  values.push_back(static_cast<std::int64_t>(limit));
  where += " ORDER BY id DESC LIMIT ?" + std::to_string(values.size());

  auto q = db.query(select_cases(where));
  if (!q) return q.error();
  for (std::size_t i = 0; i < values.size(); ++i)
    std::visit([&](const auto& v) { q->bind(static_cast<int>(i + 1), v); }, values[i]);
  std::vector<Case> cases;
  while (q->next()) cases.push_back(records::read_case(*q, 0));
  if (auto e = q->status()) return *e;
  return cases;
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic pop
#endif

template <class Db>
Result<std::vector<PostTerm>> read_post_history(Db& db, const std::string& grid) {
  auto q = db.query("SELECT grid, worker, backup, from_at, to_at FROM post_terms WHERE grid = ?1 ORDER BY from_at, id");
  if (!q) return q.error();
  q->bind(1, grid);
  std::vector<PostTerm> terms;
  while (q->next()) terms.push_back({q->text(0), q->text(1), q->int64(2) != 0, q->int64(3), q->optional_int64(4)});
  if (auto e = q->status()) return *e;
  return terms;
}

#define GRIDKEEPER_LEDGER_READS_FOR(Db)                                     \
  template Result<LedgerState> read_ledger_state<Db>(Db&);                  \
  template Result<std::optional<Case>> read_case<Db>(Db&, CaseId);          \
  template Result<std::vector<CaseEvent>> read_events<Db>(Db&, CaseId);     \
  template Result<std::vector<Case>> read_cases<Db>(Db&, const CaseQuery&); \
  template Result<std::vector<PostTerm>> read_post_history<Db>(Db&, const std::string&);
GRIDKEEPER_LEDGER_READS_FOR(Connection)
GRIDKEEPER_LEDGER_READS_FOR(pg::Connection)
#undef GRIDKEEPER_LEDGER_READS_FOR

}  // namespace gridkeeper::data
