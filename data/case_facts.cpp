#include "data/case_facts.hpp"

#include <algorithm>

#include "data/records.hpp"

namespace gridkeeper::data::case_facts {

using namespace dispatch;

static_assert(kEscalationsToTop == 3, "case_facts keeps the moments of three counted escalations");

const std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS case_facts (
  id              INTEGER NOT NULL,
  category        TEXT NOT NULL,
  assignee        TEXT,
  grid            TEXT,
  community       TEXT,
  street          TEXT,
  district        TEXT,
  created_at      INTEGER NOT NULL,
  state           TEXT NOT NULL,
  paused_at       INTEGER,
  accept_by       INTEGER,
  resolve_by      INTEGER,
  deferred        INTEGER NOT NULL,
  flags           INTEGER NOT NULL,
  dispatched_at   INTEGER,
  first_accept_at INTEGER,
  last_resolve_at INTEGER,
  closed_at       INTEGER,
  overdue_at      INTEGER,
  overdue_colour  TEXT CHECK (overdue_colour = 'yellow' OR overdue_colour = 'orange' OR overdue_colour = 'red'),
  escalations     INTEGER NOT NULL,
  escalated_1     INTEGER,
  escalated_2     INTEGER,
  escalated_3     INTEGER,
  rating          INTEGER,
  PRIMARY KEY (created_at, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS case_facts_id ON case_facts(id);
)sql";

const std::string_view kColumns =
    "id, category, assignee, grid, community, street, district, created_at, state, paused_at, accept_by, resolve_by, "
    "deferred, flags, dispatched_at, first_accept_at, last_resolve_at, closed_at, overdue_at, overdue_colour, "
    "escalations, escalated_1, escalated_2, escalated_3, rating";

namespace {
const std::string_view kUpsert =
    "INSERT INTO case_facts (id, category, assignee, grid, community, street, district, created_at, state, paused_at, "
    "accept_by, resolve_by, deferred, flags, dispatched_at, first_accept_at, last_resolve_at, closed_at, overdue_at, "
    "overdue_colour, escalations, escalated_1, escalated_2, escalated_3, rating) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
    "?23, ?24, ?25) "
    "ON CONFLICT (id) DO UPDATE SET category = excluded.category, assignee = excluded.assignee, "
    "grid = excluded.grid, community = excluded.community, street = excluded.street, district = excluded.district, "
    "created_at = excluded.created_at, state = excluded.state, paused_at = excluded.paused_at, "
    "accept_by = excluded.accept_by, resolve_by = excluded.resolve_by, deferred = excluded.deferred, "
    "flags = excluded.flags, dispatched_at = excluded.dispatched_at, first_accept_at = excluded.first_accept_at, "
    "last_resolve_at = excluded.last_resolve_at, closed_at = excluded.closed_at, overdue_at = excluded.overdue_at, "
    "overdue_colour = excluded.overdue_colour, escalations = excluded.escalations, "
    "escalated_1 = excluded.escalated_1, escalated_2 = excluded.escalated_2, escalated_3 = excluded.escalated_3, "
    "rating = excluded.rating";

// The columns of `cases` a record holds, in set_case_columns' order.
const std::string_view kCaseColumns =
    "id, category, assignee, grid, community, street, district, created_at, state, paused_at, accept_by, resolve_by, "
    "deferred";

template <class Q>
void read_case_columns(const Q& q, int f, CaseRecord& r) {
  r.id = q.int64(f + 0);
  r.category.assign(q.text_view(f + 1));
  r.assignee.assign(q.text_view(f + 2));
  r.grid.assign(q.text_view(f + 3));
  r.community.assign(q.text_view(f + 4));
  r.street.assign(q.text_view(f + 5));
  r.district.assign(q.text_view(f + 6));
  r.created_at = q.int64(f + 7);
  r.state = case_state_from(q.text_view(f + 8)).value_or(CaseState::reported);
  r.paused_at = q.optional_int64(f + 9);
  r.accept_by = q.optional_int64(f + 10);
  r.resolve_by = q.optional_int64(f + 11);
  r.deferred = q.int64(f + 12) != 0;
}

template <class Q>
void bind_record(Q& q, const CaseRecord& r) {
  const CaseTrack& t = r.track;
  q.bind(1, r.id)
      .bind_borrowed(2, r.category)
      .bind_borrowed_code(3, r.assignee)
      .bind_borrowed_code(4, r.grid)
      .bind_borrowed_code(5, r.community)
      .bind_borrowed_code(6, r.street)
      .bind_borrowed_code(7, r.district)
      .bind(8, r.created_at)
      .bind_borrowed(9, to_string(r.state))
      .bind(10, r.paused_at)
      .bind(11, r.accept_by)
      .bind(12, r.resolve_by)
      .bind(13, r.deferred)
      .bind(14, t.flags())
      .bind(15, t.dispatched_at)
      .bind(16, t.first_accept_at)
      .bind(17, t.last_resolve_at)
      .bind(18, t.closed_at)
      .bind(19, t.overdue_at);
  if (t.overdue_colour) q.bind_borrowed(20, to_string(*t.overdue_colour));
  else q.bind_null(20);
  q.bind(21, t.escalations);
  for (int i = 0; i < kEscalationsToTop; ++i) {
    if (i < t.escalations) q.bind(22 + i, t.escalated_at[static_cast<std::size_t>(i)]);
    else q.bind_null(22 + i);
  }
  q.bind(25, t.rating ? std::optional<std::int64_t>(*t.rating) : std::nullopt);
}
}  // namespace

template <class Q>
void read_record(const Q& q, int f, CaseRecord& r) {
  read_case_columns(q, f, r);
  CaseTrack& t = r.track;
  t.set_flags(static_cast<int>(q.int64(f + 13)));
  t.dispatched_at = q.optional_int64(f + 14);
  t.first_accept_at = q.optional_int64(f + 15);
  t.last_resolve_at = q.optional_int64(f + 16);
  t.closed_at = q.optional_int64(f + 17);
  t.overdue_at = q.optional_int64(f + 18);
  t.overdue_colour = q.is_null(f + 19) ? std::nullopt : urgency_from(q.text_view(f + 19));
  t.escalations = static_cast<int>(std::clamp<std::int64_t>(q.int64(f + 20), 0, kEscalationsToTop));
  for (int i = 0; i < kEscalationsToTop; ++i)
    t.escalated_at[static_cast<std::size_t>(i)] = i < t.escalations ? q.int64(f + 21 + i) : 0;
  if (auto v = q.optional_int64(f + 24)) t.rating = static_cast<int>(*v);
  else t.rating.reset();
}

Status backfill(Connection& db) {
  // Two cursors in step, cases by id and events by case and order: memory stays one case.
  static const std::string cases_sql = "SELECT " + std::string(kCaseColumns) + " FROM cases ORDER BY id";
  static const std::string events_sql =
      "SELECT " + std::string(records::kEventColumns) + " FROM case_events ORDER BY case_id, seq";
  auto cases = db.query(cases_sql);
  if (!cases) return cases.error();
  auto events = db.query(events_sql);
  if (!events) return events.error();
  auto upsert = db.prepare(kUpsert);
  if (!upsert) return upsert.error();
  bool event_ready = events->next();
  CaseRecord r;
  while (cases->next()) {
    read_case_columns(*cases, 0, r);
    r.track = {};
    while (event_ready) {
      const CaseId owner = events->int64(1);
      if (owner > r.id) break;
      if (owner == r.id) fold(r.track, records::read_event(*events, 0));
      event_ready = events->next();
    }
    if (auto e = events->status()) return e;
    auto q = upsert->use();  // reset when done, for the next row
    bind_record(q, r);
    if (auto e = q.run()) return e;
  }
  return cases->status();
}

template <class Db>
Result<Writer<Db>> Writer<Db>::prepare(Db& db) {
  Writer w;
  static const std::string select_row = "SELECT " + std::string(kColumns) + " FROM case_facts WHERE id = ?1";
  static const std::string select_case = "SELECT " + std::string(kCaseColumns) + " FROM cases WHERE id = ?1";
  static const std::string select_events =
      "SELECT " + std::string(records::kEventColumns) + " FROM case_events WHERE case_id = ?1 ORDER BY seq";
  const std::pair<Prepared*, std::string_view> all[] = {
      {&w.select_row_, select_row},
      {&w.select_case_, select_case},
      {&w.select_events_, select_events},
      {&w.upsert_, kUpsert},
      {&w.insert_move_,
       "INSERT INTO case_moves (at, case_id, grid, community, street, district, assignee) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (at, case_id) DO UPDATE SET grid = excluded.grid, "
       "community = excluded.community, street = excluded.street, district = excluded.district, "
       "assignee = excluded.assignee"},
  };
  for (const auto& [statement, sql] : all) {
    auto prepared = db.prepare(sql);
    if (!prepared) return prepared.error();
    *statement = *prepared;
  }
  if constexpr (holds_rows) {
    auto rows = pg::Rows::prepare(db, kUpsert);
    if (!rows) return rows.error();
    w.upsert_rows_ = std::move(*rows);
  }
  return w;
}

template <class Db>
Result<bool> Writer<Db>::load(CaseId id, CaseRecord& r) {
  if (auto held = held_at_.find(id); held != held_at_.end()) {
    r = held_[held->second];
    return true;
  }
  auto q = select_row_.use();
  q.bind(1, id);
  const bool found = q.next();
  if (auto e = q.status()) return *e;
  if (found) read_record(q, 0, r);
  return found;
}

template <class Db>
Status Writer<Db>::rebuild(CaseId id, CaseRecord& r) {
  {
    auto q = select_case_.use();
    q.bind(1, id);
    const bool found = q.next();
    if (auto e = q.status()) return e;
    if (!found) return storage_error("no case " + std::to_string(id) + " for its events");
    read_case_columns(q, 0, r);
  }
  r.track = {};
  auto q = select_events_.use();
  q.bind(1, id);
  while (q.next()) fold(r.track, records::read_event(q, 0));
  return q.status();
}

template <class Db>
Status Writer<Db>::store(const CaseRecord& r) {
  if constexpr (holds_rows) {
    const auto [at, fresh] = held_at_.try_emplace(r.id, held_.size());
    if (fresh) held_.push_back(r);
    else held_[at->second] = r;
    return std::nullopt;
  }
  auto q = upsert_.use();
  bind_record(q, r);
  return q.run();
}

template <class Db>
Status Writer<Db>::flush() {
  if constexpr (holds_rows) {
    for (const auto& r : held_) bind_record(upsert_rows_.add(), r);
    held_.clear();
    held_at_.clear();
    if (auto e = upsert_rows_.run()) return storage_error("case summaries: " + e->message);
  }
  return std::nullopt;
}

template <class Db>
void Writer<Db>::discard() {
  held_.clear();
  held_at_.clear();
  upsert_rows_.clear();
}

template <class Db>
Status Writer<Db>::store_move(const CaseEvent& regrid, const CaseRecord& before) {
  auto q = insert_move_.use();
  q.bind(1, regrid.at)
      .bind(2, regrid.case_id)
      .bind_borrowed_code(3, before.grid)
      .bind_borrowed_code(4, before.community)
      .bind_borrowed_code(5, before.street)
      .bind_borrowed_code(6, before.district)
      .bind_borrowed_code(7, before.assignee);
  return q.run();
}

template <class Db>
Status Writer<Db>::apply(const Change& change, const std::function<Status()>& send_held) {
  if (change.cases.empty() && change.events.empty()) return std::nullopt;
  std::size_t count = 0;
  at_.clear();
  // A case taken in by this change has no row yet: nothing to read.
  created_.clear();
  for (const auto& ev : change.events)
    if (ev.type == EventType::created) created_.push_back(ev.case_id);
  auto touch = [&](CaseId id, const Case* c) -> Status {
    if (at_.count(id)) return std::nullopt;
    at_.emplace(id, count);
    if (records_.size() <= count) records_.emplace_back();
    if (folded_.size() <= count) folded_.push_back(false);
    CaseRecord& r = records_[count];
    folded_[count] = false;
    ++count;
    if (c && std::find(created_.begin(), created_.end(), id) != created_.end()) {
      r.track = {};
      return std::nullopt;
    }
    auto found = load(id, r);
    if (!found) return found.error();
    if (*found) return std::nullopt;
    if (c) {  // a new case: nothing folded yet
      r.track = {};
      return std::nullopt;
    }
    // Events of a case stored without a row (none should be): the row from all it has,
    // which already holds the change's events.
    folded_[count - 1] = true;
    if (send_held)
      if (auto e = send_held()) return e;
    return rebuild(id, r);
  };
  for (const auto& c : change.cases)
    if (auto e = touch(c.id, &c)) return e;
  for (const auto& ev : change.events)
    if (auto e = touch(ev.case_id, nullptr)) return e;
  // The rows still hold the places before the change.
  for (const auto& ev : change.events) {
    const auto i = at_[ev.case_id];
    if (ev.type == EventType::regrid && !folded_[i])
      if (auto e = store_move(ev, records_[i])) return e;
  }
  for (const auto& c : change.cases) set_columns(records_[at_[c.id]], c);
  for (const auto& ev : change.events) {
    const auto i = at_[ev.case_id];
    if (!folded_[i]) fold(records_[i].track, ev);
  }
  for (std::size_t i = 0; i < count; ++i)
    if (auto e = store(records_[i])) return e;
  return std::nullopt;
}

template class Writer<Connection>;
template class Writer<pg::Connection>;
template void read_record<Query>(const Query&, int, CaseRecord&);
template void read_record<pg::Query>(const pg::Query&, int, CaseRecord&);

}  // namespace gridkeeper::data::case_facts
