#include "data/reports_store.hpp"

#include <map>
#include <unordered_map>

#include "data/case_facts.hpp"
#include "data/records.hpp"
#include "dispatch/audit.hpp"

namespace gridkeeper::data {

using namespace dispatch;

namespace {
// Every statement's text is fixed (the connection keeps each one prepared): optional
// filters are parameters that may be NULL, lists are JSON arrays (Dialect::ids_in). A
// parameter tested for NULL is cast at that test: PostgreSQL types a parameter by its first
// use, and `?3 IS NULL` alone gives it none.
const std::string kPeriodCases =
    "FROM cases WHERE created_at >= ?1 AND created_at < ?2 "
    "AND (CAST(?3 AS TEXT) IS NULL OR grid = ?3 OR community = ?3 OR street = ?3 OR district = ?3) "
    "AND (CAST(?4 AS TEXT) IS NULL OR assignee = ?4)";

std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& s : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char ch : s) {
      if (ch == '"' || ch == '\\') out += '\\';
      if (static_cast<unsigned char>(ch) < 0x20) continue;  // codes never hold control characters
      out += ch;
    }
    out += '"';
  }
  return out + "]";
}

std::string json_array(const std::vector<CaseId>& ids) {
  std::string out = "[";
  for (auto id : ids) {
    if (out.size() > 1) out += ',';
    out += std::to_string(id);
  }
  return out + "]";
}

}  // namespace

template <class Db>
Result<std::unique_ptr<ReportsStore<Db>>> ReportsStore<Db>::open(const std::string& place, WriteQueueOn<Db>* writer,
                                                                 int busy_timeout_ms) {
  auto db = StoreConnections<Db>::open(place, writer, busy_timeout_ms);
  if (!db) return db.error();
  return std::unique_ptr<ReportsStore>(new ReportsStore(std::move(*db)));
}

template <class Db>
Result<std::vector<CaseHistory>> ReportsStore<Db>::history(const HistoryQuery& query) {
  auto lease = reader();
  if (!lease) return lease.error();
  Db& db = **lease;
  // One snapshot for the cases and their events.
  auto tx = Db::Transaction::begin(db, Db::Transaction::Kind::deferred);
  if (!tx) return tx.error();
  auto bind = [&](auto& q) {
    q.bind(1, query.from).bind(2, query.to).bind_code(3, query.scope).bind_code(4, query.assignee);
  };
  {
    static const std::string sql = "SELECT count(*) " + kPeriodCases;
    auto q = db.query(sql);
    if (!q) return q.error();
    bind(*q);
    std::int64_t count = 0;
    if (q->next()) count = q->int64(0);
    if (auto e = q->status()) return *e;
    if (static_cast<std::size_t>(count) > query.limit)
      return make_error(ErrorCode::too_large, "the period holds " + std::to_string(count) +
                                                  " cases, more than one report reads (" + std::to_string(query.limit) +
                                                  "); choose a shorter period or a smaller scope");
  }
  std::vector<CaseHistory> out;
  std::map<CaseId, std::size_t> at;
  {
    static const std::string sql = "SELECT " + std::string(records::kCaseColumns) + " " + kPeriodCases + " ORDER BY id";
    auto q = db.query(sql);
    if (!q) return q.error();
    bind(*q);
    while (q->next()) {
      CaseHistory h;
      h.c = records::read_case(*q, 0);
      at.emplace(h.c.id, out.size());
      out.push_back(std::move(h));
    }
    if (auto e = q->status()) return *e;
  }
  {
    static const std::string sql = "SELECT " + std::string(records::kEventColumns) +
                                   " FROM case_events WHERE case_id IN (SELECT id " + kPeriodCases +
                                   ") ORDER BY case_id, seq";
    auto q = db.query(sql);
    if (!q) return q.error();
    bind(*q);
    while (q->next()) {
      auto e = records::read_event(*q, 0);
      if (auto it = at.find(e.case_id); it != at.end()) out[it->second].events.push_back(std::move(e));
    }
    if (auto e = q->status()) return *e;
  }
  return out;
}

