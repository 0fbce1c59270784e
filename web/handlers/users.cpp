#include "web/handlers/users.hpp"

#include <boost/json/serialize.hpp>

#include "dispatch/access.hpp"
#include "dispatch/password_policy.hpp"
#include "dispatch/text_rules.hpp"
#include "dispatch/user_import.hpp"
#include "web/json_reader.hpp"
#include "web/live_feed.hpp"
#include "web/params.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::CenterPlaces;
using dispatch::ErrorCode;
using dispatch::make_error;
using dispatch::User;

namespace {
std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// The fields of an account the audit trail shows (never a password or its hash).
json::object audited_fields(const User& u) {
  return json::object{{"display_name", u.display_name},
                      {"role", to_string(u.role)},
                      {"scope", u.scope},
                      {"worker_id", u.worker_id},
                      {"disabled", u.active ? "false" : "true"},
                      {"must_change_password", u.must_change_password ? "true" : "false"}};
}
}  // namespace

json::object account_json(const User& u) {
  return json::object{{"id", u.id},
                      {"username", u.username},
                      {"display_name", u.display_name},
                      {"role", to_string(u.role)},
                      {"scope", u.scope.empty() ? json::value(nullptr) : json::value(u.scope)},
                      {"worker_id", u.worker_id.empty() ? json::value(nullptr) : json::value(u.worker_id)},
                      {"disabled", !u.active},
                      {"last_login_at", u.last_login_at ? json::value(iso8601(u.last_login_at)) : json::value(nullptr)},
                      {"must_change_password", u.must_change_password}};
}

UserHandlers::UserHandlers(Router& router, const ApiOptions& o, dispatch::Center& c, dispatch::Accounts& a,
                           const dispatch::Clock& clk, LiveFeed& f)
    : HandlerGroup(router, o), center(c), accounts(a), clock(clk), feed(f), auth(router.auth()) {}

dispatch::AccountPlace UserHandlers::place_of(const User& u) const {
  dispatch::AccountPlace p{u.scope, {}};
  if (!u.worker_id.empty())
    for (const auto& w : center.workers(dispatch::Actor{}))
      if (w.id == u.worker_id) p.worker_community = w.community;
  return p;
}

dispatch::Status UserHandlers::check_known(const User& u, const std::string& prefix) const {
  if (!u.scope.empty() && !center.jurisdiction(u.scope))
    return make_error(ErrorCode::invalid_value, "no jurisdiction " + u.scope, prefix + "scope");
  if (!u.worker_id.empty()) {
    bool found = false;
    for (const auto& w : center.workers(dispatch::Actor{})) found |= w.id == u.worker_id;
    if (!found) return make_error(ErrorCode::invalid_value, "no worker " + u.worker_id, prefix + "worker_id");
  }
  return dispatch::check_account_worker(u.role, u.worker_id, prefix + "worker_id");
}

dispatch::AuditEntry UserHandlers::audit_of(const CallPtr& call, const User& u, std::string detail) const {
  dispatch::AuditEntry a;
  a.at = clock.now();
  a.actor = call->actor().label();
  a.kind = "user";
  a.subject = u.username;
  a.detail = std::move(detail);
  return a;
}

dispatch::Result<User> UserHandlers::visible_user(const CallPtr& call, const std::string& id_text) {
  const auto missing = make_error(ErrorCode::not_found, "no user " + id_text);
  auto id = parse_id(id_text);
  if (!id) return missing;
  auto user = accounts.user_by_id(*id);
  if (!user || !dispatch::sees_account(call->actor(), place_of(*user), CenterPlaces(center))) return missing;
  return *user;
}

void UserHandlers::after_change(dispatch::UserId id, const std::vector<std::string>& ended, bool all_feeds) {
  auth.forget_user(id);
  if (all_feeds) feed.end_user(id);
  else
    for (const auto& hash : ended) feed.end_token(hash);
}

void UserHandlers::list(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::view_users)) return fail(call, *e);
  std::optional<dispatch::Role> role;
  if (const auto* r = call->param("role"); r && !r->empty()) {
    role = dispatch::role_from(*r);
    if (!role)
      return fail(call, ErrorCode::invalid_value, "role must be admin, operator, supervisor or worker", "role");
  }
  std::string scope;
  if (const auto* s = call->param("scope")) scope = *s;
  if (!scope.empty() && !center.jurisdiction(scope))
    return fail(call, ErrorCode::invalid_value, "no jurisdiction " + scope, "scope");
  const std::string q = call->param("q") ? lower(*call->param("q")) : std::string();
  if (q.size() > 200) return fail(call, ErrorCode::invalid_value, "q is longer than 200 bytes", "q");
  offload(call, [this, call, role, scope, q] {
    const CenterPlaces places(center);
    dispatch::Actor within;
    within.role = dispatch::Role::supervisor;
    within.scope = scope;
    json::array items;
    for (const auto& u : accounts.users()) {
      const auto place = place_of(u);
      if (!dispatch::sees_account(call->actor(), place, places)) continue;
      if (role && u.role != *role) continue;
      if (!scope.empty() && !dispatch::sees_account(within, place, places)) continue;
      if (!q.empty() && lower(u.username).find(q) == std::string::npos &&
          lower(u.display_name).find(q) == std::string::npos)
        continue;
      items.push_back(account_json(u));
    }
    ok(call, 200, json::object{{"items", std::move(items)}});
  });
}

