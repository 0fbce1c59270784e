#pragma once
// The ledger's reads on a connection of either backend (Db: data::Connection for SQLite,
// data::pg::Connection): the state the center starts from (in one snapshot), a case, its
// events, a page of cases, a grid's post history. The ledgers lend their read connections.
#include <optional>
#include <string>
#include <vector>

#include "data/pg.hpp"
#include "data/sqlite.hpp"
#include "dispatch/ledger.hpp"

namespace gridkeeper::data {

template <class Db>
Result<dispatch::LedgerState> read_ledger_state(Db& db);
template <class Db>
Result<std::optional<dispatch::Case>> read_case(Db& db, dispatch::CaseId id);
template <class Db>
Result<std::vector<dispatch::CaseEvent>> read_events(Db& db, dispatch::CaseId id);
template <class Db>
Result<std::vector<dispatch::Case>> read_cases(Db& db, const dispatch::CaseQuery& query);
template <class Db>
Result<std::vector<dispatch::PostTerm>> read_post_history(Db& db, const std::string& grid);

}  // namespace gridkeeper::data
