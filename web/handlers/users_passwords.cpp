// UserHandlers: passwords (an admin's reset, a user's own change) and the CSV import.
#include <boost/json/serialize.hpp>
#include <unordered_set>

#include "dispatch/access.hpp"
#include "dispatch/audit.hpp"
#include "dispatch/password_policy.hpp"
#include "dispatch/user_import.hpp"
#include "web/handlers/users.hpp"
#include "web/json_reader.hpp"
#include "web/live_feed.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::CenterPlaces;
using dispatch::ErrorCode;
using dispatch::make_error;
using dispatch::User;

namespace {
dispatch::Result<std::string> one_text(const CallPtr& call, std::string_view name) {
  auto parsed = parse_object(call->request.body);
  if (!parsed) return parsed.error();
  JsonReader r(*parsed);
  r.only({name});
  auto v = r.text(name, true);
  if (r.error) return *r.error;
  if (v->size() > 1024)
    return make_error(ErrorCode::invalid_value, std::string(name) + " is longer than 1024 bytes", std::string(name));
  return *v;
}
}  // namespace

void UserHandlers::reset_password(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_users)) return fail(call, *e);
  auto password = one_text(call, "password");
  if (!password) return fail(call, password.error());
  offload(call, [this, call, password = *password] {
    auto user = visible_user(call, call->path[3]);
    if (!user) return fail(call, user.error());
    if (auto e = dispatch::check_password(user->username, password)) return fail(call, *e);
    if (auto e = dispatch::check_account_place(call->actor(), place_of(*user), CenterPlaces(center)))
      return fail(call, *e);
    dispatch::UserChange change;
    change.user = *user;
    change.user.password_hash = hash_password(password, auth.options());
    change.user.must_change_password = true;
    change.end_tokens = dispatch::EndTokens::all;
    change.audit = audit_of(call, *user, "password reset by " + call->actor().username);
    change.audit.before =
        dispatch::audit_fields({{"must_change_password", user->must_change_password ? "true" : "false"}});
    change.audit.after = dispatch::audit_fields({{"must_change_password", "true"}});
    auto ended = accounts.change_user(change);
    if (!ended) return fail(call, ended.error());
    after_change(user->id, *ended, true);
    change.user.password_hash.clear();
    ok(call, 200, account_json(change.user));
  });
}

void UserHandlers::change_own_password(const CallPtr& call) {
  auto parsed = body_object(call);
  if (!parsed) return fail(call, parsed.error());
  JsonReader r(*parsed);
  r.only({"old_password", "new_password"});
  auto old_password = r.text("old_password", true);
  auto new_password = r.text("new_password", true);
  if (r.error) return fail(call, *r.error);
  if (old_password->size() > 1024 || new_password->size() > 1024)
    return fail(call, ErrorCode::invalid_value, "a password is at most 1024 bytes", "new_password");
  offload(call, [this, call, old_password = *old_password, new_password = *new_password] {
    auto user = accounts.user_by_id(call->user->id);
    if (!user || !user->active) return fail(call, ErrorCode::unauthenticated, "log in again");
    if (!verify_password(user->password_hash, old_password))
      return fail(call, ErrorCode::invalid_value, "the current password is wrong", "old_password");
    if (old_password == new_password)
      return fail(call, ErrorCode::invalid_value, "choose a password other than the current one", "new_password");
    if (auto e = dispatch::check_password(user->username, new_password)) {
      e->field = "new_password";
      return fail(call, *e);
    }
    dispatch::UserChange change;
    change.user = *user;
    change.user.password_hash = hash_password(new_password, auth.options());
    change.user.must_change_password = false;
    change.end_tokens = dispatch::EndTokens::all_but_one;
    change.kept_token_hash = call->token_hash;
    change.audit = audit_of(call, *user, "password changed by the user");
    change.audit.before =
        dispatch::audit_fields({{"must_change_password", user->must_change_password ? "true" : "false"}});
    change.audit.after = dispatch::audit_fields({{"must_change_password", "false"}});
    auto ended = accounts.change_user(change);
    if (!ended) return fail(call, ended.error());
    after_change(user->id, *ended, false);
    change.user.password_hash.clear();
    ok(call, 200, json::object{{"user", user_json(change.user)}});
  });
}

void UserHandlers::import_csv(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_users)) return fail(call, *e);
  offload(call, [this, call] {
    auto rows = dispatch::parse_user_csv(call->request.body);
    if (!rows) return fail(call, rows.error());
    std::unordered_set<std::string> taken;
    for (const auto& u : accounts.users()) taken.insert(u.username);
    const CenterPlaces places(center);
    std::vector<User> users;
    std::vector<dispatch::AuditEntry> audit;
    json::array created;
    for (const auto& row : *rows) {
      const auto prefix = "line " + std::to_string(row.line) + ": ";
      User u;
      u.username = row.username;
      u.display_name = row.display_name;
      u.role = row.role;
      u.scope = row.scope;
      u.worker_id = row.worker_id;
      u.must_change_password = true;
      if (taken.count(u.username))
        return fail(call, ErrorCode::conflict, prefix + "username " + u.username + " exists", prefix + "username");
      if (auto e = check_known(u, prefix)) {
        e->message = prefix + e->message;
        return fail(call, *e);
      }
      if (auto e = dispatch::check_account_place(call->actor(), place_of(u), places)) {
        e->message = prefix + e->message;
        e->field = prefix + e->field;
        return fail(call, *e);
      }
      const auto password = new_initial_password();
      u.password_hash = hash_initial_password(password);
      auto entry = audit_of(call, u, "account imported by " + call->actor().username);
      entry.after = dispatch::audit_fields({{"display_name", u.display_name},
                                            {"role", to_string(u.role)},
                                            {"scope", u.scope},
                                            {"worker_id", u.worker_id},
                                            {"must_change_password", "true"}});
      audit.push_back(std::move(entry));
      created.push_back(json::object{{"username", u.username}, {"initial_password", password}});
      users.push_back(std::move(u));
    }
    auto stored = accounts.create_users(std::move(users), std::move(audit));
    if (!stored) return fail(call, stored.error());
    ok(call, 201, json::object{{"created", std::move(created)}});
  });
}

}  // namespace gridkeeper::web
