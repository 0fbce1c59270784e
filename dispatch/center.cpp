#include "dispatch/center.hpp"

#include <algorithm>
#include <set>

#include "dispatch/case_view.hpp"

namespace gridkeeper::dispatch {

namespace {

template <class T>
Result<T> wait_for(const std::function<void(std::function<void(Result<T>)>)>& start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  start([promise](Result<T> r) { promise->set_value(std::move(r)); });
  return future.get();
}

}  // namespace

Center::Center(Ledger& ledger, const Clock& clock, Options options)
    : ledger_(ledger), clock_(clock), options_(std::move(options)) {}

Center::~Center() = default;

void Center::start() {
  LedgerState state = ledger_.load();
  std::lock_guard lock(mutex_);
  for (auto& j : state.jurisdictions) jurisdictions_[j.code] = std::move(j);
  for (auto& g : state.grids) grids_[g.code] = std::move(g);
  for (auto& w : state.workers) workers_[w.id] = std::move(w);
  for (auto& c : state.categories) categories_[c.id] = std::move(c);
  for (auto& c : state.open_cases) {
    if (!c.assignee.empty()) ++load_[c.assignee];
    schedule_locked(c);
    const CaseId id = c.id;
    open_[id] = std::move(c);
    recount_locked(id, nullptr);
  }
  next_id_ = state.max_case_id + 1;
  for (auto& l : state.leaves) {
    next_leave_id_ = std::max(next_leave_id_, l.id + 1);
    leaves_[l.id] = std::move(l);
  }
  for (auto& g : state.retired_grids) retired_grids_[g.code] = std::move(g);
  index_.replace(geo::GridIndex::build(std::move(state.grid_shapes), options_.index));
  // Generations scheduled: their indexes built now, as when they were scheduled.
  for (auto& s : state.scheduled_generations) {
    PendingGeneration p;
    p.index = geo::GridIndex::build(s.plan.shapes, options_.index);
    if (!p.index) continue;
    p.plan = std::move(s.plan);
    p.mode = s.open_cases;
    p.at = s.at;
    p.actor = s.actor;
    scheduled_[p.plan.id] = std::move(p);
  }
  // Leave that started or ended, and generations that took effect, while the server was
  // down take effect now.
  const Millis now = clock_.now();
  Change change;
  std::vector<CaseNotice> notices;
  if (apply_leave_boundaries_locked(now, change, notices) > 0)
    submit_locked(std::move(change), std::move(notices), [](Status) {});
  while (true) {
    Change regrid;
    std::vector<CaseNotice> moved;
    if (apply_due_generation_locked(now, regrid, moved) == 0) break;
    switched_at_start_ = true;
    submit_locked(std::move(regrid), std::move(moved), [](Status) {});
  }
}

Center::Location Center::locate(const std::string& grid) const {
  Location loc;
  const Grid* g = nullptr;
  if (auto it = grids_.find(grid); it != grids_.end()) g = &it->second;
  else if (auto r = retired_grids_.find(grid); r != retired_grids_.end()) g = &r->second;
  if (!g) return loc;
  std::string code = g->community;
  for (int depth = 0; depth < 8 && !code.empty(); ++depth) {
    auto j = jurisdictions_.find(code);
    if (j == jurisdictions_.end()) break;
    switch (j->second.level) {
      case Level::community:
        loc.community = code;
        break;
      case Level::street:
        loc.street = code;
        break;
      case Level::district:
        loc.district = code;
        break;
      case Level::grid:
        break;
    }
    code = j->second.parent;
  }
  if (loc.community.empty()) loc.community = g->community;
  return loc;
}

bool Center::in_scope_locked(const std::string& scope, const std::string& code) const {
  if (scope.empty()) return true;
  std::string at = code;
  for (int depth = 0; depth < 8 && !at.empty(); ++depth) {
    if (at == scope) return true;
    if (auto g = grids_.find(at); g != grids_.end()) {
      at = g->second.community;
      continue;
    }
    if (auto g = retired_grids_.find(at); g != retired_grids_.end()) {
      at = g->second.community;
      continue;
    }
    auto j = jurisdictions_.find(at);
    if (j == jurisdictions_.end()) return false;
    at = j->second.parent;
  }
  return false;
}

bool Center::in_scope(const std::string& scope, const std::string& code) const {
  std::lock_guard lock(mutex_);
  return in_scope_locked(scope, code);
}

bool Center::case_visible_locked(const Case& c, const Actor& actor) const { return sees(actor, c, places()); }

bool Center::case_visible(const Case& c, const Actor& actor) const {
  std::lock_guard lock(mutex_);
  return case_visible_locked(c, actor);
}

Allowed Center::allowed_locked(const Case& c, const Actor& actor) const {
  auto out = dispatch::allowed_actions(actor, c, places());
  const auto category = categories_.find(c.category);
  if (case_visible_locked(c, actor) &&
      sees_whole_phone(actor, category != categories_.end() && category->second.callback))
    out.allow_whole_phone();
  return out;
}

Allowed Center::allowed_actions(const Case& c, const Actor& actor) const {
  std::lock_guard lock(mutex_);
  return allowed_locked(c, actor);
}

std::vector<Allowed> Center::allowed_actions(const std::vector<Case>& cases, const Actor& actor) const {
  std::vector<Allowed> out;
  out.reserve(cases.size());
  std::lock_guard lock(mutex_);
  for (const auto& c : cases) out.push_back(allowed_locked(c, actor));
  return out;
}

bool Center::grid_visible(const std::string& code, const Actor& actor) const {
  std::lock_guard lock(mutex_);
  auto g = grids_.find(code);
  return g != grids_.end() && sees(actor, g->second, places());
}

Result<ReportView> Center::report_view(const Actor& actor, const std::string& scope_asked, bool scope_known) const {
  std::lock_guard lock(mutex_);
  return dispatch::report_view(actor, scope_asked, scope_known, places());
}

CaseEvent Center::event_for(const Case& c, EventType type, const Actor& actor, CaseState from, std::string note,
                            std::string reason) const {
  CaseEvent e;
  e.case_id = c.id;
  e.at = c.updated_at;
  e.type = type;
  e.actor = actor.label();
  e.from_state = from;
  e.to_state = c.state;
  e.assignee = c.assignee;
  e.note = std::move(note);
  e.reason = std::move(reason);
  return e;
}

void Center::set_assignee_locked(Case& c, const WorkerId& worker) {
  if (c.assignee == worker) return;
  if (!c.assignee.empty() && --load_[c.assignee] <= 0) load_.erase(c.assignee);
  c.assignee = worker;
  if (!worker.empty()) ++load_[worker];
}

CaseEvent Center::hand_over_locked(Case& c, const WorkerId& worker, const Actor& actor, Millis now,
                                   std::string reason) {
  const CaseState from = c.state;
  const WorkerId outgoing = c.assignee;
  set_assignee_locked(c, worker);
  if (c.state == CaseState::accepted) c.accepted_at.reset();
  c.state = CaseState::dispatched;
  if (auto cat = categories_.find(c.category); cat != categories_.end())
    start_clocks(c, cat->second, now, Clocks::accept_only, rules_locked(c));
  c.version += 1;
  c.updated_at = now;
  schedule_locked(c);
  auto e = event_for(c, EventType::handover, actor, from, {}, std::move(reason));
  e.assignee_from = outgoing;
  return e;
}

void Center::submit_locked(Change change, std::vector<CaseNotice> notices, std::function<void(Status)> done) {
  // Every change of an open case passes here (the paths that put a case back after storage
  // refused a change call recount_locked themselves): the kept counts move with it, and
  // each notice carries the new counts of the areas its case touched.
  if (!change.cases.empty()) {
    std::unordered_map<CaseId, std::vector<std::pair<Level, std::string>>> touched;
    for (const auto& c : change.cases) recount_locked(c.id, &touched[c.id]);
    for (auto& n : notices) {
      auto t = touched.find(n.current.id);
      if (t == touched.end()) continue;
      n.areas.clear();
      for (const auto& [level, code] : t->second) n.areas.push_back(tallies_.get(level, code));
    }
  }
  ++in_flight_;
  ledger_.write(std::move(change), [this, notices = std::move(notices), done = std::move(done)](Status status) {
    --in_flight_;
    if (!status) publish(notices);
    done(std::move(status));
  });
}

void Center::publish(const std::vector<CaseNotice>& notices) {
  std::vector<Subscriber> subscribers;
  {
    std::lock_guard lock(subscribers_mutex_);
    for (const auto& [id, s] : subscribers_) subscribers.push_back(s);
  }
  for (const auto& n : notices)
    for (const auto& s : subscribers) s(n);
}

int Center::subscribe(Subscriber subscriber) {
  std::lock_guard lock(subscribers_mutex_);
  const int id = next_subscriber_++;
  subscribers_[id] = std::move(subscriber);
  return id;
}

void Center::unsubscribe(int id) {
  std::lock_guard lock(subscribers_mutex_);
  subscribers_.erase(id);
}

Result<CaseEvent> Center::rate_and_wait(CaseId id, int score, std::string note, const Actor& actor) {
  return wait_for<CaseEvent>([&](auto cb) { rate(id, score, std::move(note), actor, std::move(cb)); });
}

Result<Case> Center::intake_and_wait(const IntakeRequest& request, const Actor& actor) {
  return wait_for<Case>([&](auto cb) { intake(request, actor, std::move(cb)); });
}
Result<Case> Center::transition_and_wait(CaseId id, const TransitionRequest& request, const Actor& actor) {
  return wait_for<Case>([&](auto cb) { transition(id, request, actor, std::move(cb)); });
}
Result<Case> Center::transition_and_wait(CaseId id, const TransitionRequest& request, const Actor& actor,
                                         std::optional<Millis> latest_photo) {
  return wait_for<Case>([&](auto cb) { transition(id, request, actor, latest_photo, std::move(cb)); });
}
Result<Grid> Center::reassign_grid_and_wait(const std::string& grid, const WorkerId& owner, const WorkerId& backup,
                                            const Actor& actor) {
  return wait_for<Grid>([&](auto cb) { reassign_grid(grid, owner, backup, actor, std::move(cb)); });
}
Result<Jurisdiction> Center::set_mode_and_wait(const std::string& jurisdiction, bool emergency, const Actor& actor) {
  return wait_for<Jurisdiction>([&](auto cb) { set_mode(jurisdiction, emergency, actor, std::move(cb)); });
}
Result<Category> Center::update_category_and_wait(Category category, const Actor& actor) {
  return wait_for<Category>([&](auto cb) { update_category(std::move(category), actor, std::move(cb)); });
}
Result<Worker> Center::set_worker_status_and_wait(const WorkerId& worker, DutyStatus status, const Actor& actor) {
  return wait_for<Worker>([&](auto cb) { set_worker_status(worker, status, actor, std::move(cb)); });
}

Result<Case> Center::get_case(CaseId id, const Actor& actor) const {
  {
    std::lock_guard lock(mutex_);
    if (auto it = open_.find(id); it != open_.end()) {
      if (!case_visible_locked(it->second, actor))
        return make_error(ErrorCode::not_found, "no case " + std::to_string(id));
      return it->second;
    }
  }
  auto stored = ledger_.find_case(id);
  if (!stored || !case_visible(*stored, actor))
    return make_error(ErrorCode::not_found, "no case " + std::to_string(id));
  return *stored;
}

std::vector<CaseEvent> Center::case_events(CaseId id) const { return ledger_.case_events(id); }

bool Center::matches_locked(const Case& c, const CaseQuery& q) const {
  if (q.after && c.id >= *q.after) return false;
  if (q.state && c.state != *q.state) return false;
  if (q.urgency && c.urgency != *q.urgency) return false;
  if (q.overdue && c.overdue != *q.overdue) return false;
  if (!q.grid.empty() && c.grid != q.grid) return false;
  if (!q.assignee.empty() && c.assignee != q.assignee) return false;
  if (!q.scope.empty() && c.grid != q.scope && c.community != q.scope && c.street != q.scope && c.district != q.scope &&
      !in_scope_locked(q.scope, c.grid))
    return false;
  return true;
}

std::vector<Case> Center::find_cases(CaseQuery query, const Actor& actor) const {
  query.limit = std::clamp(query.limit, 1, 500);
  {
    std::lock_guard lock(mutex_);
    auto mine = narrowed(std::move(query), actor, places());
    if (!mine) return {};
    query = std::move(*mine);
  }
  // Open cases come from memory, the history from storage; both newest first, merged.
  const bool state_open = query.state && *query.state != CaseState::closed && *query.state != CaseState::cancelled;
  const bool want_open = query.open.value_or(true) && (!query.state || state_open);
  const bool want_closed = !query.open.value_or(false) && (!query.state || !state_open);
  const auto limit = static_cast<std::size_t>(query.limit);
  std::vector<Case> open;
  if (want_open) {
    std::lock_guard lock(mutex_);
    auto it = query.after ? open_.lower_bound(*query.after) : open_.end();
    while (it != open_.begin() && open.size() < limit) {
      --it;
      if (matches_locked(it->second, query) && case_visible_locked(it->second, actor)) open.push_back(it->second);
    }
  }
  if (!want_closed) return open;
  CaseQuery history = query;
  history.open = false;
  auto closed = ledger_.find_cases(history);
  if (open.empty()) return closed;
  std::vector<Case> out;
  out.reserve(std::min(limit, open.size() + closed.size()));
  auto a = open.begin(), b = closed.begin();
  while (out.size() < limit && (a != open.end() || b != closed.end())) {
    if (b == closed.end() || (a != open.end() && a->id > b->id)) {
      out.push_back(std::move(*a++));
    } else {
      if (a != open.end() && a->id == b->id) ++a;  // closing just now: storage has the newer state
      out.push_back(std::move(*b++));
    }
  }
  return out;
}

std::vector<Grid> Center::grids(const Actor& actor) const {
  std::lock_guard lock(mutex_);
  std::vector<Grid> out;
  for (const auto& [code, g] : grids_) {
    if (sees(actor, g, places())) out.push_back(g);
  }
  std::sort(out.begin(), out.end(), [](const Grid& a, const Grid& b) { return a.code < b.code; });
  return out;
}

std::vector<Worker> Center::workers(const Actor& actor) const {
  std::lock_guard lock(mutex_);
  std::vector<Worker> out;
  for (const auto& [id, w] : workers_) {
    if (sees(actor, w, places())) out.push_back(w);
  }
  return out;
}

std::vector<Category> Center::categories() const {
  std::lock_guard lock(mutex_);
  std::vector<Category> out;
  for (const auto& [id, c] : categories_) out.push_back(c);
  return out;
}

std::optional<Jurisdiction> Center::jurisdiction(const std::string& code) const {
  std::lock_guard lock(mutex_);
  auto it = jurisdictions_.find(code);
  if (it == jurisdictions_.end()) return std::nullopt;
  return it->second;
}

std::vector<Jurisdiction> Center::jurisdictions(const Actor& actor) const {
  std::lock_guard lock(mutex_);
  std::set<std::string> chain_tops;  // codes whose ancestors are shown too
  const bool own_work = sees_own_work_only(actor);
  if (own_work) {
    if (auto w = workers_.find(actor.worker_id); w != workers_.end()) chain_tops.insert(w->second.community);
    for (const auto& [code, g] : grids_)
      if (!actor.worker_id.empty() && (g.owner == actor.worker_id || g.backup == actor.worker_id))
        chain_tops.insert(g.community);
  } else if (!actor.scope.empty()) {
    chain_tops.insert(actor.scope);
  }
  std::set<std::string> shown;
  for (const auto& top : chain_tops) {
    std::string at = top;
    if (auto g = grids_.find(at); g != grids_.end()) at = g->second.community;
    for (int depth = 0; depth < 8 && !at.empty(); ++depth) {
      auto j = jurisdictions_.find(at);
      if (j == jurisdictions_.end()) break;
      shown.insert(at);
      at = j->second.parent;
    }
  }
  std::vector<Jurisdiction> out;
  for (const auto& [code, j] : jurisdictions_)
    if (shown.count(code) || (!own_work && covers(actor, code, places()))) out.push_back(j);
  std::sort(out.begin(), out.end(), [](const Jurisdiction& a, const Jurisdiction& b) { return a.code < b.code; });
  return out;
}

std::size_t Center::open_case_count() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

void Center::for_each_open_case(const Actor& actor, const std::function<void(const Case&)>& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, c] : open_)
    if (case_visible_locked(c, actor)) visit(c);
}

int Center::open_cases_of(const WorkerId& worker) const {
  std::lock_guard lock(mutex_);
  auto it = load_.find(worker);
  return it == load_.end() ? 0 : it->second;
}

}  // namespace gridkeeper::dispatch
