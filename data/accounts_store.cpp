#include "data/accounts_store.hpp"

namespace gridkeeper::data {

using namespace dispatch;

namespace {
constexpr std::string_view kUserColumns =
    "id, username, role, scope, worker_id, password_hash, active, display_name, last_login_at, must_change_password";

constexpr std::string_view kInsertUser =
    "INSERT INTO users (username, role, scope, worker_id, password_hash, active, display_name, must_change_password) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (username) DO NOTHING RETURNING id";

template <class T>
T or_throw(Result<T> r) {
  if (!r) throw StorageError(r.error());
  return std::move(r.value());
}
}  // namespace

std::string_view user_columns() { return kUserColumns; }

template <class Query>
User read_user(const Query& q) {
  User u;
  u.id = q.int64(0);
  u.username = q.text(1);
  u.role = role_from(q.text(2)).value_or(Role::worker);
  u.scope = q.text(3);
  u.worker_id = q.text(4);
  u.password_hash = q.text(5);
  u.active = q.int64(6) != 0;
  u.display_name = q.text(7);
  u.last_login_at = q.int64(8);
  u.must_change_password = q.int64(9) != 0;
  return u;
}

template <class Query>
void bind_user_fields(Query& q, const User& u) {
  q.bind(2, to_string(u.role))
      .bind(3, u.scope)
      .bind(4, u.worker_id)
      .bind(5, u.password_hash)
      .bind(6, u.active)
      .bind(7, u.display_name)
      .bind(8, u.must_change_password);
}

template <class Db>
Result<User> insert_user(Db& db, User user) {
  auto q = db.query(kInsertUser);
  if (!q) return q.error();
  q->bind(1, user.username);
  bind_user_fields(*q, user);
  const bool inserted = q->next();
  if (auto e = q->status()) return *e;
  if (!inserted) return make_error(ErrorCode::conflict, "user " + user.username + " exists", "username");
  user.id = q->int64(0);
  return user;
}

template <class Db>
Result<std::unique_ptr<AccountsStore<Db>>> AccountsStore<Db>::open(const std::string& place, WriteQueueOn<Db>* writer,
                                                                   int busy_timeout_ms) {
  auto db = StoreConnections<Db>::open(place, writer, busy_timeout_ms);
  if (!db) return db.error();
  return std::unique_ptr<AccountsStore>(new AccountsStore(std::move(*db)));
}

template <class Db>
Result<User> AccountsStore<Db>::add_user(User user) {
  auto added = add_users({std::move(user)});
  if (!added) return added.error();
  return std::move(added->front());
}

template <class Db>
Result<std::vector<User>> AccountsStore<Db>::add_users(std::vector<User> users) {
  return create_users(std::move(users), {});  // data/users_store.cpp
}

template <class Db>
std::optional<User> AccountsStore<Db>::user_where(std::string_view where, const std::function<void(Query&)>& bind) {
  return read([&](Db& db) {
    auto q = db.query("SELECT " + std::string(kUserColumns) + " FROM users WHERE " + std::string(where));
    if (!q) throw StorageError(q.error());
    bind(*q);
    std::optional<User> found;
    if (q->next()) found = read_user(*q);
    if (auto e = q->status()) throw StorageError(*e);
    return found;
  });
}

template <class Db>
std::optional<User> AccountsStore<Db>::find_user(std::string_view username) {
  return user_where("username = ?1", [&](Query& q) { q.bind(1, username); });
}

template <class Db>
std::optional<User> AccountsStore<Db>::user_by_id(UserId id) {
  return user_where("id = ?1", [&](Query& q) { q.bind(1, id); });
}

template <class Db>
Status AccountsStore<Db>::store_token(const TokenRecord& token) {
  return write([token](Db& db) -> Status {
    auto q = db.query("INSERT INTO tokens (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)");
    if (!q) return q.error();
    q->bind(1, token.token_hash).bind(2, token.user_id).bind(3, token.created_at).bind(4, token.expires_at);
    if (auto e = q->run()) return e;
    // A token is stored at login: the user's last login is its time.
    auto login = db.query("UPDATE users SET last_login_at = ?2 WHERE id = ?1");
    if (!login) return login.error();
    login->bind(1, token.user_id).bind(2, token.created_at);
    return login->run();
  });
}

template <class Db>
std::optional<TokenRecord> AccountsStore<Db>::find_token(std::string_view token_hash) {
  return read([&](Db& db) {
    auto q = db.query("SELECT token_hash, user_id, created_at, expires_at FROM tokens WHERE token_hash = ?1");
    if (!q) throw StorageError(q.error());
    q->bind(1, token_hash);
    std::optional<TokenRecord> found;
    if (q->next()) found = TokenRecord{q->text(0), q->int64(1), q->int64(2), q->int64(3)};
    if (auto e = q->status()) throw StorageError(*e);
    return found;
  });
}

template <class Db>
void AccountsStore<Db>::delete_token(std::string_view token_hash) {
  auto e = write([hash = std::string(token_hash)](Db& db) -> Status {
    auto q = db.query("DELETE FROM tokens WHERE token_hash = ?1");
    if (!q) return q.error();
    q->bind(1, hash);
    return q->run();
  });
  if (e) throw StorageError(std::move(*e));
}

template <class Db>
void AccountsStore<Db>::delete_expired_tokens(Millis now) {
  auto e = write([now](Db& db) -> Status {
    auto q = db.query("DELETE FROM tokens WHERE expires_at <= ?1");
    if (!q) return q.error();
    q->bind(1, now);
    return q->run();
  });
  if (e) throw StorageError(std::move(*e));
}

template <class Db>
Result<Photo> AccountsStore<Db>::add_photo(Photo photo) {
  // The bytes are bound where they are: the caller waits for the write.
  auto e = write([&photo](Db& db) -> Status {
    auto q = db.query(
        "INSERT INTO photos (case_id, content_type, data, size, at, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "RETURNING id");
    if (!q) return q.error();
    q->bind(1, photo.case_id).bind(2, photo.content_type).bind_blob(3, photo.data);
    q->bind(4, static_cast<std::int64_t>(photo.data.size())).bind(5, photo.at).bind(6, photo.actor);
    if (q->next()) photo.id = q->int64(0);
    return q->status();
  });
  if (e) return *e;
  return photo;
}

template <class Db>
std::vector<Photo> AccountsStore<Db>::photos_where(std::string_view where, std::int64_t key, bool with_data) {
  return read([&](Db& db) {
    const std::string sql = std::string("SELECT id, case_id, content_type, at, actor, ") +
                            (with_data ? "data" : "NULL") + " FROM photos WHERE " + std::string(where) + " ORDER BY id";
    auto q = db.query(sql);
    if (!q) throw StorageError(q.error());
    q->bind(1, key);
    std::vector<Photo> out;
    while (q->next()) {
      Photo p;
      p.id = q->int64(0);
      p.case_id = q->int64(1);
      p.content_type = q->text(2);
      p.at = q->int64(3);
      p.actor = q->text(4);
      if (with_data) p.data = q->blob(5);
      out.push_back(std::move(p));
    }
    if (auto e = q->status()) throw StorageError(*e);
    return out;
  });
}

template <class Db>
std::vector<Photo> AccountsStore<Db>::photos(CaseId id, bool with_data) {
  return photos_where("case_id = ?1", id, with_data);
}

template <class Db>
std::optional<Photo> AccountsStore<Db>::photo(std::int64_t id) {
  auto found = photos_where("id = ?1", id, true);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

template <class Db>
std::int64_t AccountsStore<Db>::photo_bytes_since(std::string_view actor, Millis since) {
  return read([&](Db& db) {
    auto q = db.query("SELECT coalesce(sum(size), 0) FROM photos WHERE actor = ?1 AND at >= ?2");
    if (!q) throw StorageError(q.error());
    q->bind(1, std::string(actor)).bind(2, since);
    const std::int64_t bytes = q->next() ? q->int64(0) : 0;
    if (auto e = q->status()) throw StorageError(*e);
    return bytes;
  });
}

template User read_user(const Query&);
template User read_user(const pg::Query&);
template void bind_user_fields(Query&, const User&);
template void bind_user_fields(pg::Query&, const User&);
template Result<User> insert_user(Connection&, User);
template Result<User> insert_user(pg::Connection&, User);
template class AccountsStore<Connection>;
template class AccountsStore<pg::Connection>;

}  // namespace gridkeeper::data
