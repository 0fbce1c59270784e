#pragma once
// The events of a case's history and the data they carry. Each kind of event that carries
// data carries it in typed fields of CaseEvent, stored in columns of its own and answered
// in JSON under the same names; `reason` is the same data in words, for people, and
// nothing reads it back.
//
// | event        | typed fields                                                        |
// |--------------|---------------------------------------------------------------------|
// | created      | urgency_from, urgency_to when emergency mode raised the colour      |
// | register, reassign, return, handover | assignee_from when the case changed hands   |
// | handover     | posts: the grid's owner and backup before and after                 |
// | warned       | deadline (warned of)                                                |
// | escalated    | deadline (missed), urgency_from/to, tier_from/to                    |
// | reminded     | deadline (missed)                                                   |
// | resume       | paused_ms                                                           |
// | reopen       | rework                                                              |
// | rated        | score                                                               |
#include <string>

#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// The words for an event whose reason is made from its typed data alone: warned,
// escalated, reminded, rated, resume and reopen. Empty for the others, whose reasons come
// from elsewhere (the assignment rule, a return's note, the source of a case).
std::string reason_of(const CaseEvent& e);

}  // namespace gridkeeper::dispatch
