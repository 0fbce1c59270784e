#pragma once
// The summary row storage keeps of each case (table case_facts, schema step 7): the
// columns of the case that the reports read and what its events said so far
// (dispatch::CaseRecord), folded by dispatch's rules (dispatch/case_record.hpp). The
// ledger's writer keeps the rows true in the same transaction as the cases and events they
// sum up; the reports stream them (SqliteReports::each_record) instead of replaying
// histories.
#include <functional>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "data/pg.hpp"
#include "data/pg_rows.hpp"
#include "data/sqlite.hpp"
#include "dispatch/case_record.hpp"
#include "dispatch/ledger.hpp"

namespace gridkeeper::data::case_facts {

// Step 7's SQL: the table and its index by the moment of intake.
extern const std::string_view kSchema;
// Step 7's code: a row for every stored case, replayed from its stored events.
Status backfill(Connection& db);

// The row's columns, in the order read_record reads them from `first`.
extern const std::string_view kColumns;
template <class Q>
void read_record(const Q& q, int first, dispatch::CaseRecord& r);  // reuses r's text

// The writer's part: after a change's cases and events are stored, reads each touched
// case's row once, folds the change's events into it and writes it once. A case a redraw
// moved (a `regrid` event) leaves a row in case_moves with the place the row held before.
// Db: data::Connection (SQLite) or data::pg::Connection. On PostgreSQL the rows are held
// back (and read back from there) until flush() sends them in one statement.
template <class Db>
class Writer {
 public:
  using Prepared = typename Db::Statement;
  static Result<Writer> prepare(Db& db);
  // `send_held`, when given, sends what the caller holds back of cases and events before a
  // row is rebuilt from what is stored.
  Status apply(const dispatch::Change& change, const std::function<Status()>& send_held = {});
  Status flush();  // nothing to do on SQLite
  void discard();  // forgets the rows held back

 private:
  static constexpr bool holds_rows = std::is_same_v<Db, pg::Connection>;
  // Reads the row of `id` into `r`; false when there is none.
  Result<bool> load(dispatch::CaseId id, dispatch::CaseRecord& r);
  // A case stored without a row: its row made from the stored case and all its events.
  Status rebuild(dispatch::CaseId id, dispatch::CaseRecord& r);
  Status store(const dispatch::CaseRecord& r);

  // A redraw's move: where the case was until then (table case_moves, schema step 17).
  Status store_move(const dispatch::CaseEvent& regrid, const dispatch::CaseRecord& before);

  Prepared select_row_, select_case_, select_events_, upsert_, insert_move_;
  std::vector<dispatch::CaseRecord> records_;
  std::vector<bool> folded_;  // by records_: the stored events already hold the change's
  std::unordered_map<dispatch::CaseId, std::size_t> at_;
  std::vector<dispatch::CaseId> created_;  // cases the change takes in
  // Held back (PostgreSQL): the latest row of each case.
  pg::Rows upsert_rows_;
  std::vector<dispatch::CaseRecord> held_;
  std::unordered_map<dispatch::CaseId, std::size_t> held_at_;
};

}  // namespace gridkeeper::data::case_facts
