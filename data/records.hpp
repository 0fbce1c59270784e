#pragma once
// How the domain's records map to rows: one place per table that names its columns, binds
// a record and reads one back, so that a new field is added to all three together.
#include <string_view>

#include "data/sqlite.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::data::records {

// cases
extern const std::string_view kCaseColumns;
extern const std::string_view kUpsertCase;  // insert or replace whole, by id
// The binders borrow the record's text: the record must outlive the query's use.
void bind_case(Query& q, const dispatch::Case& c);    // parameters ?1..?N in kCaseColumns order
dispatch::Case read_case(const Query& q, int first);  // columns in kCaseColumns order from `first`

// case_events
extern const std::string_view kEventColumns;  // seq first
extern const std::string_view kInsertEvent;
void bind_event(Query& q, const dispatch::CaseEvent& e);
dispatch::CaseEvent read_event(const Query& q, int first);

// jurisdictions, grids, workers, categories, post_terms
extern const std::string_view kUpsertJurisdiction;
extern const std::string_view kUpsertWorker;  // all fields
extern const std::string_view kCategoryColumns;
extern const std::string_view kUpsertCategory;
void bind_category(Query& q, const dispatch::Category& c);
dispatch::Category read_category(const Query& q, int first);  // columns in kCategoryColumns order

// audit
extern const std::string_view kInsertAudit;
void bind_audit(Query& q, const dispatch::AuditEntry& a);
// One entry inserted on `db` (inside the caller's transaction).
dispatch::Status insert_audit(Connection& db, const dispatch::AuditEntry& a);

}  // namespace gridkeeper::data::records
