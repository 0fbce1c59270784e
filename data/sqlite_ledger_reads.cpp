#include "data/sqlite_ledger.hpp"

#include "data/ledger_reads.hpp"
#include "data/sqlite_ledger_readers.hpp"

// Reading: the state loaded at start, cases, their events and post history.

namespace gridkeeper::data {

using namespace dispatch;

Result<LedgerState> SqliteLedger::read_state() {
  auto lease = readers_->acquire();
  if (!lease) return lease.error();
  return read_ledger_state(**lease);
}

Result<std::optional<Case>> SqliteLedger::read_case(CaseId id) {
  auto lease = readers_->acquire();
  if (!lease) return lease.error();
  return data::read_case(**lease, id);
}

Result<std::vector<CaseEvent>> SqliteLedger::read_events(CaseId id) {
  auto lease = readers_->acquire();
  if (!lease) return lease.error();
  return data::read_events(**lease, id);
}

Result<std::vector<Case>> SqliteLedger::read_cases(const CaseQuery& query) {
  auto lease = readers_->acquire();
  if (!lease) return lease.error();
  return data::read_cases(**lease, query);
}

Result<std::vector<PostTerm>> SqliteLedger::read_post_history(const std::string& grid) {
  auto lease = readers_->acquire();
  if (!lease) return lease.error();
  return data::read_post_history(**lease, grid);
}

namespace {
template <class T>
T or_throw(Result<T> r) {
  if (!r) throw StorageError(r.error().message);
  return std::move(r.value());
}
}  // namespace

LedgerState SqliteLedger::load() { return or_throw(read_state()); }
std::optional<Case> SqliteLedger::find_case(CaseId id) { return or_throw(read_case(id)); }
std::vector<CaseEvent> SqliteLedger::case_events(CaseId id) { return or_throw(read_events(id)); }
std::vector<Case> SqliteLedger::find_cases(const CaseQuery& query) { return or_throw(read_cases(query)); }
std::vector<PostTerm> SqliteLedger::post_history(const std::string& grid) { return or_throw(read_post_history(grid)); }

}  // namespace gridkeeper::data
