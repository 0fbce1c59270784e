#include "dispatch/center.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "dispatch/access.hpp"
#include "dispatch/assessment.hpp"
#include "dispatch/escalation.hpp"
#include "dispatch/events.hpp"
#include "dispatch/lifecycle.hpp"
#include "dispatch/policy.hpp"
#include "dispatch/text_rules.hpp"

namespace gridkeeper::dispatch {

namespace {
constexpr std::size_t kMaxTitle = 200, kMaxText = 4000, kMaxShort = 200;
constexpr std::size_t kScheduleSlack = 4096;  // stale schedule entries kept before the schedule is made anew

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
    open_[c.id] = std::move(c);
  }
  next_id_ = state.max_case_id + 1;
  index_.replace(geo::GridIndex::build(std::move(state.grid_shapes), options_.index));
}

Center::Location Center::locate(const std::string& grid) const {
  Location loc;
  auto g = grids_.find(grid);
  if (g == grids_.end()) return loc;
  std::string code = g->second.community;
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
  if (loc.community.empty()) loc.community = g->second.community;
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

Allowed Center::allowed_actions(const Case& c, const Actor& actor) const {
  std::lock_guard lock(mutex_);
  return dispatch::allowed_actions(actor, c, places());
}

std::vector<Allowed> Center::allowed_actions(const std::vector<Case>& cases, const Actor& actor) const {
  std::vector<Allowed> out;
  out.reserve(cases.size());
  std::lock_guard lock(mutex_);
  for (const auto& c : cases) out.push_back(dispatch::allowed_actions(actor, c, places()));
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

Result<RouteAnswer> Center::route(geo::Point p, geo::Crs crs) const {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || p.lon < -180 || p.lon > 180)
    return make_error(ErrorCode::invalid_value, "longitude must be a number between -180 and 180", "lon");
  if (p.lat < -90 || p.lat > 90)
    return make_error(ErrorCode::invalid_value, "latitude must be a number between -90 and 90", "lat");
  const auto index = index_.current();
  if (!index) return make_error(ErrorCode::not_in_any_grid, "no grids are loaded");
  const auto r = index->route(geo::to_wgs84(p, crs));
  if (!r.found()) return make_error(ErrorCode::not_in_any_grid, "no grid contains this location", "lon");
  RouteAnswer answer;
  answer.grid = index->code(static_cast<std::size_t>(r.grid));
  answer.snapped = r.snapped;
  answer.distance_m = r.distance_m;
  std::lock_guard lock(mutex_);
  const auto loc = locate(answer.grid);
  answer.community = loc.community;
  answer.street = loc.street;
  answer.district = loc.district;
  if (auto g = grids_.find(answer.grid); g != grids_.end()) answer.owner = g->second.owner;
  return answer;
}

Result<Placement> Center::place(geo::Point p, geo::Crs crs) const {
  auto where = route(p, crs);
  if (!where) return where.error();
  std::lock_guard lock(mutex_);
  return place_locked(std::move(*where));
}

Placement Center::place_locked(RouteAnswer where) const {
  Placement out;
  out.emergency = emergency_at_locked(where.street, where.district);
  if (auto g = grids_.find(where.grid); g != grids_.end())
    out.assignment = assign_locked(g->second, where.street, out.emergency);
  out.where = std::move(where);
  return out;
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

void Center::submit_locked(Change change, std::vector<CaseNotice> notices, std::function<void(Status)> done) {
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

void Center::intake(const IntakeRequest& req, const Actor& actor, CaseCallback done) {
  if (auto e = check(actor, Permission::take_in)) return done(std::move(*e));
  for (auto [value, limit, field, kind] : {std::tuple{&req.title, kMaxTitle, "title", TextKind::line},
                                           {&req.description, kMaxText, "description", TextKind::multiline},
                                           {&req.address, kMaxShort, "address", TextKind::line},
                                           {&req.source, kMaxShort, "source", TextKind::line},
                                           {&req.reporter.name, kMaxShort, "reporter.name", TextKind::line},
                                           {&req.reporter.phone, kMaxShort, "reporter.phone", TextKind::line}})
    if (auto e = check_text(*value, limit, field, kind)) return done(std::move(*e));
  // Only the Open311 endpoint takes in citizens' requests: their text is what Open311
  // shows back, so no one else may mark a case as theirs.
  const bool citizen = actor.channel == Channel::open311;
  if (!citizen && req.source == kOpen311Source)
    return done(make_error(ErrorCode::invalid_value, "source open311 is set only by the Open311 endpoint", "source"));
  if (req.title.empty()) return done(make_error(ErrorCode::invalid_value, "a case needs a title", "title"));
  auto where = route({req.lon, req.lat}, req.crs);
  if (!where) {
    auto e = where.error();
    if (e.code == ErrorCode::not_in_any_grid)
      e.code = ErrorCode::invalid_value, e.message = "no grid contains this location (not_in_any_grid)";
    return done(std::move(e));
  }
  if (in_flight_.load() >= options_.max_in_flight)
    return done(make_error(ErrorCode::overloaded, "the command center is busy; try again shortly"));
  const geo::Point wgs = geo::to_wgs84({req.lon, req.lat}, req.crs);

  std::lock_guard lock(mutex_);
  auto category = categories_.find(req.category);
  if (category == categories_.end())
    return done(make_error(ErrorCode::invalid_value, "unknown category " + req.category, "category"));
  if (!covers(actor, where->grid, places()))
    return done(make_error(ErrorCode::forbidden, "this location is outside your jurisdiction", "lon"));
  const Millis now = clock_.now();
  Case c;
  c.id = next_id_++;
  c.urgency = req.urgency;
  c.category = req.category;
  c.title = req.title;
  c.description = req.description;
  c.address = req.address;
  c.source = citizen ? std::string(kOpen311Source) : req.source.empty() ? "operator" : req.source;
  c.reporter = req.reporter;
  c.lon = wgs.lon;
  c.lat = wgs.lat;
  c.grid = where->grid;
  c.community = where->community;
  c.street = where->street;
  c.district = where->district;
  c.created_at = c.updated_at = now;
  Change change;
  CaseNotice notice{"case.created", {}, {}, {}};
  change.events.push_back(
      event_for(c, EventType::created, actor, CaseState::reported, {}, "taken in from " + c.source));

  // Registered and dispatched at once: the case has a location and so a grid; it goes
  // where `place` says. Emergency mode raises new cases to at least orange.
  const auto placement = place_locked(std::move(*where));
  std::string raised_note;
  if (placement.emergency && c.urgency == Urgency::yellow) {
    c.urgency = Urgency::orange;
    raised_note = "emergency mode: raised to orange";
    change.events.back().urgency_from = Urgency::yellow;
    change.events.back().urgency_to = Urgency::orange;
  }
  const auto& assignment = placement.assignment;
  set_assignee_locked(c, assignment.worker);
  c.state = CaseState::dispatched;
  start_clocks(c, category->second, now, Clocks::both, rules_locked(c));
  if (!raised_note.empty()) change.events.back().note = raised_note;
  change.events.push_back(event_for(c, EventType::register_case, actor, CaseState::reported, {}, assignment.reason));
  open_[c.id] = c;
  schedule_locked(c);
  change.cases.push_back(c);
  notice.current = c;
  notice.events = change.events;
  submit_locked(std::move(change), {std::move(notice)}, [this, c, done = std::move(done)](Status status) {
    if (status) {
      std::lock_guard lock(mutex_);
      if (auto it = open_.find(c.id); it != open_.end() && it->second.version == c.version) {
        set_assignee_locked(it->second, {});
        open_.erase(it);
      }
      return done(std::move(*status));
    }
    done(c);
  });
}

void Center::transition(CaseId id, const TransitionRequest& req, const Actor& actor, CaseCallback done) {
  if (auto e = check_text(req.note, kMaxText, "note", TextKind::multiline)) return done(std::move(*e));
  std::unique_lock lock(mutex_);
  auto it = open_.find(id);
  if (it == open_.end()) {
    lock.unlock();
    // Closed or cancelled cases are kept only in storage; every action on them is illegal.
    auto stored = ledger_.find_case(id);
    if (!stored) return done(make_error(ErrorCode::not_found, "no case " + std::to_string(id)));
    lock.lock();
    auto check = check_act(actor, *stored, req.action, req.version, req.note, places());
    lock.unlock();
    if (!check) return done(check.error());
    return done(make_error(ErrorCode::illegal_transition,
                           "case " + std::to_string(id) + " is " + std::string(to_string(stored->state))));
  }
  Case& c = it->second;
  // Who may take which step, on what conditions: the access policy over the lifecycle's table.
  auto next = check_act(actor, c, req.action, req.version, req.note, places());
  if (!next) return done(next.error());
  if (in_flight_.load() >= options_.max_in_flight)
    return done(make_error(ErrorCode::overloaded, "the command center is busy; try again shortly"));

  const Case before = c;
  const Millis now = clock_.now();
  std::string reason;
  std::optional<Millis> paused_ms;  // resume
  WorkerId assignee = c.assignee;
  const auto category = categories_.find(c.category);
  switch (req.action) {
    case Action::register_case:
    case Action::reassign: {
      if (req.assignee && !req.assignee->empty()) {
        auto w = workers_.find(*req.assignee);
        if (w == workers_.end())
          return done(make_error(ErrorCode::invalid_value, "unknown worker " + *req.assignee, "assignee_id"));
        if (!covers(actor, w->second.community, places()))
          return done(make_error(ErrorCode::forbidden, "worker " + *req.assignee + " is outside your jurisdiction",
                                 "assignee_id"));
        assignee = *req.assignee;
        reason = "chosen by " + actor.label();
      } else {
        auto g = grids_.find(c.grid);
        if (g == grids_.end())
          return done(make_error(ErrorCode::invalid_value, "the case has no grid; name a worker", "assignee_id"));
        auto a = assign_locked(c, g->second);
        assignee = a.worker;
        reason = a.reason;
      }
      if (req.action == Action::reassign && assignee == c.assignee && c.state != CaseState::reported)
        return done(make_error(
            ErrorCode::conflict,
            "case " + std::to_string(id) + " is already with " + (assignee.empty() ? "the unassigned queue" : assignee),
            "assignee_id"));
      c.return_reason.clear();
      if (category != categories_.end()) start_clocks(c, category->second, now, Clocks::accept_only, rules_locked(c));
      c.accepted_at.reset();
      break;
    }
    case Action::accept:
      c.accepted_at = now;
      c.warned = false;  // the resolution clock applies from now on
      break;
    case Action::resolve:
      c.resolved_at = now;
      break;
    case Action::return_case:
      c.return_reason = req.note;
      reason = req.note;
      assignee.clear();
      break;
    case Action::close:
      c.closed_at = now;
      break;
    case Action::reopen:
      ++c.rework_count;
      if (category != categories_.end()) start_clocks(c, category->second, now, Clocks::both, rules_locked(c));
      c.accepted_at.reset();
      c.resolved_at.reset();
      break;
    case Action::cancel:
      c.closed_at = now;
      break;
    case Action::request_deferral:
      reason = req.note;
      break;
    case Action::note:
      break;
    case Action::defer:
      c.paused_at = now;
      c.deferred = true;
      reason = req.note;
      break;
    case Action::resume: {
      // Every deadline moves by the time the clock stood still.
      const Millis paused = now - *c.paused_at;
      for (auto* t : {&c.accept_by, &c.resolve_by, &c.accept_warn_at, &c.resolve_warn_at})
        if (*t) **t += paused;
      c.paused_at.reset();
      paused_ms = paused;
      break;
    }
  }
  set_assignee_locked(c, assignee);
  c.state = next.value();
  c.version += 1;
  c.updated_at = now;
  Change change;
  CaseEvent& e =
      change.events.emplace_back(event_for(c, event_type_of(req.action), actor, before.state, req.note, reason));
  if (before.assignee != c.assignee) e.assignee_from = before.assignee;
  if (req.action == Action::reopen) e.rework = c.rework_count;
  e.paused_ms = paused_ms;
  if (e.reason.empty()) e.reason = reason_of(e);
  change.cases.push_back(c);
  CaseNotice notice{"case.updated", c, change.events, {}};
  if (before.assignee != c.assignee) notice.previous_assignee = before.assignee;
  const Case after = c;
  if (!c.open()) {
    set_assignee_locked(c, {});
    open_.erase(it);
  } else {
    schedule_locked(c);
  }
  submit_locked(std::move(change), {std::move(notice)}, [this, before, after, done = std::move(done)](Status status) {
    if (status) {
      // Storage refused the change: put the case back as it was, unless it moved on.
      std::lock_guard lock(mutex_);
      auto it = open_.find(before.id);
      if (it == open_.end() || it->second.version == after.version) {
        if (it != open_.end()) set_assignee_locked(it->second, {});
        Case restored = before;
        const WorkerId who = restored.assignee;
        restored.assignee.clear();
        auto& slot = open_[before.id] = restored;
        set_assignee_locked(slot, who);
        schedule_locked(slot);
      }
      return done(std::move(*status));
    }
    done(after);
  });
}

void Center::reassign_grid(const std::string& grid_code, const WorkerId& owner, const WorkerId& backup,
                           const Actor& actor, std::function<void(Result<Grid>)> done) {
  if (auto e = check(actor, Permission::manage_posts)) return done(std::move(*e));
  std::lock_guard lock(mutex_);
  auto g = grids_.find(grid_code);
  if (g == grids_.end() || !covers(actor, grid_code, places()))
    return done(make_error(ErrorCode::not_found, "no grid " + grid_code));
  for (auto [id, field] : {std::pair{&owner, "owner_id"}, {&backup, "backup_id"}}) {
    if (id->empty()) continue;
    auto w = workers_.find(*id);
    if (w == workers_.end()) return done(make_error(ErrorCode::invalid_value, "unknown worker " + *id, field));
    // As for re-dispatch: a post goes only to a worker of the caller's own jurisdiction,
    // or the worker would read cases and reporters outside it.
    if (!covers(actor, w->second.community, places()))
      return done(make_error(ErrorCode::forbidden, "worker " + *id + " is outside your jurisdiction", field));
  }
  if (owner.empty()) return done(make_error(ErrorCode::invalid_value, "a grid needs an owner", "owner_id"));
  if (owner == backup)
    return done(make_error(ErrorCode::invalid_value, "owner and backup must be different workers", "backup_id"));
  const Millis now = clock_.now();
  Grid& grid = g->second;
  const Grid before = grid;
  Change change;
  for (auto [old_id, new_id, is_backup] : {std::tuple{before.owner, owner, false}, {before.backup, backup, true}}) {
    if (old_id == new_id) continue;
    if (!old_id.empty()) change.post_terms_closed.push_back({grid_code, old_id, is_backup, 0, now});
    if (!new_id.empty()) change.post_terms_opened.push_back({grid_code, new_id, is_backup, now, std::nullopt});
  }
  grid.owner = owner;
  grid.backup = backup;
  change.grids.push_back(grid);
  change.audit.push_back({now, actor.label(), "grid_posts", grid_code,
                          "owner " + before.owner + " -> " + owner + ", backup " + before.backup + " -> " + backup});
  // Hand the grid's open cases held by outgoing post holders (or waiting unassigned) to
  // whoever the assignment rule now picks.
  std::vector<CaseNotice> notices;
  for (auto& [id, c] : open_) {
    if (c.grid != grid_code || c.state == CaseState::reported) continue;
    const bool held_by_outgoing = (!c.assignee.empty() && ((c.assignee == before.owner && before.owner != owner) ||
                                                           (c.assignee == before.backup && before.backup != backup)));
    if (!held_by_outgoing && !c.assignee.empty()) continue;
    auto a = assign_locked(c, grid);
    if (a.worker == c.assignee) continue;
    const CaseState from = c.state;
    const WorkerId outgoing = c.assignee;
    set_assignee_locked(c, a.worker);
    if (c.state == CaseState::accepted) c.accepted_at.reset();
    c.state = CaseState::dispatched;
    if (auto cat = categories_.find(c.category); cat != categories_.end())
      start_clocks(c, cat->second, now, Clocks::accept_only, rules_locked(c));
    c.version += 1;
    c.updated_at = now;
    schedule_locked(c);
    auto e = event_for(c, EventType::handover, actor, from, {}, "grid " + grid_code + " posts changed: " + a.reason);
    e.assignee_from = outgoing;
    e.posts = PostChange{before.owner, owner, before.backup, backup};
    change.cases.push_back(c);
    change.events.push_back(e);
    notices.push_back({"case.updated", c, {e}, outgoing});
  }
  submit_locked(std::move(change), std::move(notices), [grid, done = std::move(done)](Status status) {
    if (status) return done(std::move(*status));
    done(grid);
  });
}

void Center::set_worker_status(const WorkerId& worker, DutyStatus status, const Actor& actor,
                               std::function<void(Result<Worker>)> done) {
  std::lock_guard lock(mutex_);
  auto w = workers_.find(worker);
  if (w == workers_.end()) return done(make_error(ErrorCode::not_found, "no worker " + worker));
  if (auto e = check_duty_status(actor, w->second, places())) return done(std::move(*e));
  w->second.status = status;
  Change change;
  change.workers.push_back(w->second);
  change.audit.push_back({clock_.now(), actor.label(), "worker_status", worker, std::string(to_string(status))});
  submit_locked(std::move(change), {}, [updated = w->second, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(updated);
  });
}

bool Center::emergency_locked(const Case& c) const { return emergency_at_locked(c.street, c.district); }

bool Center::emergency_at_locked(const std::string& street, const std::string& district) const {
  for (const auto* code : {&street, &district}) {
    auto j = jurisdictions_.find(*code);
    if (j != jurisdictions_.end() && j->second.emergency) return true;
  }
  return false;
}

DeadlineRules Center::rules_locked(const Case& c) const {
  return {options_.calendar.get(), emergency_locked(c) ? options_.emergency_factor : 1.0};
}

std::vector<std::string> Center::street_communities_locked(const std::string& street) const {
  std::vector<std::string> out;
  for (const auto& [code, j] : jurisdictions_)
    if (j.level == Level::community && j.parent == street) out.push_back(code);
  std::sort(out.begin(), out.end());
  return out;
}

int Center::load_of_locked(const WorkerId& w) const {
  auto it = load_.find(w);
  return it == load_.end() ? 0 : it->second;
}

// The one choice of a worker, for intake (through place_locked), re-dispatch and handover.
Assignment Center::assign_locked(const Grid& grid, const std::string& street, bool emergency) const {
  return choose_assignee(
      grid, workers_, [this](const WorkerId& w) { return load_of_locked(w); },
      emergency ? street_communities_locked(street) : std::vector<std::string>{});
}

Assignment Center::assign_locked(const Case& c, const Grid& grid) const {
  return assign_locked(grid, c.street, emergency_locked(c));
}

void Center::set_mode(const std::string& code, bool emergency, const Actor& actor,
                      std::function<void(Result<Jurisdiction>)> done) {
  if (auto e = check(actor, Permission::switch_mode)) return done(std::move(*e));
  std::lock_guard lock(mutex_);
  auto j = jurisdictions_.find(code);
  if (j == jurisdictions_.end() || !covers(actor, code, places()))
    return done(make_error(ErrorCode::not_found, "no jurisdiction " + code));
  if (j->second.level != Level::street && j->second.level != Level::district)
    return done(make_error(ErrorCode::invalid_value, "emergency mode applies to a street or a district", "code"));
  Change change;
  if (j->second.emergency != emergency) {
    j->second.emergency = emergency;
    change.jurisdictions.push_back(j->second);
    change.audit.push_back({clock_.now(), actor.label(), "mode", code, emergency ? "emergency" : "normal"});
  }
  if (change.empty()) return done(j->second);
  submit_locked(std::move(change), {}, [updated = j->second, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(updated);
  });
}

void Center::update_category(Category category, const Actor& actor, std::function<void(Result<Category>)> done) {
  if (auto e = check(actor, Permission::manage_categories)) return done(std::move(*e));
  if (!valid_identifier(category.id))
    return done(make_error(ErrorCode::invalid_value, "a category id is " + std::string(kIdentifierRule), "id"));
  if (category.name.empty()) return done(make_error(ErrorCode::invalid_value, "a category needs a name", "name"));
  if (auto e = check_text(category.name, kMaxShort, "name")) return done(std::move(*e));
  constexpr std::int64_t kYear = 366LL * 24 * 3600;
  for (auto u : kUrgencies) {
    const auto& d = category.deadlines(u);
    const std::string field = "sla." + std::string(to_string(u));
    if (d.accept_s < 60 || d.resolve_s < 60 || d.accept_s > kYear || d.resolve_s > kYear)
      return done(make_error(ErrorCode::invalid_value, "deadlines must lie between a minute and a year", field));
    if (d.accept_s > d.resolve_s)
      return done(make_error(ErrorCode::invalid_value, "acceptance cannot take longer than resolution", field));
  }
  std::lock_guard lock(mutex_);
  const auto before = categories_.find(category.id);
  std::string detail = before == categories_.end() ? "created" : "updated";
  for (auto u : kUrgencies)
    detail += " " + std::string(to_string(u)) + "=" + std::to_string(category.deadlines(u).accept_s) + "/" +
              std::to_string(category.deadlines(u).resolve_s) + "s";
  if (category.working_time) detail += " working time";
  categories_[category.id] = category;
  Change change;
  change.categories.push_back(category);
  change.audit.push_back({clock_.now(), actor.label(), "category", category.id, detail});
  submit_locked(std::move(change), {}, [category, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(category);
  });
}

Reminders Center::reminders_locked(const Case& c) const {
  if (!at_top(c)) return {};
  const auto category = categories_.find(c.category);
  return category == categories_.end() ? Reminders{} : reminders_for(category->second, rules_locked(c));
}

void Center::schedule_locked(const Case& c) {
  if (auto m = next_due(c, reminders_locked(c))) due_.push({m->at, c.id, c.version});
  // Entries of closed cases and of superseded versions are skipped when they come due,
  // which for a yellow case is a day later: at a high rate of intake they would pile up.
  // When they outnumber the open cases, the schedule is made anew from the open cases.
  if (due_.size() > 2 * open_.size() + kScheduleSlack) {
    std::vector<DueEntry> live;
    live.reserve(open_.size());
    for (const auto& [id, open] : open_)
      if (auto m = next_due(open, reminders_locked(open))) live.push_back({m->at, id, open.version});
    due_ = decltype(due_)(std::greater<>{}, std::move(live));
  }
}

std::size_t Center::scheduled() const {
  std::lock_guard lock(mutex_);
  return due_.size();
}

std::optional<Millis> Center::next_due_at() const {
  std::lock_guard lock(mutex_);
  if (due_.empty()) return std::nullopt;
  return due_.top().at;
}

std::size_t Center::tick(std::size_t max_steps) {
  std::lock_guard lock(mutex_);
  const Millis now = clock_.now();
  const Actor system{};
  Change change;
  std::vector<CaseNotice> notices;
  std::size_t steps = 0;
  while (!due_.empty() && due_.top().at <= now && steps < max_steps) {
    const DueEntry entry = due_.top();
    due_.pop();
    auto it = open_.find(entry.id);
    if (it == open_.end() || it->second.version != entry.version) continue;  // superseded
    Case& c = it->second;
    const auto m = next_due(c, reminders_locked(c));
    if (!m) continue;
    if (m->at > now) {
      schedule_locked(c);
      continue;
    }
    const auto category = categories_.find(c.category);
    if (category == categories_.end()) continue;
    const CaseState state = c.state;
    // The step's event keeps the true due time, also when the server was down then.
    CaseEvent e = apply_due(c, *m, category->second, rules_locked(c), now);
    c.version += 1;
    c.updated_at = now;
    e.case_id = c.id;
    e.actor = system.label();
    e.from_state = state;
    e.to_state = c.state;
    e.assignee = c.assignee;
    change.cases.push_back(c);
    change.events.push_back(e);
    // case.warned, case.escalated or case.reminded
    notices.push_back({"case." + std::string(to_string(e.type)), c, {std::move(e)}, {}});
    schedule_locked(c);
    ++steps;
  }
  // Memory keeps an escalation even if storing it fails: a restart escalates again from
  // the stored state, with the same true due times.
  if (!change.empty()) submit_locked(std::move(change), std::move(notices), [](Status) {});
  return steps;
}

std::size_t Center::tick_until_idle(std::size_t batch) {
  batch = std::max<std::size_t>(batch, 1);
  std::size_t steps = 0;
  while (true) {
    // Fewer than a batch: nothing more was due at the moment the tick read from the clock.
    const auto n = tick(batch);
    steps += n;
    if (n < batch) return steps;
  }
}

void Center::rate(CaseId id, int score, std::string note, const Actor& actor,
                  std::function<void(Result<CaseEvent>)> done) {
  if (auto e = check(actor, Permission::rate_cases)) return done(std::move(*e));
  if (score < 1 || score > 5) return done(make_error(ErrorCode::invalid_value, "score must be 1 to 5", "score"));
  if (auto e = check_text(note, kMaxText, "note", TextKind::multiline)) return done(std::move(*e));
  {
    std::lock_guard lock(mutex_);
    if (auto it = open_.find(id); it != open_.end()) {
      if (!case_visible_locked(it->second, actor))
        return done(make_error(ErrorCode::not_found, "no case " + std::to_string(id)));
      return done(make_error(ErrorCode::illegal_transition, "only a closed case is rated; case " + std::to_string(id) +
                                                                " is " + std::string(to_string(it->second.state))));
    }
  }
  auto stored = ledger_.find_case(id);
  if (!stored || !case_visible(*stored, actor))
    return done(make_error(ErrorCode::not_found, "no case " + std::to_string(id)));
  if (stored->state != CaseState::closed)
    return done(make_error(ErrorCode::illegal_transition, "only a closed case is rated; case " + std::to_string(id) +
                                                              " is " + std::string(to_string(stored->state))));
  // The case itself stays as it was closed: the rating is one more event of its history.
  CaseEvent e;
  e.case_id = id;
  e.at = clock_.now();
  e.type = EventType::rated;
  e.actor = actor.label();
  e.from_state = e.to_state = CaseState::closed;
  e.assignee = stored->assignee;
  e.note = std::move(note);
  e.score = score;
  e.reason = reason_of(e);
  Change change;
  change.events.push_back(e);
  std::lock_guard lock(mutex_);
  submit_locked(std::move(change), {}, [e, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(e);
  });
}

Result<Case> Center::photo_allowed(CaseId id, const Actor& actor, std::size_t photos_held, std::int64_t bytes_today,
                                   std::int64_t size) const {
  if (auto e = check(actor, Permission::add_photos)) return std::move(*e);
  auto c = get_case(id, actor);
  if (!c) return c.error();
  if (!c->open())
    return make_error(ErrorCode::illegal_transition, "photos are added only to open cases; case " + std::to_string(id) +
                                                         " is " + std::string(to_string(c->state)));
  if (photos_held >= static_cast<std::size_t>(options_.max_photos_per_case))
    return make_error(ErrorCode::conflict, "case " + std::to_string(id) + " holds " +
                                               std::to_string(options_.max_photos_per_case) +
                                               " photos, the most a case may hold");
  if (bytes_today + size > options_.photo_bytes_per_user_day)
    return make_error(ErrorCode::too_many_requests, "you have uploaded your " +
                                                        std::to_string(options_.photo_bytes_per_user_day >> 20) +
                                                        " MB of photos for the last 24 hours; try again later");
  return c;
}

void Center::record_photo(CaseId id, const Actor& actor, std::function<void(Result<CaseEvent>)> done) {
  std::lock_guard lock(mutex_);
  auto it = open_.find(id);
  if (it == open_.end() || !case_visible_locked(it->second, actor))
    return done(make_error(ErrorCode::illegal_transition, "photos are added only to open cases"));
  CaseEvent e = event_for(it->second, EventType::photo, actor, it->second.state, {}, {});
  e.at = clock_.now();
  Change change;
  change.events.push_back(e);
  submit_locked(std::move(change), {}, [e, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(e);
  });
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
