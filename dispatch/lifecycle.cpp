#include "dispatch/lifecycle.hpp"

#include <string>

namespace gridkeeper::dispatch {

namespace {
using S = CaseState;
using A = Action;
using R = Role;
constexpr RoleSet kDesk{R::operator_, R::admin};  // the command center
constexpr RoleSet kSupervisor{R::supervisor};
constexpr RoleSet kStaff = kDesk | kSupervisor;
constexpr RoleSet kWorker{R::worker};
constexpr Holder kAnyone = Holder::anyone, kAssignee = Holder::assignee;
constexpr ClockRule kAnyClock = ClockRule::any, kRunning = ClockRule::running, kPaused = ClockRule::paused;
constexpr TierRule kAnyTier = TierRule::any, kEscalated = TierRule::escalated;

constexpr std::string_view kReturnWhy = "returning a case needs a reason in note";
constexpr std::string_view kAskWhy = "a deferral request needs a reason in note";
constexpr std::string_view kDeferWhy = "a deferral needs a reason in note";
constexpr std::string_view kNoteWhy = "a progress note needs a text";
constexpr std::string_view kUrgeWhy = "urging a case needs a note";
// 催办: supervisors, and admins who supervise everything.
constexpr RoleSet kUrgers{R::supervisor, R::admin};

constexpr TransitionRule kTable[] = {
    // from         action                roles        to              holder     clock      tier        note
    {S::reported, A::register_case, kDesk, S::dispatched, kAnyone, kAnyClock, kAnyTier, {}},
    {S::reported, A::reassign, kDesk, S::dispatched, kAnyone, kAnyClock, kAnyTier, {}},
    {S::reported, A::cancel, kDesk, S::cancelled, kAnyone, kAnyClock, kAnyTier, {}},

    {S::dispatched, A::accept, kWorker, S::accepted, kAssignee, kAnyClock, kAnyTier, {}},
    {S::dispatched, A::return_case, kWorker, S::reported, kAssignee, kAnyClock, kAnyTier, kReturnWhy},
    {S::dispatched, A::reassign, kDesk, S::dispatched, kAnyone, kAnyClock, kAnyTier, {}},
    // A supervisor re-dispatches only cases escalated to a supervising tier.
    {S::dispatched, A::reassign, kSupervisor, S::dispatched, kAnyone, kAnyClock, kEscalated, {}},
    {S::dispatched, A::cancel, kDesk, S::cancelled, kAnyone, kAnyClock, kAnyTier, {}},

    {S::accepted, A::resolve, kWorker, S::resolved, kAssignee, kAnyClock, kAnyTier, {}},
    {S::accepted, A::return_case, kWorker, S::reported, kAssignee, kAnyClock, kAnyTier, kReturnWhy},
    {S::accepted, A::reassign, kDesk, S::dispatched, kAnyone, kAnyClock, kAnyTier, {}},
    {S::accepted, A::reassign, kSupervisor, S::dispatched, kAnyone, kAnyClock, kEscalated, {}},
    {S::accepted, A::cancel, kDesk, S::cancelled, kAnyone, kAnyClock, kAnyTier, {}},

    // Deferral keeps the state; it pauses and resumes the clock. Asking for more time
    // while the clock stands still asks for nothing.
    {S::dispatched, A::request_deferral, kWorker, S::dispatched, kAssignee, kRunning, kAnyTier, kAskWhy},
    {S::accepted, A::request_deferral, kWorker, S::accepted, kAssignee, kRunning, kAnyTier, kAskWhy},
    {S::dispatched, A::defer, kStaff, S::dispatched, kAnyone, kRunning, kAnyTier, kDeferWhy},
    {S::accepted, A::defer, kStaff, S::accepted, kAnyone, kRunning, kAnyTier, kDeferWhy},
    {S::dispatched, A::resume, kStaff, S::dispatched, kAnyone, kPaused, kAnyTier, {}},
    {S::accepted, A::resume, kStaff, S::accepted, kAnyone, kPaused, kAnyTier, {}},

    // A progress note keeps the state too.
    {S::dispatched, A::note, kWorker, S::dispatched, kAssignee, kAnyClock, kAnyTier, kNoteWhy},
    {S::accepted, A::note, kWorker, S::accepted, kAssignee, kAnyClock, kAnyTier, kNoteWhy},

    // Urging (催办) keeps the state: the holder is told at once; it is a step of the history.
    {S::dispatched, A::urge, kUrgers, S::dispatched, kAnyone, kAnyClock, kAnyTier, kUrgeWhy},
    {S::accepted, A::urge, kUrgers, S::accepted, kAnyone, kAnyClock, kAnyTier, kUrgeWhy},

    {S::resolved, A::close, kDesk, S::closed, kAnyone, kAnyClock, kAnyTier, {}},
    {S::resolved, A::reopen, kDesk, S::dispatched, kAnyone, kAnyClock, kAnyTier, {}},
};

Error stale(const Case& c, std::int64_t version) {
  return make_error(ErrorCode::stale_version,
                    "case " + std::to_string(c.id) + " is at version " + std::to_string(c.version) + ", not " +
                        std::to_string(version),
                    "version");
}
}  // namespace

std::span<const TransitionRule> transition_table() { return kTable; }

std::string_view to_string(ClockRule v) {
  switch (v) {
    case ClockRule::any:
      return "any";
    case ClockRule::running:
      return "running";
    case ClockRule::paused:
      return "paused";
  }
  return "any";
}

std::string_view to_string(TierRule v) {
  switch (v) {
    case TierRule::any:
      return "any";
    case TierRule::escalated:
      return "escalated";
  }
  return "any";
}

const TransitionRule* find_rule(CaseState state, Action action, Role role) {
  for (const auto& rule : kTable)
    if (rule.from == state && rule.action == action && rule.roles.has(role)) return &rule;
  return nullptr;
}

Result<CaseState> check_transition(const Case& c, Action action, Role role, std::int64_t version) {
  bool role_ever = false, state_allows = false;
  for (const auto& rule : kTable) {
    if (rule.action != action) continue;
    role_ever |= rule.roles.has(role);
    if (rule.from != c.state) continue;
    state_allows = true;
    if (rule.roles.has(role)) {
      if (version != c.version) return stale(c, version);
      return rule.to;
    }
  }
  const std::string what = std::string(to_string(action));
  if (!role_ever)
    return make_error(ErrorCode::forbidden, "a " + std::string(to_string(role)) + " may not " + what + " cases",
                      "action");
  if (version != c.version) return stale(c, version);
  if (!state_allows)
    return make_error(ErrorCode::illegal_transition,
                      "cannot " + what + " a case that is " + std::string(to_string(c.state)), "action");
  return make_error(
      ErrorCode::forbidden,
      "a " + std::string(to_string(role)) + " may not " + what + " a case that is " + std::string(to_string(c.state)),
      "action");
}

}  // namespace gridkeeper::dispatch
