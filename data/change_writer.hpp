#pragma once
// Storing a dispatch::Change on the writer's connection, inside the caller's transaction,
// on either backend (Db: data::Connection for SQLite, data::pg::Connection): parents
// before children, the cases' summary rows (data/case_facts.hpp), the audit trail. The
// ledgers' writer threads own one each.
//
// On PostgreSQL the rows of cases, case events and case summaries are held back and sent
// by flush(), a statement per table for all the changes applied since (data/pg_rows.hpp):
// a group of changes costs the server a few statements, not a few per change. What is held
// back is sent first when a change writes anything else, and before anything is read back.
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "data/case_facts.hpp"
#include "data/pg.hpp"
#include "data/pg_rows.hpp"
#include "data/sqlite.hpp"
#include "dispatch/ledger.hpp"

namespace gridkeeper::data {

template <class Db>
class ChangeWriter {
 public:
  // Prepares the statements on `db`, which must outlive the writer.
  static Result<ChangeWriter> prepare(Db& db);
  // Stores `change` (or holds its rows back: see above); an error names the part refused,
  // and forgets whatever was held back.
  Status apply(const dispatch::Change& change);
  // Sends what apply() held back, in the caller's transaction: before its commit, and before
  // anything else on the connection reads or writes cases, case_events or case_facts.
  // Nothing to do on SQLite. An error forgets what was held back.
  Status flush();

 private:
  using Prepared = typename Db::Statement;
  static constexpr bool holds_rows = std::is_same_v<Db, pg::Connection>;
  Status write(const dispatch::Change& change);
  Status send_cases_and_events();  // what flush() sends before the summary rows
  void discard();
  Db* db_ = nullptr;
  Prepared upsert_category, upsert_worker, set_mode, set_posts, close_term, end_post, open_term, upsert_case,
      insert_event, insert_audit, upsert_leave;
  case_facts::Writer<Db> facts;  // the cases' summary rows
  // Held back (PostgreSQL): the latest row of each case, and the events in their order.
  pg::Rows case_rows_, event_rows_;
  std::vector<dispatch::Case> held_cases_;
  std::unordered_map<dispatch::CaseId, std::size_t> held_at_;
};

}  // namespace gridkeeper::data
