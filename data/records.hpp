#pragma once
// How the domain's records map to rows: one place per table that names its columns, binds
// a record and reads one back, so that a new field is added to all three together. The
// binders and readers serve both backends: Q is data::Query (SQLite) or data::pg::Query.
#include <string_view>

#include "data/pg.hpp"
#include "data/sqlite.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::data::records {

// cases
extern const std::string_view kCaseColumns;
extern const std::string_view kUpsertCase;  // insert or replace whole, by id
// The binders borrow the record's text: the record must outlive the query's use.
template <class Q>
void bind_case(Q& q, const dispatch::Case& c);  // parameters ?1..?N in kCaseColumns order
template <class Q>
dispatch::Case read_case(const Q& q, int first);  // columns in kCaseColumns order from `first`

// case_events
extern const std::string_view kEventColumns;  // seq first
extern const std::string_view kInsertEvent;
template <class Q>
void bind_event(Q& q, const dispatch::CaseEvent& e);
template <class Q>
dispatch::CaseEvent read_event(const Q& q, int first);

// jurisdictions, grids, workers, categories, post_terms
extern const std::string_view kUpsertJurisdiction;
extern const std::string_view kUpsertWorker;  // all fields
extern const std::string_view kCategoryColumns;
extern const std::string_view kUpsertCategory;
template <class Q>
void bind_category(Q& q, const dispatch::Category& c);
template <class Q>
dispatch::Category read_category(const Q& q, int first);  // columns in kCategoryColumns order

// audit
extern const std::string_view kInsertAudit;
template <class Q>
void bind_audit(Q& q, const dispatch::AuditEntry& a);
// One entry inserted on `db` (inside the caller's transaction).
template <class Db>
dispatch::Status insert_audit(Db& db, const dispatch::AuditEntry& a);

}  // namespace gridkeeper::data::records
