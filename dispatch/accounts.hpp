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
  bool active = true;

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

  virtual Result<Photo> add_photo(Photo photo) = 0;  // durable before it returns
  virtual std::vector<Photo> photos(CaseId id, bool with_data) = 0;
  virtual std::optional<Photo> photo(std::int64_t id) = 0;
  // Bytes of the photos `actor` (an Actor label) uploaded at `since` or later.
  virtual std::int64_t photo_bytes_since(std::string_view actor, Millis since) = 0;
};

}  // namespace gridkeeper::dispatch
