#include "data/change_writer.hpp"

#include <chrono>

#include "data/generation_writes.hpp"
#include "data/records.hpp"

// Storing a change: the writer's prepared statements and what each part of a change stores.

namespace gridkeeper::data {

using namespace dispatch;

namespace {

Millis wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Whether a change writes more than cases, their events and the audit trail.
bool writes_more(const Change& c) {
  return !c.categories.empty() || !c.workers.empty() || !c.leaves.empty() || c.generation || !c.jurisdictions.empty() ||
         !c.grids.empty() || !c.post_terms_closed.empty() || !c.post_terms_opened.empty();
}

}  // namespace

template <class Db>
Result<ChangeWriter<Db>> ChangeWriter<Db>::prepare(Db& db) {
  ChangeWriter w;
  w.db_ = &db;
  const std::pair<Prepared*, std::string_view> all[] = {
      {&w.upsert_category, records::kUpsertCategory},
      {&w.upsert_worker, records::kUpsertWorker},
      {&w.set_posts, "UPDATE grids SET owner = ?2, backup = ?3 WHERE code = ?1"},
      {&w.close_term,
       "UPDATE post_terms SET to_at = ?4 WHERE grid = ?1 AND worker = ?2 AND backup = ?3 AND to_at IS NULL"},
      {&w.end_post, "UPDATE post_terms SET to_at = ?3 WHERE grid = ?1 AND backup = ?2 AND to_at IS NULL"},
      {&w.open_term, "INSERT INTO post_terms (grid, worker, backup, from_at, to_at) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&w.upsert_case, records::kUpsertCase},
      {&w.insert_event, records::kInsertEvent},
      {&w.set_mode, "UPDATE jurisdictions SET emergency = ?2 WHERE code = ?1"},
      {&w.insert_audit, records::kInsertAudit},
      {&w.upsert_leave,
       "INSERT INTO leaves (id, worker_id, from_at, to_at, reason, move_cases, created_by, created_at, "
       "cancelled_at, applied) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO UPDATE SET "
       "worker_id = excluded.worker_id, from_at = excluded.from_at, to_at = excluded.to_at, "
       "reason = excluded.reason, move_cases = excluded.move_cases, created_by = excluded.created_by, "
       "created_at = excluded.created_at, cancelled_at = excluded.cancelled_at, applied = excluded.applied"},
  };
  for (const auto& [statement, sql] : all) {
    auto prepared = db.prepare(sql);
    if (!prepared) return prepared.error();
    *statement = *prepared;
  }
  if constexpr (holds_rows) {
    for (auto [rows, sql] : {std::pair{&w.case_rows_, records::kUpsertCase}, {&w.event_rows_, records::kInsertEvent}}) {
      auto prepared = pg::Rows::prepare(db, sql);
      if (!prepared) return prepared.error();
      *rows = std::move(*prepared);
    }
  }
  auto facts = case_facts::Writer<Db>::prepare(db);
  if (!facts) return facts.error();
  w.facts = std::move(*facts);
  return w;
}

template <class Db>
Status ChangeWriter<Db>::apply(const Change& change) {
  auto e = write(change);
  if (e) discard();
  return e;
}

template <class Db>
Status ChangeWriter<Db>::flush() {
  if constexpr (holds_rows) {
    auto e = send_cases_and_events();
    if (auto f = facts.flush(); f && !e) e = f;
    if (e) discard();
    return e;
  }
  return std::nullopt;
}

template <class Db>
Status ChangeWriter<Db>::send_cases_and_events() {
  if constexpr (holds_rows) {
    // Every case before the events that name it.
    for (const auto& c : held_cases_) records::bind_case(case_rows_.add(), c);
    held_cases_.clear();
    held_at_.clear();
    if (auto e = case_rows_.run()) {
      event_rows_.clear();
      return storage_error("cases: " + e->message);
    }
    if (auto e = event_rows_.run()) return storage_error("case events: " + e->message);
  }
  return std::nullopt;
}

template <class Db>
void ChangeWriter<Db>::discard() {
  held_cases_.clear();
  held_at_.clear();
  case_rows_.clear();
  event_rows_.clear();
  facts.discard();
}

template <class Db>
Status ChangeWriter<Db>::write(const Change& change) {
  // What is held back keeps its place before whatever else this change writes.
  if constexpr (holds_rows)
    if (writes_more(change))
      if (auto e = flush()) return e;
  // Parents before children: categories, workers and grids before the cases that name
  // them, cases before their events.
  for (const auto& c : change.categories) {
    auto q = upsert_category.use();
    records::bind_category(q, c);
    if (auto e = q.run()) return storage_error("category " + c.id + ": " + e->message);
  }
  for (const auto& w : change.workers) {
    auto q = upsert_worker.use();
    q.bind(1, w.id).bind(2, w.name).bind(3, w.phone).bind_code(4, w.community).bind(5, to_string(w.status));
    q.bind(6, w.retired ? 1 : 0);
    if (auto e = q.run()) return storage_error("worker " + w.id + ": " + e->message);
  }
  for (const auto& l : change.leaves) {
    auto q = upsert_leave.use();
    q.bind(1, l.id)
        .bind(2, l.worker)
        .bind(3, l.from)
        .bind(4, l.to)
        .bind(5, l.reason)
        .bind(6, l.move_cases)
        .bind(7, l.created_by)
        .bind(8, l.created_at)
        .bind(9, l.cancelled_at)
        .bind(10, l.applied);
    if (auto e = q.run()) return storage_error("leave " + std::to_string(l.id) + ": " + e->message);
  }
  // A grid generation first: its grids before the posts and cases that name them.
  if (change.generation)
    if (auto e = store_generation(*db_, *change.generation)) return e;
  for (const auto& j : change.jurisdictions) {
    auto q = set_mode.use();
    q.bind(1, j.code).bind(2, j.emergency);
    if (auto e = q.run()) return storage_error("jurisdiction " + j.code + ": " + e->message);
    if (db_->changes() == 0) return storage_error("no jurisdiction " + j.code);
  }
  for (const auto& g : change.grids) {
    auto q = set_posts.use();
    q.bind(1, g.code).bind_code(2, g.owner).bind_code(3, g.backup);
    if (auto e = q.run()) return storage_error("grid " + g.code + ": " + e->message);
    if (db_->changes() == 0) return storage_error("no grid " + g.code);
  }
  for (const auto& t : change.post_terms_closed) {
    auto q = close_term.use();
    q.bind(1, t.grid).bind(2, t.worker).bind(3, t.backup).bind(4, t.to.value_or(wall_clock_ms()));
    if (auto e = q.run()) return storage_error("post term of " + t.grid + ": " + e->message);
  }
  for (const auto& t : change.post_terms_opened) {
    {
      // A post has one holder: whoever still holds it hands over now.
      auto q = end_post.use();
      q.bind(1, t.grid).bind(2, t.backup).bind(3, t.from);
      if (auto e = q.run()) return storage_error("post term of " + t.grid + ": " + e->message);
    }
    auto q = open_term.use();
    q.bind(1, t.grid).bind(2, t.worker).bind(3, t.backup).bind(4, t.from).bind(5, t.to);
    if (auto e = q.run()) return storage_error("post term of " + t.grid + ": " + e->message);
  }
  for (const auto& c : change.cases) {
    if constexpr (holds_rows) {
      // A case changed twice before flush() is sent once, as it was last.
      const auto [at, fresh] = held_at_.try_emplace(c.id, held_cases_.size());
      if (fresh) held_cases_.push_back(c);
      else held_cases_[at->second] = c;
      continue;
    }
    auto q = upsert_case.use();
    records::bind_case(q, c);
    if (auto e = q.run()) return storage_error("case " + std::to_string(c.id) + ": " + e->message);
  }
  for (const auto& ev : change.events) {
    if constexpr (holds_rows) {
      records::bind_event(event_rows_.add(), ev);
      continue;
    }
    auto q = insert_event.use();
    records::bind_event(q, ev);
    if (auto e = q.run()) return storage_error("event of case " + std::to_string(ev.case_id) + ": " + e->message);
  }
  // The summary rows of the touched cases, events without their case included (a rating
  // after closure, a photo). A row rebuilt from what is stored needs what is held back.
  if (auto e = facts.apply(change, [this] { return send_cases_and_events(); })) return e;
  for (const auto& a : change.audit) {
    auto q = insert_audit.use();
    records::bind_audit(q, a);
    if (auto e = q.run()) return storage_error("audit entry: " + e->message);
  }
  return std::nullopt;
}

template class ChangeWriter<Connection>;
template class ChangeWriter<pg::Connection>;

}  // namespace gridkeeper::data
