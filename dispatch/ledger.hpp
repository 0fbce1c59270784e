#pragma once
// The storage port of the command center. dispatch defines it; data implements it
// (SQLite). Writes are applied in the order they are submitted and acknowledged once
// durable; reads may block and must never run on a network thread.
#include <functional>
#include <optional>
#include <vector>

#include "dispatch/errors.hpp"
#include "dispatch/generation.hpp"
#include "dispatch/leave.hpp"
#include "dispatch/model.hpp"
#include "geo/grid_index.hpp"

namespace gridkeeper::dispatch {

// Everything the center keeps in memory, read once at start-up.
struct LedgerState {
  std::vector<Jurisdiction> jurisdictions;
  std::vector<Grid> grids;
  std::vector<geo::GridShape> grid_shapes;  // code and polygon of each grid
  std::vector<Worker> workers;
  std::vector<Category> categories;
  std::vector<Case> open_cases;
  CaseId max_case_id = 0;
  std::vector<Leave> leaves;        // every leave, past ones included
  std::vector<Grid> retired_grids;  // grids of past generations only (their cases' places)
  std::vector<ScheduledGeneration> scheduled_generations;
};

// One atomic unit of work: all of it is stored in one transaction, or none of it.
struct Change {
  std::vector<Case> cases;                  // inserted or replaced whole
  std::vector<CaseEvent> events;            // appended
  std::vector<Grid> grids;                  // owner and backup updates
  std::vector<PostTerm> post_terms_closed;  // terms that end (grid, worker, backup, to)
  std::vector<PostTerm> post_terms_opened;
  std::vector<Worker> workers;  // status updates
  std::vector<Category> categories;
  std::vector<Jurisdiction> jurisdictions;     // mode updates
  std::vector<AuditEntry> audit;               // appended
  std::vector<Leave> leaves;                   // inserted or replaced whole
  std::optional<GenerationSwitch> generation;  // a grid generation scheduled or switched to
  bool empty() const {
    return cases.empty() && events.empty() && grids.empty() && post_terms_closed.empty() && post_terms_opened.empty() &&
           workers.empty() && categories.empty() && jurisdictions.empty() && audit.empty() && leaves.empty() &&
           !generation;
  }
};

struct CaseQuery {
  std::string scope;  // jurisdiction code; empty: everything
  std::optional<CaseState> state;
  std::string grid;
  std::string assignee;
  std::optional<Urgency> urgency;
  std::optional<bool> overdue;
  std::optional<bool> open;
  int limit = 50;
  std::optional<CaseId> after;  // page: cases with a smaller id (newest first)
};

class Ledger {
 public:
  virtual ~Ledger() = default;

  virtual LedgerState load() = 0;

  // Queues `change`; `done` runs once it is durable (no error) or has failed (error),
  // on the ledger's own thread. Changes are applied in submission order.
  virtual void write(Change change, std::function<void(Status)> done) = 0;

  virtual std::optional<Case> find_case(CaseId id) = 0;
  virtual std::vector<CaseEvent> case_events(CaseId id) = 0;
  virtual std::vector<Case> find_cases(const CaseQuery& query) = 0;
  virtual std::vector<PostTerm> post_history(const std::string& grid) = 0;
};

}  // namespace gridkeeper::dispatch