namespace {
// Where a case was before the first redraw that moved it after a time.
struct PlaceThen {
  std::string grid, community, street, district, assignee;
};

bool in_scope(const CaseRecord& r, const std::string& scope) {
  return scope.empty() || r.grid == scope || r.community == scope || r.street == scope || r.district == scope;
}

// The cases a redraw moved after `at`, each with its place before the first such move.
template <class Db>
Result<std::unordered_map<CaseId, PlaceThen>> places_before_moves(Db& db, Millis at) {
  std::unordered_map<CaseId, PlaceThen> out;
  auto q = db.query(
      "SELECT case_id, grid, community, street, district, assignee FROM case_moves WHERE at > ?1 "
      "ORDER BY at DESC, case_id");
  if (!q) return q.error();
  q->bind(1, at);
  while (q->next())  // the earliest move is read last
    out[q->int64(0)] = PlaceThen{q->text(1), q->text(2), q->text(3), q->text(4), q->text(5)};
  if (auto e = q->status()) return *e;
  return out;
}
}  // namespace

template <class Db>
Status ReportsStore<Db>::each_record(const HistoryQuery& query, const std::function<bool(const CaseRecord&)>& visit) {
  auto lease = reader();
  if (!lease) return lease.error();
  Db& db = **lease;
  auto tx = Db::Transaction::begin(db, Db::Transaction::Kind::deferred);  // one snapshot for the moves and the cases
  if (!tx) return tx.error();
  std::unordered_map<CaseId, PlaceThen> moved;
  if (query.places_at) {
    auto m = places_before_moves(db, *query.places_at);
    if (!m) return m.error();
    moved = std::move(*m);
  }
  // Newest first along the index by intake. With a scope or a worker and cases moved since
  // `places_at`, those are read whatever their place now, and judged by their place then.
  static const std::string plain =
      "SELECT " + std::string(case_facts::kColumns) +
      " FROM case_facts WHERE created_at >= ?1 AND created_at < ?2 "
      "AND (CAST(?3 AS TEXT) IS NULL OR grid = ?3 OR community = ?3 OR street = ?3 OR district = ?3) "
      "AND (CAST(?4 AS TEXT) IS NULL OR assignee = ?4) ORDER BY created_at DESC, id DESC";
  static const std::string with_moved =
      "SELECT " + std::string(case_facts::kColumns) +
      " FROM case_facts WHERE created_at >= ?1 AND created_at < ?2 "
      "AND (((CAST(?3 AS TEXT) IS NULL OR grid = ?3 OR community = ?3 OR street = ?3 OR district = ?3) "
      "AND (CAST(?4 AS TEXT) IS NULL OR assignee = ?4)) OR id IN " +
      Dialect<Db>::ids_in(5) +
      ") "
      "ORDER BY created_at DESC, id DESC";
  const bool filtered = !query.scope.empty() || !query.assignee.empty();
  auto q = db.query(filtered && !moved.empty() ? with_moved : plain);
  if (!q) return q.error();
  q->bind(1, query.from).bind(2, query.to).bind_code(3, query.scope).bind_code(4, query.assignee);
  if (filtered && !moved.empty()) {
    std::vector<CaseId> ids;
    ids.reserve(moved.size());
    for (const auto& [id, place] : moved) ids.push_back(id);
    q->bind(5, json_array(ids));
  }
  CaseRecord r;
  while (q->next()) {
    case_facts::read_record(*q, 0, r);
    if (!moved.empty()) {
      if (auto it = moved.find(r.id); it != moved.end()) {
        const PlaceThen& then = it->second;
        r.grid = then.grid;
        r.community = then.community;
        r.street = then.street;
        r.district = then.district;
        r.assignee = then.assignee;
        if (!in_scope(r, query.scope) || (!query.assignee.empty() && r.assignee != query.assignee)) continue;
      }
    }
    if (!visit(r)) return std::nullopt;
  }
  return q->status();
}

