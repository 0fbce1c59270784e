#include <algorithm>
#include <future>
#include <set>

#include "dispatch/audit.hpp"
#include "dispatch/center.hpp"
#include "dispatch/leave.hpp"

// The Center's grid generations (网格调整): the open cases a redraw would move, and the
// switch itself, at once or on the clock (dispatch/generation.hpp).
namespace gridkeeper::dispatch {

namespace {

// Builds the plan's index and routes a point of every grid through it, so that the first
// cases after the switch find it warm.
std::shared_ptr<const geo::GridIndex> build_warm(const GenerationPlan& plan, const geo::GridIndex::Options& options) {
  auto shapes = plan.shapes;
  auto index = geo::GridIndex::build(std::move(shapes), options);
  if (!index) return index;
  for (std::size_t i = 0; i < index->size(); ++i) {
    const auto& b = index->bbox(i);
    (void)index->route((b.min_lon + b.max_lon) / 2, (b.min_lat + b.max_lat) / 2);
  }
  return index;
}

std::string route_code(const geo::GridIndex& index, const Case& c) {
  return index.code_at({c.lon, c.lat}).value_or(std::string());
}

}  // namespace

std::vector<CaseMove> Center::moves_under(const geo::GridIndex& next, const GenerationPlan& plan) const {
  std::unordered_map<std::string, const Grid*> planned;
  for (const auto& g : plan.grids) planned[g.grid.code] = &g.grid;
  std::vector<CaseMove> moves;
  std::lock_guard lock(mutex_);
  for (const auto& [id, c] : open_) {
    const auto to = route_code(next, c);
    if (to.empty() || to == c.grid) continue;
    CaseMove m{c.id, c.urgency, c.title, c.grid, to, c.assignee, {}};
    // Posts of a grid that exists now stay; a new grid's come from the plan.
    Grid holder;
    if (auto g = grids_.find(to); g != grids_.end()) holder = g->second;
    else if (auto p = planned.find(to); p != planned.end()) holder = *p->second;
    holder.code = to;
    m.assignee_to = assign_locked(c, holder).worker;
    moves.push_back(std::move(m));
  }
  std::stable_sort(moves.begin(), moves.end(), [](const CaseMove& a, const CaseMove& b) {
    return static_cast<int>(a.urgency) > static_cast<int>(b.urgency);
  });
  return moves;
}

GenerationApplied Center::switch_generation_locked(PendingGeneration& p, Millis now, Change& change,
                                                   std::vector<CaseNotice>& notices) {
  Actor actor;
  actor.username = p.actor;
  GenerationApplied out{p.plan.id, GenerationState::current, now, p.mode, 0, 0};
  GenerationSwitch sw;
  sw.id = p.plan.id;
  sw.state = GenerationState::current;
  sw.at = now;
  sw.open_cases = p.mode;
  // The hierarchy: names, levels and parents as the file says; emergency modes stay.
  for (auto j : p.plan.jurisdictions) {
    if (auto old = jurisdictions_.find(j.code); old != jurisdictions_.end()) j.emergency = old->second.emergency;
    sw.jurisdictions.push_back(j);
    jurisdictions_[j.code] = std::move(j);
  }
  // The grids: posts of a grid that stays (same code) stay; a new grid's posts come from
  // the file when they name workers who may hold them, else it waits unassigned (flagged).
  std::set<std::string> kept;
  std::unordered_map<std::string, Grid> next;
  for (auto g : p.plan.grids) {
    kept.insert(g.grid.code);
    if (auto old = grids_.find(g.grid.code); old != grids_.end()) {
      g.grid.owner = old->second.owner;
      g.grid.backup = old->second.backup;
    } else {
      for (auto* post : {&g.grid.owner, &g.grid.backup}) {
        auto w = workers_.find(*post);
        if (w == workers_.end() || w->second.retired) post->clear();
      }
      if (g.grid.owner == g.grid.backup) g.grid.backup.clear();
      if (!g.grid.owner.empty()) change.post_terms_opened.push_back({g.grid.code, g.grid.owner, false, now, {}});
      if (!g.grid.backup.empty()) change.post_terms_opened.push_back({g.grid.code, g.grid.backup, true, now, {}});
      retired_grids_.erase(g.grid.code);
    }
    next[g.grid.code] = g.grid;
    sw.grids.push_back(std::move(g));
  }
  for (auto& [code, g] : grids_) {
    if (kept.count(code)) continue;
    sw.retired.push_back(code);
    Grid r = g;
    r.owner.clear();
    r.backup.clear();
    retired_grids_[code] = std::move(r);
  }
  out.grids_retired = sw.retired.size();
  grids_ = std::move(next);
  index_.replace(p.index);
  if (index_listener_) index_listener_(p.index);
  // Open cases: on `follow` each whose location lies in another grid now goes there.
  if (p.mode == OpenCases::follow) out.cases_moved = follow_locked(*p.index, p.actor, now, change, notices);
  change.audit.push_back(
      {now, p.actor, "generation", std::to_string(p.plan.id),
       "generation " + std::to_string(p.plan.id) + " in force (" + std::to_string(p.plan.grids.size()) + " grids, " +
           std::to_string(out.grids_retired) + " retired, open cases " + std::string(to_string(p.mode)) + ", " +
           std::to_string(out.cases_moved) + " moved)",
       audit_fields({{"state", "scheduled"}}),
       audit_fields(
           {{"state", "current"}, {"applied_at", iso_utc(now)}, {"open_cases", std::string(to_string(p.mode))}})});
  change.generation = std::move(sw);
  return out;
}

std::size_t Center::follow_locked(const geo::GridIndex& index, const std::string& by, Millis now, Change& change,
                                  std::vector<CaseNotice>& notices) {
  Actor actor;
  actor.username = by;
  std::size_t moved = 0;
  for (auto& [id, c] : open_) {
    const auto to = route_code(index, c);
    if (to.empty() || to == c.grid) continue;
    const std::string from = c.grid;
    const WorkerId outgoing = c.assignee;
    c.grid = to;
    const auto loc = locate(to);
    c.community = loc.community;
    c.street = loc.street;
    c.district = loc.district;
    const auto a = assign_locked(c, grids_[to]);
    const std::string reason = "grid redraw: " + from + " -> " + to;
    CaseEvent e;
    if (!a.worker.empty() && a.worker != c.assignee) {
      e = hand_over_locked(c, a.worker, actor, now, reason + ": " + a.reason);
      e.type = EventType::regrid;
    } else {
      c.version += 1;
      c.updated_at = now;
      schedule_locked(c);
      e = event_for(c, EventType::regrid, actor, c.state, {}, reason);
    }
    e.actor = by;
    change.cases.push_back(c);
    change.events.push_back(e);
    notices.push_back({"case.updated", c, {e}, outgoing == c.assignee ? WorkerId() : outgoing, {}});
    ++moved;
  }
  return moved;
}

Result<std::size_t> Center::regrid_open_cases_and_wait(const Actor& actor) {
  if (auto e = check(actor, Permission::manage_generations)) return std::move(*e);
  std::promise<Status> promise;
  auto future = promise.get_future();
  std::size_t moved = 0;
  {
    std::lock_guard lock(mutex_);
    const auto index = index_.current();
    if (!index) return std::size_t{0};
    const Millis now = clock_.now();
    Change change;
    std::vector<CaseNotice> notices;
    moved = follow_locked(*index, actor.label(), now, change, notices);
    if (moved == 0) return std::size_t{0};
    change.audit.push_back({now, actor.label(), "generation", "open cases",
                            std::to_string(moved) + " open cases followed their location to the grids in force",
                            audit_fields({}), audit_fields({{"cases_moved", std::to_string(moved)}})});
    submit_locked(std::move(change), std::move(notices), [&promise](Status s) { promise.set_value(std::move(s)); });
  }
  if (auto e = future.get()) return std::move(*e);
  return moved;
}

void Center::apply_generation(GenerationPlan plan, OpenCases mode, std::optional<Millis> at, const Actor& actor,
                              std::function<void(Result<GenerationApplied>)> done) {
  if (auto e = check(actor, Permission::manage_generations)) return done(std::move(*e));
  if (plan.grids.empty()) return done(make_error(ErrorCode::invalid_value, "the generation has no grids"));
  PendingGeneration p;
  p.index = build_warm(plan, options_.index);
  if (!p.index) return done(make_error(ErrorCode::invalid_value, "the generation's grids could not be indexed"));
  p.plan = std::move(plan);
  p.mode = mode;
  p.actor = actor.label();
  std::lock_guard lock(mutex_);
  const Millis now = clock_.now();
  Change change;
  std::vector<CaseNotice> notices;
  GenerationApplied out;
  if (at && *at > now) {
    p.at = *at;
    out = {p.plan.id, GenerationState::scheduled, *at, mode, 0, 0};
    GenerationSwitch sw;
    sw.id = p.plan.id;
    sw.state = GenerationState::scheduled;
    sw.at = *at;
    sw.open_cases = mode;
    change.generation = std::move(sw);
    change.audit.push_back(
        {now, p.actor, "generation", std::to_string(p.plan.id),
         "generation " + std::to_string(p.plan.id) + " scheduled for " + iso_utc(*at),
         audit_fields({{"state", "draft"}}),
         audit_fields(
             {{"state", "scheduled"}, {"effective_at", iso_utc(*at)}, {"open_cases", std::string(to_string(mode))}})});
    scheduled_[p.plan.id] = std::move(p);
  } else {
    p.at = now;
    scheduled_.erase(p.plan.id);
    out = switch_generation_locked(p, now, change, notices);
  }
  submit_locked(std::move(change), std::move(notices), [out, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(out);
  });
}

Result<GenerationApplied> Center::apply_generation_and_wait(GenerationPlan plan, OpenCases mode,
                                                            std::optional<Millis> at, const Actor& actor) {
  std::promise<Result<GenerationApplied>> promise;
  auto future = promise.get_future();
  apply_generation(std::move(plan), mode, at, actor,
                   [&promise](Result<GenerationApplied> r) { promise.set_value(std::move(r)); });
  return future.get();
}

bool Center::generation_scheduled(GenerationId id) const {
  std::lock_guard lock(mutex_);
  return scheduled_.count(id) > 0;
}

void Center::on_new_index(IndexListener listener) {
  std::lock_guard lock(mutex_);
  index_listener_ = std::move(listener);
  if (index_listener_ && switched_at_start_) {
    switched_at_start_ = false;
    index_listener_(index_.current());
  }
}

std::size_t Center::apply_due_generation_locked(Millis now, Change& change, std::vector<CaseNotice>& notices) {
  // One a change: a second due one is applied by the next tick.
  auto due = scheduled_.end();
  for (auto it = scheduled_.begin(); it != scheduled_.end(); ++it)
    if (it->second.at <= now && (due == scheduled_.end() || it->second.at < due->second.at)) due = it;
  if (due == scheduled_.end()) return 0;
  PendingGeneration p = std::move(due->second);
  scheduled_.erase(due);
  switch_generation_locked(p, now, change, notices);
  return 1;
}

std::optional<Millis> Center::next_generation_locked() const {
  std::optional<Millis> next;
  for (const auto& [id, p] : scheduled_)
    if (!next || p.at < *next) next = p.at;
  return next;
}

}  // namespace gridkeeper::dispatch
