#pragma once
// The domain of the command center: jurisdictions, grids and their A/B posts, workers,
// categories with their deadlines, cases and their append-only events.
// Times are UTC epoch milliseconds.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridkeeper::dispatch {

using Millis = std::int64_t;  // UTC epoch milliseconds
using CaseId = std::int64_t;
using WorkerId = std::string;  // as in the workers file, e.g. "W0001"
using UserId = std::int64_t;

enum class Level { district, street, community, grid };
enum class Urgency { yellow, orange, red };
enum class CaseState { reported, dispatched, accepted, resolved, closed, cancelled };
enum class Action {
  register_case,
  accept,
  resolve,
  close,
  reopen,
  return_case,
  cancel,
  reassign,
  request_deferral,  // a worker asks for more time (缓办/延期申请)
  defer,             // an operator or supervisor approves: the case's clock pauses
  resume,            // the clock runs again, deadlines moved by the pause
  note,              // a worker's progress note (进展): the state stays
  urge,              // 催办: a supervisor presses the case's holder, with a note; the state stays
};
enum class Role { admin, operator_, supervisor, worker, system };
// The tier that answers for a case now; rises one step each time a deadline passes.
enum class Tier { worker, community, street, district };
enum class DutyStatus { on_duty, off_duty, leave };
// What a step of a case's history was: a transition (named as its action), or the
// center's own doing. dispatch/events.hpp says which events carry which typed data.
enum class EventType {
  created,  // taken in
  register_case,
  accept,
  resolve,
  close,
  reopen,
  return_case,
  cancel,
  reassign,
  request_deferral,
  defer,
  resume,
  note,       // the transitions, one per Action
  handover,   // a grid's posts changed and the case went to another worker
  warned,     // 75 % of a deadline passed
  escalated,  // a deadline passed below the top: one colour and one tier up
  reminded,   // still overdue at the top (red, district)
  rated,      // a follow-up rating (回访) of a closed case
  photo,      // a photo attached to an open case
  urge,       // 催办 (a transition that keeps the state)
  regrid,     // a grid redraw moved the case to the grid its location now lies in
};
// The deadline an event is about: acceptance (签收) or resolution (办结).
enum class Deadline { accept, resolve };

inline constexpr std::array kUrgencies{Urgency::yellow, Urgency::orange, Urgency::red};
inline constexpr std::array kCaseStates{CaseState::reported, CaseState::dispatched, CaseState::accepted,
                                        CaseState::resolved, CaseState::closed,     CaseState::cancelled};
inline constexpr std::array kActions{Action::register_case, Action::accept,   Action::resolve,
                                     Action::close,         Action::reopen,   Action::return_case,
                                     Action::cancel,        Action::reassign, Action::request_deferral,
                                     Action::defer,         Action::resume,   Action::note,
                                     Action::urge};
inline constexpr std::array kRoles{Role::admin, Role::operator_, Role::supervisor, Role::worker};
inline constexpr std::array kEventTypes{
    EventType::created,   EventType::register_case, EventType::accept, EventType::resolve,  EventType::close,
    EventType::reopen,    EventType::return_case,   EventType::cancel, EventType::reassign, EventType::request_deferral,
    EventType::defer,     EventType::resume,        EventType::note,   EventType::handover, EventType::warned,
    EventType::escalated, EventType::reminded,      EventType::rated,  EventType::photo,    EventType::urge,
    EventType::regrid};

std::string_view to_string(Level);
std::string_view to_string(Urgency);
std::string_view to_string(CaseState);
std::string_view to_string(Action);
std::string_view to_string(Role);
std::string_view to_string(Tier);
std::string_view to_string(DutyStatus);
std::string_view to_string(EventType);
std::string_view to_string(Deadline);
std::optional<Level> level_from(std::string_view);
std::optional<Urgency> urgency_from(std::string_view);
std::optional<CaseState> case_state_from(std::string_view);
std::optional<Action> action_from(std::string_view);
std::optional<Role> role_from(std::string_view);
std::optional<Tier> tier_from(std::string_view);
std::optional<DutyStatus> duty_status_from(std::string_view);
std::optional<EventType> event_type_from(std::string_view);
std::optional<Deadline> deadline_from(std::string_view);
// The event a transition records: its action's name.
EventType event_type_of(Action);

// A node of the hierarchy district -> street/town -> community/village -> grid.
struct Jurisdiction {
  std::string code;
  std::string name;
  Level level = Level::grid;
  std::string parent;      // empty at the top
  bool emergency = false;  // 平战切换: streets and districts may switch to emergency mode
};

// A recorded change to the organisation (操作日志): emergency mode switches, categories and
// their deadlines, duty status, grid posts, accounts, the roster, leave, settings, Open311
// keys. `before` and `after` are JSON objects (as text) of the fields the change touched,
// empty when there was nothing before (a creation) or after (a deletion); `detail` says the
// change in words for people.
struct AuditEntry {
  Millis at = 0;
  std::string actor;
  std::string kind;     // mode | category | worker_status | grid_posts | user | worker | leave | setting | ...
  std::string subject;  // the jurisdiction, category, worker, grid, user or key
  std::string detail;
  std::string before;  // JSON object text, or empty
  std::string after;   // JSON object text, or empty
};