void UserHandlers::create(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_users)) return fail(call, *e);
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  JsonReader r(*body);
  r.only({"username", "display_name", "role", "scope", "worker_id", "password"});
  User u;
  std::string password;
  if (auto v = r.text("username", true)) u.username = *v;
  if (auto v = r.text("display_name")) u.display_name = *v;
  std::string role_text;
  if (auto v = r.text("role", true)) role_text = *v;
  if (auto v = r.text("scope")) u.scope = *v;
  if (auto v = r.text("worker_id")) u.worker_id = *v;
  if (auto v = r.text("password", true)) password = *v;
  if (r.error) return fail(call, *r.error);
  if (auto e = dispatch::check_username(u.username)) return fail(call, *e);
  if (auto e = dispatch::check_text(u.display_name, dispatch::kMaxDisplayNameBytes, "display_name"))
    return fail(call, *e);
  const auto role = dispatch::role_from(role_text);
  if (!role) return fail(call, ErrorCode::invalid_value, "role must be admin, operator, supervisor or worker", "role");
  u.role = *role;
  if (auto e = check_known(u)) return fail(call, *e);
  if (password.size() > 1024)
    return fail(call, ErrorCode::invalid_value, "password is longer than 1024 bytes", "password");
  if (auto e = dispatch::check_password(u.username, password)) return fail(call, *e);
  if (auto e = dispatch::check_account_place(call->actor(), place_of(u), CenterPlaces(center))) return fail(call, *e);
  offload(call, [this, call, u, password]() mutable {
    u.password_hash = hash_password(password, auth.options());
    auto entry = audit_of(call, u, "account created by " + call->actor().username);
    entry.after = json::serialize(audited_fields(u));
    auto stored = accounts.create_users({u}, {entry});
    if (!stored) return fail(call, stored.error());
    ok(call, 201, account_json(stored->front()));
  });
}

void UserHandlers::update(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_users)) return fail(call, *e);
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  JsonReader r(*body);
  r.only({"display_name", "role", "scope", "worker_id", "disabled"});
  auto display_name = r.text("display_name");
  auto role_text = r.text("role");
  auto scope = r.text("scope");
  auto worker_id = r.text("worker_id");
  auto disabled = r.boolean("disabled");
  if (r.error) return fail(call, *r.error);
  if (display_name)
    if (auto e = dispatch::check_text(*display_name, dispatch::kMaxDisplayNameBytes, "display_name"))
      return fail(call, *e);
  std::optional<dispatch::Role> role;
  if (role_text) {
    role = dispatch::role_from(*role_text);
    if (!role)
      return fail(call, ErrorCode::invalid_value, "role must be admin, operator, supervisor or worker", "role");
  }
  offload(call, [=, this] {
    auto before = visible_user(call, call->path[3]);
    if (!before) return fail(call, before.error());
    User after = *before;
    if (display_name) after.display_name = *display_name;
    if (role) after.role = *role;
    if (scope) after.scope = *scope;
    if (worker_id) after.worker_id = *worker_id;
    if (role && *role != dispatch::Role::worker && !worker_id) after.worker_id.clear();
    if (disabled) after.active = !*disabled;
    if (auto e = check_known(after)) return fail(call, *e);
    const CenterPlaces places(center);
    if (auto e = dispatch::check_account_place(call->actor(), place_of(after), places)) return fail(call, *e);
    std::size_t other_admins = 0;
    for (const auto& u : accounts.users())
      other_admins += u.id != before->id && u.active && u.role == dispatch::Role::admin;
    if (auto e = dispatch::check_account_change(call->actor(), *before, after, other_admins)) return fail(call, *e);

    dispatch::UserChange change;
    change.user = after;
    const bool disabling = before->active && !after.active;
    change.end_tokens = disabling ? dispatch::EndTokens::all : dispatch::EndTokens::none;
    const auto& who = call->actor().username;
    change.audit = audit_of(call, after,
                            disabling                         ? "disabled by " + who
                            : !before->active && after.active ? "enabled by " + who
                                                              : "changed by " + who);
    // Only the fields the change touched.
    json::object was, now;
    const auto old_fields = audited_fields(*before), new_fields = audited_fields(after);
    for (const auto& kv : new_fields)
      if (old_fields.at(kv.key()) != kv.value()) {
        was[kv.key()] = old_fields.at(kv.key());
        now[kv.key()] = kv.value();
      }
    change.audit.before = json::serialize(was);
    change.audit.after = json::serialize(now);
    auto ended = accounts.change_user(change);
    if (!ended) return fail(call, ended.error());
    after_change(after.id, *ended, disabling);
    ok(call, 200, account_json(after));
  });
}

}  // namespace gridkeeper::web
