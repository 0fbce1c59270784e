#pragma once
// Accounts (账号): GET/POST /users, PUT /users/{id}, an admin's password reset
// (POST /users/{id}/password), the CSV import (POST /users/import) and a user's change of
// its own password (POST /auth/password). Who may do what is dispatch/access.hpp's
// (manage_users, view_users, sees_account, check_account_place, check_account_change);
// storage is the accounts port, called on the blocking pool. A change that ends tokens
// (disabled, reset, changed) forgets them in the token cache and closes their live feeds.
#include <string>

#include "dispatch/accounts.hpp"
#include "dispatch/center.hpp"
#include "web/auth.hpp"
#include "web/handlers/group.hpp"

namespace gridkeeper::web {

class LiveFeed;

class UserHandlers : HandlerGroup {
 public:
  UserHandlers(Router& router, const ApiOptions& options, dispatch::Center& center, dispatch::Accounts& accounts,
               const dispatch::Clock& clock, LiveFeed& feed);

  void list(const CallPtr& call);
  void create(const CallPtr& call);
  void update(const CallPtr& call);
  void reset_password(const CallPtr& call);       // web/handlers/users_passwords.cpp
  void import_csv(const CallPtr& call);           // web/handlers/users_passwords.cpp
  void change_own_password(const CallPtr& call);  // web/handlers/users_passwords.cpp

 private:
  // Where an account lies (its worker's community looked up); blocking-free (the center's memory).
  dispatch::AccountPlace place_of(const dispatch::User& u) const;
  // invalid_value when the scope names no jurisdiction or the worker no worker.
  dispatch::Status check_known(const dispatch::User& u, const std::string& field_prefix = {}) const;
  // Blocking: the account `id` as the caller may see it, or not_found.
  dispatch::Result<dispatch::User> visible_user(const CallPtr& call, const std::string& id_text);
  // After a stored change: the cache forgets the user, and the ended tokens' feeds close.
  void after_change(dispatch::UserId id, const std::vector<std::string>& ended, bool all_feeds);
  dispatch::AuditEntry audit_of(const CallPtr& call, const dispatch::User& u, std::string detail) const;

  dispatch::Center& center;
  dispatch::Accounts& accounts;
  const dispatch::Clock& clock;
  LiveFeed& feed;
  Auth& auth;
};

// The account as GET /users lists it (never its hash).
boost::json::object account_json(const dispatch::User& u);

}  // namespace gridkeeper::web