template <class Db>
Result<std::vector<Case>> ReportsStore<Db>::requests(const RequestQuery& query) {
  auto lease = reader();
  if (!lease) return lease.error();
  Db& db = **lease;
  static const std::string columns = "SELECT " + std::string(records::kCaseColumns) + " FROM cases ";
  std::vector<Case> out;
  if (!query.ids.empty()) {
    static const std::string sql = columns + "WHERE id IN " + Dialect<Db>::ids_in(1) + " ORDER BY id DESC";
    auto q = db.query(sql);
    if (!q) return q.error();
    q->bind(1, json_array(query.ids));
    while (q->next()) out.push_back(records::read_case(*q, 0));
    if (auto e = q->status()) return *e;
    return out;
  }
  static const std::string sql =
      columns +
      "WHERE created_at >= ?1 AND created_at < ?2 "
      "AND (CAST(?3 AS TEXT) IS NULL OR category IN " +
      Dialect<Db>::texts_in(3) +
      ") "
      "AND (CAST(?4 AS BIGINT) IS NULL OR (?4 = 1) = (state NOT IN ('closed', 'cancelled'))) "
      "AND (CAST(?5 AS DOUBLE PRECISION) IS NULL OR (lon >= ?5 AND lat >= ?6 AND lon <= ?7 AND lat <= ?8)) "
      "ORDER BY id DESC LIMIT ?9 OFFSET ?10";
  auto q = db.query(sql);
  if (!q) return q.error();
  q->bind(1, query.from).bind(2, query.to);
  if (query.categories.empty()) q->bind_null(3);
  else q->bind(3, json_array(query.categories));
  if (query.open) q->bind(4, *query.open);
  else q->bind_null(4);
  if (query.bbox) {
    for (int k = 0; k < 4; ++k) q->bind(5 + k, (*query.bbox)[static_cast<std::size_t>(k)]);
  } else {
    for (int k = 0; k < 4; ++k) q->bind_null(5 + k);
  }
  q->bind(9, static_cast<std::int64_t>(query.limit)).bind(10, query.offset);
  while (q->next()) out.push_back(records::read_case(*q, 0));
  if (auto e = q->status()) return *e;
  return out;
}

template <class Db>
Result<std::optional<std::vector<dispatch::Grid>>> ReportsStore<Db>::replaced_grids(Millis at) {
  auto lease = reader();
  if (!lease) return lease.error();
  Db& db = **lease;
  std::optional<std::vector<dispatch::Grid>> out;
  auto tx = Db::Transaction::begin(db, Db::Transaction::Kind::deferred);  // one snapshot for both reads
  if (!tx) return tx.error();
  // The generation in force at `at`, and the one in force now.
  static const std::string sql =
      "SELECT (SELECT id FROM generations WHERE applied_at IS NOT NULL AND applied_at <= ?1 AND "
      "state IN ('current', 'past') ORDER BY applied_at DESC, id DESC LIMIT 1), "
      "(SELECT id FROM generations WHERE state = 'current' ORDER BY applied_at DESC, id DESC LIMIT 1)";
  std::int64_t then = 0, now = 0;
  {
    auto q = db.query(sql);
    if (!q) return q.error();
    q->bind(1, at);
    if (q->next()) {
      then = q->is_null(0) ? 0 : q->int64(0);
      now = q->is_null(1) ? 0 : q->int64(1);
    }
    if (auto e = q->status()) return *e;
  }
  if (then == 0 || then == now) return out;
  auto q =
      db.query("SELECT code, name, community, population FROM generation_grids WHERE generation = ?1 ORDER BY code");
  if (!q) return q.error();
  q->bind(1, then);
  out.emplace();
  while (q->next()) out->push_back(dispatch::Grid{q->text(0), q->text(1), q->text(2), q->int64(3), {}, {}});
  if (auto e = q->status()) return *e;
  return out;
}

template class ReportsStore<Connection>;
template class ReportsStore<pg::Connection>;

}  // namespace gridkeeper::data
