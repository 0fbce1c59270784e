#pragma once
// Leave (请假) of workers and the working calendar in force (GET /calendar).
#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"
#include "web/handlers/group.hpp"

namespace gridkeeper::web {

class LeaveHandlers : HandlerGroup {
 public:
  LeaveHandlers(Router& router, const ApiOptions& options, dispatch::Center& center, const dispatch::Clock& clock);

  void list_leave(const CallPtr& call);
  void add_leave(const CallPtr& call);
  void end_leave(const CallPtr& call);
  void calendar(const CallPtr& call);

 private:
  dispatch::Center& center;
  const dispatch::Clock& clock;
};

// The leave as the API answers it; `now` decides its state.
boost::json::object leave_json(const dispatch::Leave& leave, dispatch::Millis now);
// POST /workers/{id}/leave: {from, to, reason, open_cases?: "move" | "keep"}.
dispatch::Result<dispatch::LeaveRequest> leave_from(const boost::json::object& body);
// The working calendar of a local year: weekly hours, holidays and 调休 working days.
boost::json::object calendar_json(const dispatch::WorkingCalendar& calendar, int year);

}  // namespace gridkeeper::web
