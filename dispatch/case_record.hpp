#pragma once
// What the reports read of a case, kept incrementally: the case's columns that the figures
// look at, and a CaseTrack, what its events have said so far. `fold` adds one event to a
// track; `facts_into` and `summary_into` judge a record as of a moment. The replay of a
// whole history (facts_of, summary_of in dispatch/assessment.hpp) and the rows storage
// keeps per case are both made by these functions, so each figure's rule exists once.
#include <array>
#include <optional>
#include <string>

#include "dispatch/escalation.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

struct CaseFacts;
struct CaseSummary;

// What a case's events say, in the order they happened.
struct CaseTrack {
  std::optional<Millis> dispatched_at;    // the first registration
  std::optional<Millis> first_accept_at;  // the first acceptance
  std::optional<Millis> last_resolve_at;  // the last resolution
  bool resolution_stands = false;         // resolved, and not reopened since
  bool handled = false;                   // resolved at least once
  bool reworked = false;                  // reopened at least once
  bool deferred = false;                  // a deferral was approved at some point
  bool acceptance_missed = false;         // a counted escalation for the acceptance deadline
  bool closed = false;
  bool cancelled = false;
  bool urged = false;                                    // urged (催办) at least once
  std::optional<Millis> closed_at;                       // closed or cancelled
  std::optional<Millis> overdue_at;                      // the first counted escalation
  std::optional<Urgency> overdue_colour;                 // the colour whose deadline it missed first
  int escalations = 0;                                   // counted: at most kEscalationsToTop
  std::array<Millis, kEscalationsToTop> escalated_at{};  // the moments of the counted ones
  std::optional<int> rating;                             // the latest follow-up rating, 1-5

  // The flags as one integer (storage keeps them so) and back.
  int flags() const;
  void set_flags(int bits);
};

void fold(CaseTrack& track, const CaseEvent& event);

// A case as the reports read it: its columns and its track.
struct CaseRecord {
  CaseId id = 0;
  std::string category;
  WorkerId assignee;
  std::string grid, community, street, district;
  Millis created_at = 0;
  CaseState state = CaseState::reported;
  std::optional<Millis> paused_at, accept_by, resolve_by;
  bool deferred = false;
  CaseTrack track;
};

// The record's columns from the case (its track is left as it is).
void set_columns(CaseRecord& r, const Case& c);

// What the record contributes to the figures as of `as_of` (the resolution and acceptance
// deadlines that have passed by then). `out`'s text is reused.
void facts_into(const CaseRecord& r, Millis as_of, CaseFacts& out);
void summary_into(const CaseRecord& r, Millis as_of, CaseSummary& out);

}  // namespace gridkeeper::dispatch
