#include "dispatch/center.hpp"

#include <algorithm>

// The Center's escalation: deadline rules, the schedule of what comes due, and the tick.
namespace gridkeeper::dispatch {

namespace {
constexpr std::size_t kScheduleSlack = 4096;  // stale schedule entries kept before the schedule is made anew
}  // namespace

DeadlineRules Center::rules_locked(const Case& c) const {
  return {options_.calendar.get(), emergency_locked(c) ? options_.emergency_factor : 1.0};
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
  auto next = next_leave_boundary_locked();
  if (auto g = next_generation_locked(); g && (!next || *g < *next)) next = g;
  if (!due_.empty() && (!next || due_.top().at < *next)) next = due_.top().at;
  return next;
}

std::size_t Center::tick(std::size_t max_steps) {
  std::lock_guard lock(mutex_);
  const Millis now = clock_.now();
  const Actor system{};
  Change change;
  std::vector<CaseNotice> notices;
  // Leave boundaries first: a case that falls due is then handled as the worker now stands.
  std::size_t steps = apply_leave_boundaries_locked(now, change, notices);
  // A grid generation due switches routing before anything else is judged.
  steps += apply_due_generation_locked(now, change, notices);
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
    notices.push_back({"case." + std::string(to_string(e.type)), c, {std::move(e)}, {}, {}});
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

}  // namespace gridkeeper::dispatch
