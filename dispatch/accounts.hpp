#pragma once
// The accounts port: users with roles and scopes, login tokens (stored only as hashes)
// and case photos. dispatch defines it; data implements it. All calls may block.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

struct User {
  UserId id = 0;
  std::string username;
  Role role = Role::operator_;
  std::string scope;          // jurisdiction code; empty: everything (admin)
  WorkerId worker_id;         // for workers
  std::string password_hash;  // Argon2id string
  bool active = true;         // false: disabled (its login is refused, its tokens are gone)
  std::string display_name;
  Millis last_login_at = 0;           // 0: never
  bool must_change_password = false;  // after a reset or an import: only /auth/password until changed

  Actor actor() const { return Actor{id, username, role, scope, worker_id}; }
};

struct TokenRecord {
  std::string token_hash;  // hex of a hash of the token; the token itself is never stored
  UserId user_id = 0;
  Millis created_at = 0;
  Millis expires_at = 0;
};

struct Photo {
  std::int64_t id = 0;
  CaseId case_id = 0;
  std::string content_type;  // image/jpeg or image/png
  std::string data;          // bytes
  Millis at = 0;
  std::string actor;
};

// Which tokens of a user a change of the user ends.
enum class EndTokens { none, all, all_but_one };

// A change to one account: the user as it is to be stored (id names it), the audit entry
// written in the same transaction, and the tokens that end with it.
struct UserChange {
  User user;
  AuditEntry audit;
  EndTokens end_tokens = EndTokens::none;
  std::string kept_token_hash;  // for all_but_one
};

class Accounts {
 public:
  virtual ~Accounts() = default;
  virtual Result<User> add_user(User user) = 0;  // conflict when the username exists
  virtual std::optional<User> find_user(std::string_view username) = 0;
  virtual std::optional<User> user_by_id(UserId id) = 0;
  virtual Status store_token(const TokenRecord& token) = 0;
  virtual std::optional<TokenRecord> find_token(std::string_view token_hash) = 0;
  virtual void delete_token(std::string_view token_hash) = 0;
  virtual void delete_expired_tokens(Millis now) = 0;

  // Every account (the administration screens; a district has hundreds, not millions).
  virtual std::vector<User> users() = 0;
  // New accounts with an audit entry each, in one transaction: all of them, or none
  // (conflict, with the username, when one exists).
  virtual Result<std::vector<User>> create_users(std::vector<User> users, std::vector<AuditEntry> audit) = 0;
  // Stores the change's user (display name, role, scope, worker, active, password hash,
  // must-change), its audit entry and ends its tokens, in one transaction. The hashes of
  // the tokens ended, so that their live feeds close too. not_found when the user is gone.
  virtual Result<std::vector<std::string>> change_user(const UserChange& change) = 0;

  virtual Result<Photo> add_photo(Photo photo) = 0;  // durable before it returns
  virtual std::vector<Photo> photos(CaseId id, bool with_data) = 0;
  virtual std::optional<Photo> photo(std::int64_t id) = 0;
  // Bytes of the photos `actor` (an Actor label) uploaded at `since` or later.
  virtual std::int64_t photo_bytes_since(std::string_view actor, Millis since) = 0;
};

}  // namespace gridkeeper::dispatch
