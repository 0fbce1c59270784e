// The access policy of accounts (GET/POST/PUT /users, resets, imports): dispatch/access.hpp.
#include "dispatch/access.hpp"

namespace gridkeeper::dispatch {

namespace {
bool within(const Actor& actor, const std::string& code, const Hierarchy& places) {
  return !code.empty() && places.contains(actor.scope, code);
}
}  // namespace

bool sees_account(const Actor& actor, const AccountPlace& account, const Hierarchy& places) {
  if (!may(actor, Permission::view_users)) return false;
  if (actor.scope.empty()) return true;
  return within(actor, account.scope, places) || within(actor, account.worker_community, places);
}

Status check_account_worker(Role role, const WorkerId& worker_id, const std::string& field) {
  if (role == Role::worker && worker_id.empty())
    return make_error(ErrorCode::invalid_value, "a worker's account needs its worker_id", field);
  if (role != Role::worker && !worker_id.empty())
    return make_error(ErrorCode::invalid_value, "only a worker's account has a worker_id", field);
  return std::nullopt;
}

Status check_account_place(const Actor& actor, const AccountPlace& account, const Hierarchy& places) {
  if (auto e = check(actor, Permission::manage_users)) return e;
  if (actor.scope.empty()) return std::nullopt;
  if (account.scope.empty() && account.worker_community.empty())
    return make_error(ErrorCode::forbidden, "an account without a scope is wider than your scope " + actor.scope,
                      "scope");
  if (!account.scope.empty() && !within(actor, account.scope, places))
    return make_error(ErrorCode::forbidden, "scope " + account.scope + " lies outside your scope " + actor.scope,
                      "scope");
  if (!account.worker_community.empty() && !within(actor, account.worker_community, places))
    return make_error(ErrorCode::forbidden, "the worker lies outside your scope " + actor.scope, "worker_id");
  return std::nullopt;
}

Status check_account_change(const Actor& actor, const User& before, const User& after,
                            std::size_t other_active_admins) {
  if (actor.user_id == before.id && before.active && !after.active)
    return make_error(ErrorCode::conflict, "you cannot disable your own account", "disabled");
  if (actor.user_id == before.id && before.role != after.role)
    return make_error(ErrorCode::conflict, "you cannot change your own role", "role");
  const bool admin_before = before.active && before.role == Role::admin;
  const bool admin_after = after.active && after.role == Role::admin;
  if (admin_before && !admin_after && other_active_admins == 0)
    return make_error(ErrorCode::conflict, "the last active admin must stay an active admin",
                      after.active ? "role" : "disabled");
  return std::nullopt;
}

}  // namespace gridkeeper::dispatch
