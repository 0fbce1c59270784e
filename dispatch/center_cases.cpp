#include "dispatch/center.hpp"

#include "dispatch/case_view.hpp"
#include "dispatch/center_internal.hpp"
#include "dispatch/events.hpp"
#include "dispatch/text_rules.hpp"

// The Center's actions on one case: its transitions, photos and ratings.
namespace gridkeeper::dispatch {

using namespace detail;

void Center::transition(CaseId id, const TransitionRequest& req, const Actor& actor, CaseCallback done) {
  transition(id, req, actor, std::nullopt, std::move(done));
}

void Center::transition(CaseId id, const TransitionRequest& req, const Actor& actor, std::optional<Millis> latest_photo,
                        CaseCallback done) {
  if (auto e = check_text(req.note, kMaxText, "note", TextKind::multiline)) return done(std::move(*e));
  std::unique_lock lock(mutex_);
  auto it = open_.find(id);
  if (it == open_.end()) {
    lock.unlock();
    // Closed or cancelled cases are kept only in storage; every action on them is illegal.
    auto stored = ledger_.find_case(id);
    if (!stored) return done(make_error(ErrorCode::not_found, "no case " + std::to_string(id)));
    lock.lock();
    auto check =
        check_act(actor, *stored, req.action, req.any_version ? stored->version : req.version, req.note, places());
    lock.unlock();
    if (!check) return done(check.error());
    return done(make_error(ErrorCode::illegal_transition,
                           "case " + std::to_string(id) + " is " + std::string(to_string(stored->state))));
  }
  Case& c = it->second;
  // Who may take which step, on what conditions: the access policy over the lifecycle's table.
  // An urge (催办) need not name the version: it changes nothing the urger read.
  const auto version = req.any_version ? c.version : req.version;
  auto next = check_act(actor, c, req.action, version, req.note, places());
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
        if (w->second.retired)
          return done(make_error(ErrorCode::invalid_value, "worker " + *req.assignee + " has retired", "assignee_id"));
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
      if (category != categories_.end())
        if (auto e = check_after_photo(c, category->second, latest_photo)) return done(std::move(*e));
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
    case Action::urge:
      reason = req.note;
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
  CaseNotice notice{req.action == Action::urge ? "case.urged" : "case.updated", c, change.events, {}, {}};
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
        recount_locked(before.id, nullptr);
      }
      return done(std::move(*status));
    }
    done(after);
  });
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

}  // namespace gridkeeper::dispatch
