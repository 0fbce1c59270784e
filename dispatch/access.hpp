#pragma once
// Who may do what: the one access policy. Pure functions over the actor (role, scope,
// worker id), the case and the hierarchy of jurisdictions. `Center`, the API handlers, the
// reports and the live feed ask here; every case in JSON carries what its reader may do to
// it now (`allowed_actions`), so the browser keeps no copy of these rules.
//
// Roles (DESIGN.md): an admin sees and may change everything (within its scope, when it
// has one); an operator takes in, dispatches, verifies, closes and cancels in its
// jurisdiction; a supervisor watches its jurisdiction, approves deferrals, re-dispatches
// escalated cases and switches emergency mode; a worker sees and works its own cases.
// The lifecycle's table (dispatch/lifecycle.hpp) says who may take which step in which
// state; this file adds who the actor is to the case.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/accounts.hpp"
#include "dispatch/errors.hpp"
#include "dispatch/ledger.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// Where codes lie in the hierarchy district -> street/town -> community/village -> grid.
class Hierarchy {
 public:
  // Whether `code` (a grid or a jurisdiction) lies in the subtree of `scope` (not empty).
  virtual bool contains(const std::string& scope, const std::string& code) const = 0;

 protected:
  ~Hierarchy() = default;
};

// Whether `code` lies within the actor's scope (an empty scope covers everything).
bool covers(const Actor& actor, const std::string& code, const Hierarchy& places);

// ---- permissions that do not depend on a case ----

enum class Permission {
  take_in,             // take in cases (intake)
  manage_posts,        // a grid's A and B posts
  set_duty_status,     // the duty status of workers in scope (a worker: its own, see below)
  switch_mode,         // emergency mode of a street or district in scope
  manage_categories,   // categories and their deadlines
  manage_settings,     // the assessment settings
  manage_client_keys,  // Open311 keys
  move_clock,          // the manual clock of a test server
  add_photos,          // photos of open cases the actor sees
  rate_cases,          // follow-up ratings (回访) of closed cases the actor sees
  read_audit,          // the audit trail (操作日志): admins; a scope narrows it (sees_audit_entry)
  manage_leave,        // schedule and cancel the leave of workers in scope
  manage_users,        // accounts: create, change, disable, reset passwords, import (within the scope)
  view_users,          // the list of accounts of the jurisdiction (supervisors read it)
  manage_roster,       // add, edit, move and retire workers of the scope (花名册)
  view_basemap,        // the map's own roads and estates layer (every role)
};
inline constexpr std::array kPermissions{Permission::take_in,
                                         Permission::manage_posts,
                                         Permission::set_duty_status,
                                         Permission::switch_mode,
                                         Permission::manage_categories,
                                         Permission::manage_settings,
                                         Permission::manage_client_keys,
                                         Permission::move_clock,
                                         Permission::add_photos,
                                         Permission::rate_cases,
                                         Permission::read_audit,
                                         Permission::manage_leave,
                                         Permission::manage_users,
                                         Permission::view_users,
                                         Permission::manage_roster,
                                         Permission::view_basemap};
std::string_view to_string(Permission);

bool may(const Actor& actor, Permission p);
// forbidden, in words for people, when the actor's role does not allow it.
Status check(const Actor& actor, Permission p);

// Setting a worker's duty status: a worker its own, managers any worker of their scope.
// forbidden (a worker for another) or not_found (a worker outside the caller's scope).
Status check_duty_status(const Actor& actor, const Worker& worker, const Hierarchy& places);

// Leave of `worker`: changing it needs manage_leave (forbidden) and the worker in scope
// (not_found); reading it too, except for the worker itself, which may read its own.
Status check_leave(const Actor& actor, const Worker& worker, bool change, const Hierarchy& places);
// The roster: whether the actor may change a worker of `community` (manage_roster and the
// community within its scope). forbidden naming `field` otherwise.
Status check_roster(const Actor& actor, const std::string& community, const Hierarchy& places,
                    std::string_view field = "community");

// ---- what an actor sees ----

// An entry of the audit trail, for a reader who may read it (Permission::read_audit): an
// admin without a scope sees every entry; an admin with a scope the entries whose subject
// lies within it, where that can be told: `place` is the grid or jurisdiction the subject
// is or lies in (a grid, a street, a worker's community), nullopt when the subject has no
// place in the hierarchy (a category, a setting, an Open311 key, an account), and those
// entries it sees too.
bool sees_audit_entry(const Actor& actor, const std::optional<std::string>& place, const Hierarchy& places);

bool sees(const Actor& actor, const Case& c, const Hierarchy& places);
// A worker sees the grids it holds a post of; everyone else the grids of its scope.
bool sees(const Actor& actor, const Grid& grid, const Hierarchy& places);
// A worker sees itself; everyone else the workers of its scope.
bool sees(const Actor& actor, const Worker& worker, const Hierarchy& places);
// Whose view is its own work (cases, posts) rather than a jurisdiction: workers.
bool sees_own_work_only(const Actor& actor);
// What `sees` of a case turns on for this actor: nothing (every case), the case's grid
// alone (its community, street and district follow from it), or its assignee alone. A
// reader of many cases asks once per grid or assignee instead of once per case.
enum class Sight { everything, by_grid, by_assignee };
Sight sight_of(const Actor& actor);
// Whether the actor may read the counts of all open cases of area `code` (a grid,
// community or street): an area of its jurisdiction's subtree; never a worker (its view is
// its own cases), never an area above the scope (a community's supervisor does not see its
// street's counts, which hold other communities' cases).
bool sees_area_counts(const Actor& actor, const std::string& code, const Hierarchy& places);
// Narrows a query of cases to what the actor sees: a worker's own cases, a scope's
// subtree. Nothing when the actor can see none of what was asked for.
std::optional<CaseQuery> narrowed(CaseQuery query, const Actor& actor, const Hierarchy& places);

