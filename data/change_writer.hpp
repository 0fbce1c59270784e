#pragma once
// Storing a dispatch::Change on the writer's connection, inside the caller's transaction,
// on either backend (Db: data::Connection for SQLite, data::pg::Connection): parents
// before children, the cases' summary rows (data/case_facts.hpp), the audit trail. The
// ledgers' writer threads own one each.
#include "data/case_facts.hpp"
#include "data/pg.hpp"
#include "data/sqlite.hpp"
#include "dispatch/ledger.hpp"

namespace gridkeeper::data {

template <class Db>
class ChangeWriter {
 public:
  // Prepares the statements on `db`, which must outlive the writer.
  static Result<ChangeWriter> prepare(Db& db);
  // Stores `change`; an error names the part refused.
  Status apply(const dispatch::Change& change);

 private:
  using Prepared = typename Db::Statement;
  Db* db_ = nullptr;
  Prepared upsert_category, upsert_worker, set_mode, set_posts, close_term, end_post, open_term, upsert_case,
      insert_event, insert_audit, upsert_leave;
  case_facts::Writer<Db> facts;  // the cases' summary rows
};

}  // namespace gridkeeper::data
