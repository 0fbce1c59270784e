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
  register_case, accept, resolve, close, reopen, return_case, cancel, reassign,
  request_deferral,  // a worker asks for more time (缓办/延期申请)
  defer,             // an operator or supervisor approves: the case's clock pauses
  resume,            // the clock runs again, deadlines moved by the pause
  note,              // a worker's progress note (进展): the state stays
};
enum class Role { admin, operator_, supervisor, worker, system };
// The tier that answers for a case now; rises one step each time a deadline passes.
enum class Tier { worker, community, street, district };
enum class DutyStatus { on_duty, off_duty, leave };

inline constexpr std::array kUrgencies{Urgency::yellow, Urgency::orange, Urgency::red};
inline constexpr std::array kCaseStates{CaseState::reported, CaseState::dispatched, CaseState::accepted,
                                        CaseState::resolved,  CaseState::closed,     CaseState::cancelled};
inline constexpr std::array kActions{Action::register_case, Action::accept,           Action::resolve,
                                     Action::close,         Action::reopen,           Action::return_case,
                                     Action::cancel,        Action::reassign,         Action::request_deferral,
                                     Action::defer,         Action::resume,           Action::note};
inline constexpr std::array kRoles{Role::admin, Role::operator_, Role::supervisor, Role::worker};

std::string_view to_string(Level);
std::string_view to_string(Urgency);
std::string_view to_string(CaseState);
std::string_view to_string(Action);
std::string_view to_string(Role);
std::string_view to_string(Tier);
std::string_view to_string(DutyStatus);
std::optional<Level> level_from(std::string_view);
std::optional<Urgency> urgency_from(std::string_view);
std::optional<CaseState> case_state_from(std::string_view);
std::optional<Action> action_from(std::string_view);
std::optional<Role> role_from(std::string_view);
std::optional<Tier> tier_from(std::string_view);
std::optional<DutyStatus> duty_status_from(std::string_view);

// A node of the hierarchy district -> street/town -> community/village -> grid.
struct Jurisdiction {
  std::string code;
  std::string name;
  Level level = Level::grid;
  std::string parent;  // empty at the top
  bool emergency = false;  // 平战切换: streets and districts may switch to emergency mode
};

// A recorded change outside the cases: emergency mode switches, category deadlines,
// duty status, grid posts.
struct AuditEntry {
  Millis at = 0;
  std::string actor;
  std::string kind;     // mode | category | worker_status | grid_posts
  std::string subject;  // the jurisdiction, category, worker or grid
  std::string detail;
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
  std::array<Deadlines, 3> sla;  // by urgency
  bool working_time = false;     // deadlines count working hours (red always counts clock time)
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
  int rework_count = 0;
  std::string return_reason;
  bool deferred = false;            // a deferral was approved at some point (assessment leaves it out)
  std::optional<Millis> paused_at;  // the clock is paused by an approved deferral since then
  // At the top (red, district) escalation stops: the district's last reminder of the case.
  std::optional<Millis> reminded_at;

  bool open() const { return state != CaseState::closed && state != CaseState::cancelled; }
};

// One step of a case's history; the history of a case and the audit trail are one table.
struct CaseEvent {
  std::int64_t seq = 0;  // global order, assigned when stored
  CaseId case_id = 0;
  Millis at = 0;
  std::string type;   // "created", "register", "accept", ..., "assigned", "handover", "escalated"
  std::string actor;  // "user:<id>" or "system"
  CaseState from_state = CaseState::reported;
  CaseState to_state = CaseState::reported;
  WorkerId assignee;
  std::string note;
  std::string reason;  // why: assignment rule, return reason, handover
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