// What an assessment or trend report of the actor covers: a worker its own figures only
// (the scope asked for does not widen that), everyone else the scope asked for or its own.
struct ReportView {
  std::string scope;  // empty: everything
  WorkerId assignee;  // not empty: only this worker's cases
};
// `scope_known`: whether the scope asked for names a jurisdiction or grid (not_found if not).
Result<ReportView> report_view(const Actor& actor, const std::string& scope_asked, bool scope_known,
                               const Hierarchy& places);

// The tier whose supervision the actor answers for (escalations reaching it call it):
// operators and supervisors by the level of their scope (`scope_level`: its level, none
// when the scope is empty or unknown); nobody else.
std::optional<Tier> tier_of(const Actor& actor, std::optional<Level> scope_level);
// A worker whose case was just taken from it hears of that change, to drop the case.
bool hears_of_loss(const Actor& actor, const WorkerId& previous_assignee);

// The actor an Open311 client key acts as: an operator of the key's scope that only the
// Open311 endpoint makes (`Channel::open311`), so only it marks a case as a resident's.
Actor open311_client(const std::string& key_name, const std::string& scope);

// ---- accounts (dispatch/access_accounts.cpp) ----

// Where an account lies: its scope, and for a worker's account its worker's community.
struct AccountPlace {
  std::string scope;
  std::string worker_community;
};
// Whether the actor sees the account in GET /users: admins (manage_users) and supervisors
// (view_users, read only) whose scope is empty or holds the account's scope or its
// worker's community; nobody else.
bool sees_account(const Actor& actor, const AccountPlace& account, const Hierarchy& places);
// Whether the actor may give an account this place (create it, or change it there): it must
// manage users, and an admin with a scope may not place accounts outside it or wider than
// it (an empty scope is everything). forbidden, with the field, when not.
Status check_account_place(const Actor& actor, const AccountPlace& account, const Hierarchy& places);
// A worker's account acts as one worker: it needs its worker_id, and no other role has one.
// invalid_value naming `field` (worker_id) when not.
Status check_account_worker(Role role, const WorkerId& worker_id, const std::string& field = "worker_id");
// Whether the change from `before` to `after` keeps the organisation governable: an admin
// does not disable itself nor change its own role, and the last active admin stays one
// (`other_active_admins`: the active admins besides `before`). conflict when not.
Status check_account_change(const Actor& actor, const User& before, const User& after, std::size_t other_active_admins);

// ---- acting on a case ----

// Whether the actor may take `action` on `c` now: it sees the case, the lifecycle allows
// its role the step in the case's state, and the step's conditions hold (the assignee
// only, the clock running or paused, escalated cases only). A note or a chosen worker the
// step needs is not looked at.
bool may_act(const Actor& actor, const Case& c, Action action, const Hierarchy& places);
// The same with the reason when not: not_found (the case is not in view), then as
// `check_transition` (forbidden, stale_version, illegal_transition), then forbidden (not
// the assignee, not escalated), conflict (the clock), invalid_value (a note needed).
// Returns the next state.
Result<CaseState> check_act(const Actor& actor, const Case& c, Action action, std::int64_t version,
                            const std::string& note, const Hierarchy& places);

// Photos go to open cases the actor sees, if its role adds photos.
bool may_photo(const Actor& actor, const Case& c, const Hierarchy& places);
// Follow-up ratings go to closed cases the actor sees, if its role rates.
bool may_rate(const Actor& actor, const Case& c, const Hierarchy& places);

// Everything the reader may do to a case now: its transitions, a photo, a rating.
class Allowed {
 public:
  static constexpr unsigned kPhoto = 12, kRate = 13;  // after the twelve actions
  void allow(Action a) { bits_ |= 1u << static_cast<unsigned>(a); }
  void allow_photo() { bits_ |= 1u << kPhoto; }
  void allow_rate() { bits_ |= 1u << kRate; }
  bool has(Action a) const { return (bits_ >> static_cast<unsigned>(a)) & 1u; }
  bool photo() const { return (bits_ >> kPhoto) & 1u; }
  bool rate() const { return (bits_ >> kRate) & 1u; }
  bool empty() const { return bits_ == 0; }
  std::uint32_t bits() const { return bits_; }
  // The transitions by their contract names (register, accept, ...) in lifecycle order,
  // then "photo" and "rate".
  std::vector<std::string_view> names() const;
  friend bool operator==(const Allowed&, const Allowed&) = default;

 private:
  std::uint32_t bits_ = 0;
};
Allowed allowed_actions(const Actor& actor, const Case& c, const Hierarchy& places);

}  // namespace gridkeeper::dispatch
