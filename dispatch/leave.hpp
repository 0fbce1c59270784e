#pragma once
// Leave (请假): a worker's scheduled absence. From `from` the worker's duty status is
// `leave` (new cases of its grids go to the B post, dispatch/policy.hpp), at `to` it is on
// duty again, both on the center's clock. With `move_cases` its open cases go to whoever
// the assignment rule picks (the B holder of their grid) when the leave starts.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

using LeaveId = std::int64_t;

struct Leave {
  LeaveId id = 0;
  WorkerId worker;
  Millis from = 0, to = 0;
  std::string reason;
  bool move_cases = false;  // open_cases: "move" (else "keep")
  std::string created_by;
  Millis created_at = 0;
  std::optional<Millis> cancelled_at;  // cancelled before it started
  int applied = 0;                     // boundaries applied: 0 none, 1 the start, 2 both
};

enum class LeaveState { upcoming, current, past, cancelled };
std::string_view to_string(LeaveState s);
LeaveState state_of(const Leave& leave, Millis now);

struct LeaveRequest {
  Millis from = 0, to = 0;
  std::string reason;
  bool move_cases = false;
};

inline constexpr std::size_t kMaxLeaveReason = 500;            // bytes
inline constexpr Millis kMaxLeaveLength = 366LL * 86'400'000;  // a year
inline constexpr Millis kLeavePastSlack = 60'000;              // `from` may lie this far in the past

// The rules of a new leave by themselves (not the overlap): invalid_value naming the field.
Status check_leave_request(const LeaveRequest& request, Millis now);
// Whether [from, to) meets a leave that is not cancelled.
bool overlaps(const Leave& leave, Millis from, Millis to);
// The next boundary of `leave` still to apply, if any.
std::optional<Millis> next_boundary(const Leave& leave);

// ISO 8601 UTC with milliseconds, for the audit trail's words.
std::string iso_utc(Millis t);

}  // namespace gridkeeper::dispatch
