#include "dispatch/access.hpp"

#include "dispatch/lifecycle.hpp"

namespace gridkeeper::dispatch {

namespace {
using R = Role;
constexpr RoleSet kAdmin{R::admin, R::system};

// Which roles hold each permission, and the words for those who do not.
struct Grant {
  Permission permission;
  std::string_view name;
  RoleSet roles;
  std::string_view refusal;  // "{role}" stands for the actor's role
};
constexpr Grant kGrants[] = {
    {Permission::take_in, "take_in", {R::admin, R::operator_, R::system}, "a {role} may not take in cases"},
    {Permission::manage_posts,
     "manage_posts",
     {R::admin, R::operator_, R::system},
     "only an admin or operator may change a grid's posts"},
    {Permission::set_duty_status,
     "set_duty_status",
     {R::admin, R::operator_, R::supervisor, R::system},
     "a {role} may not set duty status"},
    {Permission::switch_mode,
     "switch_mode",
     {R::admin, R::supervisor, R::system},
     "only a supervisor or admin switches emergency mode"},
    {Permission::manage_categories, "manage_categories", kAdmin, "only an admin changes categories"},
    {Permission::manage_settings, "manage_settings", kAdmin, "only an admin changes the assessment settings"},
    {Permission::manage_client_keys, "manage_client_keys", kAdmin, "only an admin manages Open311 keys"},
    {Permission::move_clock, "move_clock", kAdmin, "only an admin moves the clock"},
    {Permission::add_photos,
     "add_photos",
     {R::admin, R::operator_, R::worker, R::system},
     "a {role} may not add photos"},
    {Permission::rate_cases,
     "rate_cases",
     {R::admin, R::operator_, R::system},
     "only an operator or admin records follow-up ratings"},
    {Permission::read_audit, "read_audit", kAdmin, "only an admin reads the audit log"},
    {Permission::manage_leave,
     "manage_leave",
     {R::admin, R::supervisor, R::system},
     "only a supervisor or admin schedules leave"},
    {Permission::manage_users, "manage_users", kAdmin, "only an admin manages accounts"},
    {Permission::view_users, "view_users", {R::admin, R::supervisor, R::system}, "a {role} may not read the accounts"},
    {Permission::manage_roster,
     "manage_roster",
     {R::admin, R::supervisor, R::system},
     "only an admin or supervisor manages the roster"},
    {Permission::view_basemap,
     "view_basemap",
     {R::admin, R::operator_, R::supervisor, R::worker, R::system},
     "a {role} may not read the map"},
};
constexpr bool grants_in_order() {
  for (std::size_t i = 0; i < std::size(kGrants); ++i)
    if (kGrants[i].permission != kPermissions[i] || static_cast<std::size_t>(kPermissions[i]) != i) return false;
  return std::size(kGrants) == kPermissions.size();
}
static_assert(grants_in_order(), "one grant per permission, in the enum's order");

const Grant& grant(Permission p) { return kGrants[static_cast<std::size_t>(p)]; }

bool is_worker(const Actor& a) { return a.role == R::worker; }
bool holds(const Actor& a, const WorkerId& worker) {
  return is_worker(a) && !a.worker_id.empty() && a.worker_id == worker;
}

// The conditions of a lifecycle row beyond role and state; nothing when they hold.
Status conditions(const TransitionRule& rule, const Actor& actor, const Case& c) {
  if (rule.tier == TierRule::escalated && c.tier == Tier::worker)
    return make_error(ErrorCode::forbidden,
                      "a " + std::string(to_string(actor.role)) + " may " + std::string(to_string(rule.action)) +
                          " only escalated cases",
                      "action");
  if (rule.holder == Holder::assignee && !holds(actor, c.assignee))
    return make_error(ErrorCode::forbidden, "case " + std::to_string(c.id) + " is not yours");
  if (rule.clock == ClockRule::running && c.paused_at)
    return make_error(ErrorCode::conflict, "case " + std::to_string(c.id) + " is already deferred");
  if (rule.clock == ClockRule::paused && !c.paused_at)
    return make_error(ErrorCode::conflict, "case " + std::to_string(c.id) + " is not deferred");
  return std::nullopt;
}
}  // namespace

bool covers(const Actor& actor, const std::string& code, const Hierarchy& places) {
  return actor.scope.empty() || places.contains(actor.scope, code);
}

std::string_view to_string(Permission p) { return grant(p).name; }

bool sees_audit_entry(const Actor& actor, const std::optional<std::string>& place, const Hierarchy& places) {
  if (!may(actor, Permission::read_audit)) return false;
  return !place || covers(actor, *place, places);
}

Status check_leave(const Actor& actor, const Worker& worker, bool change, const Hierarchy& places) {
  if (change || !is_worker(actor))
    if (auto e = check(actor, Permission::manage_leave)) return e;
  if (!sees(actor, worker, places)) return make_error(ErrorCode::not_found, "no worker " + worker.id);
  return std::nullopt;
}

bool may(const Actor& actor, Permission p) { return grant(p).roles.has(actor.role); }

Status check(const Actor& actor, Permission p) {
  if (may(actor, p)) return std::nullopt;
  std::string words(grant(p).refusal);
  if (auto at = words.find("{role}"); at != std::string::npos) words.replace(at, 6, to_string(actor.role));
  return make_error(ErrorCode::forbidden, std::move(words));
}

Status check_duty_status(const Actor& actor, const Worker& worker, const Hierarchy& places) {
  if (holds(actor, worker.id)) return std::nullopt;
  if (is_worker(actor)) return make_error(ErrorCode::forbidden, "a worker may set only its own status");
  if (may(actor, Permission::set_duty_status) && covers(actor, worker.community, places)) return std::nullopt;
  return make_error(ErrorCode::not_found, "no worker " + worker.id);
}

Status check_roster(const Actor& actor, const std::string& community, const Hierarchy& places, std::string_view field) {
  if (auto e = check(actor, Permission::manage_roster)) return e;
  if (covers(actor, community, places)) return std::nullopt;
  return make_error(ErrorCode::forbidden, "community " + community + " is outside your jurisdiction",
                    std::string(field));
}

bool sees(const Actor& actor, const Case& c, const Hierarchy& places) {
  switch (actor.role) {
    case R::system:
    case R::admin:
      return actor.scope.empty() || places.contains(actor.scope, c.grid);
    case R::worker:
      return holds(actor, c.assignee);
    case R::operator_:
    case R::supervisor:
      if (actor.scope.empty()) return true;
      if (c.grid.empty()) return false;
      return c.grid == actor.scope || c.community == actor.scope || c.street == actor.scope ||
             c.district == actor.scope || places.contains(actor.scope, c.grid);
  }
  return false;
}

bool sees(const Actor& actor, const Grid& grid, const Hierarchy& places) {
  if (is_worker(actor)) return holds(actor, grid.owner) || holds(actor, grid.backup);
  return covers(actor, grid.code, places);
}

bool sees(const Actor& actor, const Worker& worker, const Hierarchy& places) {
  if (is_worker(actor)) return holds(actor, worker.id);
  return covers(actor, worker.community, places);
}

bool sees_own_work_only(const Actor& actor) { return is_worker(actor); }

Sight sight_of(const Actor& actor) {
  if (is_worker(actor)) return Sight::by_assignee;
  return actor.scope.empty() ? Sight::everything : Sight::by_grid;
}

bool sees_area_counts(const Actor& actor, const std::string& code, const Hierarchy& places) {
  return !is_worker(actor) && covers(actor, code, places);
}

std::optional<CaseQuery> narrowed(CaseQuery query, const Actor& actor, const Hierarchy& places) {
  if (is_worker(actor)) {
    if (actor.worker_id.empty()) return std::nullopt;
    query.assignee = actor.worker_id;
  } else if (!actor.scope.empty()) {
    if (query.scope.empty()) query.scope = actor.scope;
    else if (!places.contains(actor.scope, query.scope)) return std::nullopt;
  }
  return query;
}

Result<ReportView> report_view(const Actor& actor, const std::string& scope_asked, bool scope_known,
                               const Hierarchy& places) {
  ReportView v;
  if (is_worker(actor)) {
    if (actor.worker_id.empty()) return make_error(ErrorCode::forbidden, "this account is not linked to a worker");
    v.assignee = actor.worker_id;
    return v;
  }
  if (!scope_asked.empty()) {
    if (!scope_known) return make_error(ErrorCode::not_found, "no jurisdiction or grid " + scope_asked, "scope");
    if (!covers(actor, scope_asked, places))
      return make_error(ErrorCode::forbidden, "scope " + scope_asked + " is outside your jurisdiction", "scope");
  }
  v.scope = scope_asked.empty() ? actor.scope : scope_asked;
  return v;
}

std::optional<Tier> tier_of(const Actor& actor, std::optional<Level> scope_level) {
  if (actor.role != R::operator_ && actor.role != R::supervisor) return std::nullopt;
  if (actor.scope.empty()) return Tier::district;
  if (!scope_level) return std::nullopt;
  switch (*scope_level) {
    case Level::district:
      return Tier::district;
    case Level::street:
      return Tier::street;
    case Level::community:
      return Tier::community;
    case Level::grid:
      return std::nullopt;
  }
  return std::nullopt;
}

bool hears_of_loss(const Actor& actor, const WorkerId& previous_assignee) {
  return !previous_assignee.empty() && holds(actor, previous_assignee);
}

Actor open311_client(const std::string& key_name, const std::string& scope) {
  Actor a;
  a.user_id = 0;
  a.username = "open311:" + key_name;
  a.role = R::operator_;
  a.scope = scope;
  a.channel = Channel::open311;
  return a;
}

bool may_act(const Actor& actor, const Case& c, Action action, const Hierarchy& places) {
  const auto* rule = find_rule(c.state, action, actor.role);
  return rule && !conditions(*rule, actor, c) && sees(actor, c, places);
}

Result<CaseState> check_act(const Actor& actor, const Case& c, Action action, std::int64_t version,
                            const std::string& note, const Hierarchy& places) {
  if (!sees(actor, c, places)) return make_error(ErrorCode::not_found, "no case " + std::to_string(c.id));
  auto next = check_transition(c, action, actor.role, version);
  if (!next) return next;
  const auto* rule = find_rule(c.state, action, actor.role);
  if (auto e = conditions(*rule, actor, c)) return std::move(*e);
  if (!rule->note_needed.empty() && note.empty())
    return make_error(ErrorCode::invalid_value, std::string(rule->note_needed), "note");
  return next;
}

bool may_photo(const Actor& actor, const Case& c, const Hierarchy& places) {
  return may(actor, Permission::add_photos) && c.open() && sees(actor, c, places);
}

bool may_rate(const Actor& actor, const Case& c, const Hierarchy& places) {
  return may(actor, Permission::rate_cases) && c.state == CaseState::closed && sees(actor, c, places);
}

std::vector<std::string_view> Allowed::names() const {
  std::vector<std::string_view> out;
  for (Action a : kActions)
    if (has(a)) out.push_back(to_string(a));
  if (photo()) out.push_back("photo");
  if (rate()) out.push_back("rate");
  return out;
}

Allowed allowed_actions(const Actor& actor, const Case& c, const Hierarchy& places) {
  Allowed out;
  if (!sees(actor, c, places)) return out;
  for (const auto& rule : transition_table())
    if (rule.from == c.state && rule.roles.has(actor.role) && !conditions(rule, actor, c)) out.allow(rule.action);
  // As may_photo and may_rate, the case being in view already.
  if (may(actor, Permission::add_photos) && c.open()) out.allow_photo();
  if (may(actor, Permission::rate_cases) && c.state == CaseState::closed) out.allow_rate();
  return out;
}

}  // namespace gridkeeper::dispatch
