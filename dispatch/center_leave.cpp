#include <algorithm>
#include <future>

#include "dispatch/audit.hpp"
#include "dispatch/center.hpp"
#include "dispatch/center_internal.hpp"

// The Center's leave (请假): scheduling, cancelling and the boundaries on the clock.
namespace gridkeeper::dispatch {

using namespace detail;

namespace {

std::string leave_fields(const Leave& l, LeaveState state) {
  return audit_fields({{"id", std::to_string(l.id)},
                       {"from", iso_utc(l.from)},
                       {"to", iso_utc(l.to)},
                       {"reason", l.reason},
                       {"open_cases", l.move_cases ? "move" : "keep"},
                       {"state", to_string(state)}});
}

template <class T>
Result<T> wait_result(const std::function<void(std::function<void(Result<T>)>)>& start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  start([promise](Result<T> r) { promise->set_value(std::move(r)); });
  return future.get();
}

}  // namespace

void Center::schedule_leave(const WorkerId& worker, LeaveRequest request, const Actor& actor,
                            std::function<void(Result<Leave>)> done) {
  std::lock_guard lock(mutex_);
  auto w = workers_.find(worker);
  if (w == workers_.end()) return done(make_error(ErrorCode::not_found, "no worker " + worker));
  if (auto e = check_leave(actor, w->second, true, places())) return done(std::move(*e));
  const Millis now = clock_.now();
  if (auto e = check_leave_request(request, now)) return done(std::move(*e));
  for (const auto& [id, l] : leaves_)
    if (l.worker == worker && overlaps(l, request.from, request.to))
      return done(make_error(ErrorCode::conflict,
                             "worker " + worker + " is already on leave from " + iso_utc(l.from) + " to " +
                                 iso_utc(l.to) + " (leave " + std::to_string(l.id) + ")",
                             "from"));
  Leave leave{next_leave_id_++,   worker,        request.from, request.to,   std::move(request.reason),
              request.move_cases, actor.label(), now,          std::nullopt, 0};
  leaves_[leave.id] = leave;
  Change change;
  change.leaves.push_back(leave);
  change.audit.push_back(
      {now,
       actor.label(),
       "leave",
       worker,
       "leave " + std::to_string(leave.id) + " scheduled " + iso_utc(leave.from) + " to " + iso_utc(leave.to),
       {},
       leave_fields(leave, LeaveState::upcoming)});
  // A leave from now (within the minute allowed) starts at once.
  std::vector<CaseNotice> notices;
  apply_leave_boundaries_locked(now, change, notices);
  const Leave result = leaves_.at(leave.id);
  submit_locked(std::move(change), std::move(notices), [result, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(result);
  });
}

Result<std::vector<Leave>> Center::leaves_of(const WorkerId& worker, const Actor& actor) const {
  std::lock_guard lock(mutex_);
  auto w = workers_.find(worker);
  if (w == workers_.end()) return make_error(ErrorCode::not_found, "no worker " + worker);
  if (auto e = check_leave(actor, w->second, false, places())) return std::move(*e);
  std::vector<Leave> out;
  for (auto it = leaves_.rbegin(); it != leaves_.rend(); ++it)
    if (it->second.worker == worker) out.push_back(it->second);
  return out;
}

void Center::end_leave(const WorkerId& worker, LeaveId id, const Actor& actor,
                       std::function<void(Result<Leave>)> done) {
  std::lock_guard lock(mutex_);
  auto w = workers_.find(worker);
  if (w == workers_.end()) return done(make_error(ErrorCode::not_found, "no worker " + worker));
  if (auto e = check_leave(actor, w->second, true, places())) return done(std::move(*e));
  auto it = leaves_.find(id);
  if (it == leaves_.end() || it->second.worker != worker)
    return done(make_error(ErrorCode::not_found, "no leave " + std::to_string(id) + " of worker " + worker));
  const Millis now = clock_.now();
  Leave& leave = it->second;
  const LeaveState state = state_of(leave, now);
  if (state == LeaveState::past || state == LeaveState::cancelled)
    return done(make_error(ErrorCode::conflict, "leave " + std::to_string(id) + " is already over"));
  const Leave before = leave;
  Change change;
  std::vector<CaseNotice> notices;
  if (state == LeaveState::upcoming && leave.applied == 0) {
    leave.cancelled_at = now;
    change.leaves.push_back(leave);
    change.audit.push_back({now, actor.label(), "leave", worker, "leave " + std::to_string(id) + " cancelled",
                            leave_fields(before, LeaveState::upcoming), leave_fields(leave, LeaveState::cancelled)});
  } else {
    leave.to = std::max(leave.from, now);
    change.audit.push_back({now, actor.label(), "leave", worker, "leave " + std::to_string(id) + " ended early",
                            leave_fields(before, LeaveState::current), leave_fields(leave, LeaveState::past)});
    if (leave.applied == 0) {
      // The clock passed its start but the start was not applied yet: it never is.
      leave.applied = 2;
      change.leaves.push_back(leave);
    } else {
      apply_leave_boundaries_locked(now, change, notices);  // ends it now (and stores it)
    }
  }
  submit_locked(std::move(change), std::move(notices), [l = leave, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(l);
  });
}

Result<Leave> Center::schedule_leave_and_wait(const WorkerId& worker, LeaveRequest request, const Actor& actor) {
  return wait_result<Leave>([&](auto cb) { schedule_leave(worker, std::move(request), actor, std::move(cb)); });
}

Result<Leave> Center::end_leave_and_wait(const WorkerId& worker, LeaveId id, const Actor& actor) {
  return wait_result<Leave>([&](auto cb) { end_leave(worker, id, actor, std::move(cb)); });
}

std::optional<Millis> Center::next_leave_boundary_locked() const {
  std::optional<Millis> next;
  for (const auto& [id, l] : leaves_)
    if (auto b = next_boundary(l); b && (!next || *b < *next)) next = b;
  return next;
}

std::size_t Center::apply_leave_boundaries_locked(Millis now, Change& change, std::vector<CaseNotice>& notices) {
  std::size_t applied = 0;
  const Actor system{};
  // In time order, so that a worker's leave that ended before the next one started leaves
  // the worker on leave.
  std::vector<std::pair<Millis, LeaveId>> due;
  for (const auto& [id, l] : leaves_)
    if (auto b = next_boundary(l); b && *b <= now) due.emplace_back(*b, id);
  std::sort(due.begin(), due.end());
  for (std::size_t i = 0; i < due.size(); ++i) {
    Leave& l = leaves_.at(due[i].second);
    auto w = workers_.find(l.worker);
    while (auto b = next_boundary(l)) {
      if (*b > now) break;
      const bool starting = l.applied == 0;
      const Leave before = l;
      l.applied += 1;
      if (w != workers_.end()) {
        const DutyStatus was = w->second.status;
        w->second.status = starting ? DutyStatus::leave : (was == DutyStatus::leave ? DutyStatus::on_duty : was);
        change.workers.push_back(w->second);
        change.audit.push_back(
            {now, system.label(), "leave", l.worker,
             "leave " + std::to_string(l.id) + (starting ? " started at " : " ended at ") + iso_utc(*b),
             leave_fields(before, starting ? LeaveState::upcoming : LeaveState::current),
             leave_fields(l, starting ? LeaveState::current : LeaveState::past)});
        if (starting && l.move_cases) move_open_cases_locked(l.worker, now, change, notices);
      }
      ++applied;
    }
    change.leaves.push_back(l);
  }
  return applied;
}

void Center::move_open_cases_locked(const WorkerId& worker, Millis now, Change& change,
                                    std::vector<CaseNotice>& notices) {
  const Actor system{};
  for (auto& [id, c] : open_) {
    if (c.assignee != worker || (c.state != CaseState::dispatched && c.state != CaseState::accepted)) continue;
    auto g = grids_.find(c.grid);
    if (g == grids_.end()) continue;
    auto a = assign_locked(c, g->second);
    if (a.worker == c.assignee) continue;
    auto e = hand_over_locked(c, a.worker, system, now, "worker " + worker + " is on leave: " + a.reason);
    change.cases.push_back(c);
    change.events.push_back(e);
    notices.push_back({"case.updated", c, {e}, worker, {}});
  }
}

}  // namespace gridkeeper::dispatch