struct Grid {
  std::string code;
  std::string name;
  std::string community;
  std::int64_t population = 0;
  WorkerId owner;   // A post
  WorkerId backup;  // B post
};

struct Worker {
  WorkerId id;
  std::string name;
  std::string phone;
  std::string community;
  DutyStatus status = DutyStatus::on_duty;
  bool retired = false;  // left the roster: no new cases, no posts, listed only when asked for
};

// Who held a grid's A or B post, and when.
struct PostTerm {
  std::string grid;
  WorkerId worker;
  bool backup = false;  // B post
  Millis from = 0;
  std::optional<Millis> to;
};

struct Deadlines {
  std::int64_t accept_s = 0;
  std::int64_t resolve_s = 0;
  friend bool operator==(const Deadlines&, const Deadlines&) = default;
};

struct Category {
  std::string id;
  std::string name;
  std::array<Deadlines, 3> sla;       // by urgency
  bool working_time = false;          // deadlines count working hours (red always counts clock time)
  bool after_photo_required = false;  // resolving needs a photo of the work done (dispatch/case_view.hpp)
  bool callback = false;              // the worker calls the reporter back: sees the whole phone
  const Deadlines& deadlines(Urgency u) const { return sla[static_cast<std::size_t>(u)]; }
};

// Defaults of DESIGN.md: yellow 24 h / 5 d, orange 2 h / 24 h, red 30 min / 4 h.
std::array<Deadlines, 3> default_sla();

struct Reporter {
  std::string name;
  std::string phone;
};

struct Case {
  CaseId id = 0;
  CaseState state = CaseState::reported;
  Urgency urgency = Urgency::yellow;
  std::string category;
  std::string title;
  std::string description;
  std::string address;
  std::string source;
  Reporter reporter;
  double lon = 0, lat = 0;  // WGS-84
  std::string grid;         // empty when no grid contains the location
  std::string community, street, district;
  WorkerId assignee;  // empty: in the community's unassigned queue or the operator's
  Tier tier = Tier::worker;
  std::int64_t version = 1;
  Millis created_at = 0;
  Millis updated_at = 0;
  std::optional<Millis> accept_by;
  std::optional<Millis> resolve_by;
  // Warnings fall at 75 % of each deadline; kept with the case so a working calendar or
  // emergency factor that shaped the deadline shapes the warning too.
  std::optional<Millis> accept_warn_at;
  std::optional<Millis> resolve_warn_at;
  std::optional<Millis> accepted_at, resolved_at, closed_at;
  bool warned = false;
  bool overdue = false;
  // The colour whose deadline the case missed first (see overdue_colour_of); kept from the
  // first escalation on.
  std::optional<Urgency> overdue_colour;
  // The first deadline it missed: how long it is overdue (dispatch/case_clock.hpp).
  std::optional<Millis> overdue_at;
  int rework_count = 0;
  std::string return_reason;
  bool deferred = false;            // a deferral was approved at some point (assessment leaves it out)
  std::optional<Millis> paused_at;  // the clock is paused by an approved deferral since then
  // At the top (red, district) escalation stops: the district's last reminder of the case.
  std::optional<Millis> reminded_at;

  bool open() const { return state != CaseState::closed && state != CaseState::cancelled; }
};

// A grid's A and B posts before and after a change (empty: nobody).
struct PostChange {
  WorkerId owner_from, owner_to, backup_from, backup_to;
  friend bool operator==(const PostChange&, const PostChange&) = default;
};

// One step of a case's history. Events that carry data carry it in typed fields (see
// dispatch/events.hpp for which); `reason` is text for people and is never read back.
struct CaseEvent {
  std::int64_t seq = 0;  // global order, assigned when stored
  CaseId case_id = 0;
  Millis at = 0;
  EventType type = EventType::created;
  std::string actor;  // "user:<id>" or "system"
  CaseState from_state = CaseState::reported;
  CaseState to_state = CaseState::reported;
  WorkerId assignee;  // who holds the case after the event
  std::string note;
  std::string reason;  // why, in words: assignment rule, return reason, handover, escalation

  // warned: the deadline warned of; escalated and reminded: the deadline missed.
  std::optional<Deadline> deadline;
  // escalated: the colour and tier before and after; created: the colour emergency mode
  // raised the case from and to.
  std::optional<Urgency> urgency_from, urgency_to;
  std::optional<Tier> tier_from, tier_to;
  std::optional<int> score;         // rated: 1-5
  std::optional<Millis> paused_ms;  // resume: how long the clock stood still
  std::optional<int> rework;        // reopen: the case's rework count after it
  WorkerId assignee_from;           // the worker the event took the case from (empty: none)
  std::optional<PostChange> posts;  // handover: the grid's posts before and after
};

// Who is acting: a logged-in user or the system itself.
// How an actor reaches the center: staff through their accounts, residents' requests
// through the Open311 endpoint (an operator-like actor of the client key's scope).
enum class Channel { staff, open311 };
inline constexpr std::string_view kOpen311Source = "open311";  // a case's source when a resident sent it

struct Actor {
  UserId user_id = 0;
  std::string username;
  Role role = Role::system;
  std::string scope;   // jurisdiction code whose subtree the user may see; empty: everything
  WorkerId worker_id;  // for workers
  Channel channel = Channel::staff;
  std::string label() const;
};

}  // namespace gridkeeper::dispatch
