#include "dispatch/leave.hpp"

#include <chrono>
#include <cstdio>

#include "dispatch/text_rules.hpp"

namespace gridkeeper::dispatch {

std::string_view to_string(LeaveState s) {
  switch (s) {
    case LeaveState::upcoming:
      return "upcoming";
    case LeaveState::current:
      return "current";
    case LeaveState::past:
      return "past";
    case LeaveState::cancelled:
      return "cancelled";
  }
  return "past";
}

LeaveState state_of(const Leave& leave, Millis now) {
  if (leave.cancelled_at) return LeaveState::cancelled;
  if (now < leave.from) return LeaveState::upcoming;
  if (now < leave.to) return LeaveState::current;
  return LeaveState::past;
}

Status check_leave_request(const LeaveRequest& r, Millis now) {
  if (r.from < now - kLeavePastSlack)
    return make_error(ErrorCode::invalid_value, "a leave cannot start in the past", "from");
  if (r.to <= r.from) return make_error(ErrorCode::invalid_value, "a leave ends after it starts", "to");
  if (r.to - r.from > kMaxLeaveLength)
    return make_error(ErrorCode::invalid_value, "a leave lasts at most a year", "to");
  if (r.reason.empty()) return make_error(ErrorCode::invalid_value, "a leave needs a reason", "reason");
  return check_text(r.reason, kMaxLeaveReason, "reason");
}

bool overlaps(const Leave& leave, Millis from, Millis to) {
  return !leave.cancelled_at && leave.from < to && from < leave.to;
}

std::optional<Millis> next_boundary(const Leave& leave) {
  if (leave.cancelled_at || leave.applied >= 2) return std::nullopt;
  return leave.applied == 0 ? leave.from : leave.to;
}

std::string iso_utc(Millis t) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds{t}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return out;
}

}  // namespace gridkeeper::dispatch
