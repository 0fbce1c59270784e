#include "dispatch/lifecycle.hpp"

#include <string>

namespace gridkeeper::dispatch {

namespace {
using S = CaseState;
using A = Action;
using R = Role;
constexpr TransitionRule kTable[] = {
    {S::reported, A::register_case, R::operator_, S::dispatched},
    {S::reported, A::register_case, R::admin, S::dispatched},
    {S::reported, A::reassign, R::operator_, S::dispatched},
    {S::reported, A::reassign, R::admin, S::dispatched},
    {S::reported, A::cancel, R::operator_, S::cancelled},
    {S::reported, A::cancel, R::admin, S::cancelled},

    {S::dispatched, A::accept, R::worker, S::accepted},
    {S::dispatched, A::return_case, R::worker, S::reported},
    {S::dispatched, A::reassign, R::operator_, S::dispatched},
    {S::dispatched, A::reassign, R::admin, S::dispatched},
    {S::dispatched, A::reassign, R::supervisor, S::dispatched},
    {S::dispatched, A::cancel, R::operator_, S::cancelled},
    {S::dispatched, A::cancel, R::admin, S::cancelled},

    {S::accepted, A::resolve, R::worker, S::resolved},
    {S::accepted, A::return_case, R::worker, S::reported},
    {S::accepted, A::reassign, R::operator_, S::dispatched},
    {S::accepted, A::reassign, R::admin, S::dispatched},
    {S::accepted, A::reassign, R::supervisor, S::dispatched},
    {S::accepted, A::cancel, R::operator_, S::cancelled},
    {S::accepted, A::cancel, R::admin, S::cancelled},

    // Deferral keeps the state; it pauses and resumes the clock.
    {S::dispatched, A::request_deferral, R::worker, S::dispatched},
    {S::accepted, A::request_deferral, R::worker, S::accepted},
    {S::dispatched, A::defer, R::operator_, S::dispatched},
    {S::dispatched, A::defer, R::supervisor, S::dispatched},
    {S::dispatched, A::defer, R::admin, S::dispatched},
    {S::accepted, A::defer, R::operator_, S::accepted},
    {S::accepted, A::defer, R::supervisor, S::accepted},
    {S::accepted, A::defer, R::admin, S::accepted},
    {S::dispatched, A::resume, R::operator_, S::dispatched},
    {S::dispatched, A::resume, R::supervisor, S::dispatched},
    {S::dispatched, A::resume, R::admin, S::dispatched},
    {S::accepted, A::resume, R::operator_, S::accepted},
    {S::accepted, A::resume, R::supervisor, S::accepted},
    {S::accepted, A::resume, R::admin, S::accepted},

    // A progress note keeps the state too.
    {S::dispatched, A::note, R::worker, S::dispatched},
    {S::accepted, A::note, R::worker, S::accepted},

    {S::resolved, A::close, R::operator_, S::closed},
    {S::resolved, A::close, R::admin, S::closed},
    {S::resolved, A::reopen, R::operator_, S::dispatched},
    {S::resolved, A::reopen, R::admin, S::dispatched},
};
}  // namespace

std::span<const TransitionRule> transition_table() { return kTable; }

Result<CaseState> check_transition(const Case& c, Action action, Role role, std::int64_t version) {
  bool role_ever = false, state_allows = false;
  for (const auto& rule : kTable) {
    if (rule.action != action) continue;
    role_ever |= rule.role == role;
    if (rule.from != c.state) continue;
    state_allows = true;
    if (rule.role == role) {
      if (version != c.version)
        return make_error(ErrorCode::stale_version,
                          "case " + std::to_string(c.id) + " is at version " + std::to_string(c.version) +
                              ", not " + std::to_string(version),
                          "version");
      return rule.to;
    }
  }
  const std::string what = std::string(to_string(action));
  if (!role_ever)
    return make_error(ErrorCode::forbidden, "a " + std::string(to_string(role)) + " may not " + what + " cases",
                      "action");
  if (version != c.version)
    return make_error(ErrorCode::stale_version,
                      "case " + std::to_string(c.id) + " is at version " + std::to_string(c.version) + ", not " +
                          std::to_string(version),
                      "version");
  if (!state_allows)
    return make_error(ErrorCode::illegal_transition,
                      "cannot " + what + " a case that is " + std::string(to_string(c.state)), "action");
  return make_error(ErrorCode::forbidden,
                    "a " + std::string(to_string(role)) + " may not " + what + " a case that is " +
                        std::string(to_string(c.state)),
                    "action");
}

}  // namespace gridkeeper::dispatch
