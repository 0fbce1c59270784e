#include "dispatch/case_record.hpp"

#include "dispatch/assessment.hpp"
#include "dispatch/overdue_colour.hpp"

namespace gridkeeper::dispatch {

namespace {
enum Flag : int {
  kResolutionStands = 1 << 0,
  kHandled = 1 << 1,
  kReworked = 1 << 2,
  kDeferred = 1 << 3,
  kAcceptanceMissed = 1 << 4,
  kClosed = 1 << 5,
  kCancelled = 1 << 6,
  kUrged = 1 << 7,
};
}  // namespace

int CaseTrack::flags() const {
  return (resolution_stands ? kResolutionStands : 0) | (handled ? kHandled : 0) | (reworked ? kReworked : 0) |
         (deferred ? kDeferred : 0) | (acceptance_missed ? kAcceptanceMissed : 0) | (closed ? kClosed : 0) |
         (cancelled ? kCancelled : 0) | (urged ? kUrged : 0);
}

void CaseTrack::set_flags(int bits) {
  resolution_stands = bits & kResolutionStands;
  handled = bits & kHandled;
  reworked = bits & kReworked;
  deferred = bits & kDeferred;
  acceptance_missed = bits & kAcceptanceMissed;
  closed = bits & kClosed;
  cancelled = bits & kCancelled;
  urged = bits & kUrged;
}

void fold(CaseTrack& t, const CaseEvent& e) {
  switch (e.type) {
    case EventType::register_case:
      if (!t.dispatched_at) t.dispatched_at = e.at;
      break;
    case EventType::accept:
      if (!t.first_accept_at) t.first_accept_at = e.at;
      break;
    case EventType::resolve:
      t.handled = true;
      t.last_resolve_at = e.at;
      t.resolution_stands = true;
      break;
    case EventType::reopen:
      t.reworked = true;
      t.resolution_stands = false;
      break;
    case EventType::defer:
      t.deferred = true;
      break;
    case EventType::escalated:
      // Beyond the top's, an old history's repeats add nothing.
      if (t.escalations >= kEscalationsToTop) break;
      t.escalated_at[static_cast<std::size_t>(t.escalations)] = e.at;
      ++t.escalations;
      if (!t.overdue_at) {
        t.overdue_at = e.at;
        if (e.urgency_from) note_missed(t.overdue_colour, *e.urgency_from);  // as the map counts it
      }
      if (e.deadline == Deadline::accept) t.acceptance_missed = true;
      break;
    case EventType::close:
      t.closed = true;
      t.closed_at = e.at;
      break;
    case EventType::cancel:
      t.cancelled = true;
      t.closed_at = e.at;
      break;
    case EventType::urge:
      t.urged = true;
      break;
    case EventType::rated:
      if (e.score && *e.score >= 1 && *e.score <= 5) t.rating = e.score;
      break;
    default:
      break;
  }
}

void set_columns(CaseRecord& r, const Case& c) {
  r.id = c.id;
  r.category = c.category;
  r.assignee = c.assignee;
  r.grid = c.grid;
  r.community = c.community;
  r.street = c.street;
  r.district = c.district;
  r.created_at = c.created_at;
  r.state = c.state;
  r.paused_at = c.paused_at;
  r.accept_by = c.accept_by;
  r.resolve_by = c.resolve_by;
  r.deferred = c.deferred;
}

void facts_into(const CaseRecord& r, Millis as_of, CaseFacts& f) {
  const CaseTrack& t = r.track;
  f.id = r.id;
  f.category = r.category;
  f.worker = r.assignee;
  f.grid = r.grid;
  f.community = r.community;
  f.street = r.street;
  f.taken_in_at = r.created_at;
  f.cancelled = t.cancelled;
  f.deferred = t.deferred || r.deferred;
  f.handled = t.handled;
  f.closed = t.closed;
  f.reworked = t.reworked;
  f.overdue = t.overdue_at.has_value();
  f.overdue_colour = t.overdue_colour;
  f.overdue_at = t.overdue_at;
  f.escalations = t.escalations;
  f.urged = t.urged;
  f.closed_at = t.closed_at;
  f.rating = t.rating;
  const Millis dispatched = t.dispatched_at.value_or(r.created_at);
  const bool clock_running = (r.state == CaseState::dispatched || r.state == CaseState::accepted) && !r.paused_at;
  f.due = f.closed || f.overdue || (clock_running && r.resolve_by && *r.resolve_by <= as_of);
  f.closed_on_time = f.closed && !f.overdue;
  f.acceptance_due = t.first_accept_at || t.acceptance_missed ||
                     (r.state == CaseState::dispatched && !r.paused_at && r.accept_by && *r.accept_by <= as_of);
  f.accepted_on_time = t.first_accept_at && !t.acceptance_missed;
  f.time_to_accept.reset();
  f.time_to_resolve.reset();
  if (t.first_accept_at) f.time_to_accept = *t.first_accept_at - dispatched;
  if (t.last_resolve_at && t.resolution_stands) f.time_to_resolve = *t.last_resolve_at - dispatched;
}

void summary_into(const CaseRecord& r, Millis as_of, CaseSummary& out) {
  facts_into(r, as_of, out.facts);
  out.escalated_at.assign(r.track.escalated_at.begin(),
                          r.track.escalated_at.begin() + static_cast<std::ptrdiff_t>(r.track.escalations));
}

}  // namespace gridkeeper::dispatch
