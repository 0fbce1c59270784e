#include "data/sqlite_accounts.hpp"

#include <sqlite3.h>

#include "data/schema.hpp"

namespace gridkeeper::data {

using namespace dispatch;

namespace {
constexpr std::string_view kUserColumns =
    "id, username, role, scope, worker_id, password_hash, active, display_name, last_login_at, must_change_password";
}  // namespace

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

std::string_view user_columns() { return kUserColumns; }

namespace {

// A statement with a BLOB column, which the Query layer does not bind: prepared per call.
struct BlobStatement {
  BlobStatement(sqlite3* db, std::string_view sql) : db(db) {
    rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  }
  ~BlobStatement() { sqlite3_finalize(stmt); }
  BlobStatement(const BlobStatement&) = delete;
  BlobStatement& operator=(const BlobStatement&) = delete;
  Error error() const { return sqlite_error(sqlite3_extended_errcode(db), sqlite3_errmsg(db)); }
  sqlite3* db;
  sqlite3_stmt* stmt = nullptr;
  int rc = SQLITE_OK;
};

std::string column_text(sqlite3_stmt* s, int column) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, column))) : std::string{};
}
}  // namespace

Result<std::unique_ptr<SqliteAccounts>> SqliteAccounts::open(const std::string& path, WriteQueue* writer,
                                                             int busy_timeout_ms) {
  auto db = open_for_writing(path, busy_timeout_ms);
  if (!db) return db.error();
  // The ledger's own checkpointer copies the WAL back; a second writer must not do it
  // inside its commits.
  if (auto e = (*db)->exec("PRAGMA wal_autocheckpoint = 0")) return *e;
  return std::unique_ptr<SqliteAccounts>(new SqliteAccounts(std::move(*db), writer));
}

Status SqliteAccounts::write(Work work) {
  if (writer_) return write_and_wait(*writer_, std::move(work));
  std::lock_guard lock(mutex_);
  auto tx = Transaction::begin(*db_);
  if (!tx) return tx.error();
  if (auto e = work(*db_)) return e;
  return tx->commit();
}

namespace {
constexpr std::string_view kInsertUser =
    "INSERT INTO users (username, role, scope, worker_id, password_hash, active, display_name, must_change_password) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (username) DO NOTHING";
}  // namespace

void bind_user_fields(Query& q, const User& u) {
  q.bind(2, to_string(u.role))
      .bind(3, u.scope)
      .bind(4, u.worker_id)
      .bind(5, u.password_hash)
      .bind(6, u.active)
      .bind(7, u.display_name)
      .bind(8, u.must_change_password);
}

Result<User> insert_user(Connection& db, User user) {
  auto q = db.query(kInsertUser);
  if (!q) return q.error();
  q->bind(1, user.username);
  bind_user_fields(*q, user);
  if (auto e = q->run()) return *e;
  if (db.changes() == 0) return make_error(ErrorCode::conflict, "user " + user.username + " exists", "username");
  user.id = sqlite3_last_insert_rowid(db.handle());
  return user;
}

Result<User> SqliteAccounts::add_user(User user) {
  auto added = add_users({std::move(user)});
  if (!added) return added.error();
  return std::move(added->front());
}

Result<std::vector<User>> SqliteAccounts::add_users(std::vector<User> users) {
  std::vector<User> stored;
  auto e = write([&](Connection& db) -> Status {
    stored.clear();  // the work may run twice
    for (const auto& u : users) {
      auto added = insert_user(db, u);
      if (!added) return added.error();  // undone whole
      stored.push_back(std::move(*added));
    }
    return std::nullopt;
  });
  if (e) return *e;
  return stored;
}

std::optional<User> SqliteAccounts::user_where(std::string_view where, const std::function<void(Query&)>& bind) {
  std::lock_guard lock(mutex_);
  auto q = db_->query("SELECT " + std::string(kUserColumns) + " FROM users WHERE " + std::string(where));
  if (!q) throw StorageError(q.error().message);
  bind(*q);
  std::optional<User> found;
  if (q->next()) found = read_user(*q);
  if (auto e = q->status()) throw StorageError(e->message);
  return found;
}

std::optional<User> SqliteAccounts::find_user(std::string_view username) {
  return user_where("username = ?1", [&](Query& q) { q.bind(1, username); });
}

std::optional<User> SqliteAccounts::user_by_id(UserId id) {
  return user_where("id = ?1", [&](Query& q) { q.bind(1, id); });
}

Status SqliteAccounts::store_token(const TokenRecord& token) {
  return write([token](Connection& db) -> Status {
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

std::optional<TokenRecord> SqliteAccounts::find_token(std::string_view token_hash) {
  std::lock_guard lock(mutex_);
  auto q = db_->query("SELECT token_hash, user_id, created_at, expires_at FROM tokens WHERE token_hash = ?1");
  if (!q) throw StorageError(q.error().message);
  q->bind(1, token_hash);
  std::optional<TokenRecord> found;
  if (q->next()) found = TokenRecord{q->text(0), q->int64(1), q->int64(2), q->int64(3)};
  if (auto e = q->status()) throw StorageError(e->message);
  return found;
}

void SqliteAccounts::delete_token(std::string_view token_hash) {
  auto e = write([hash = std::string(token_hash)](Connection& db) -> Status {
    auto q = db.query("DELETE FROM tokens WHERE token_hash = ?1");
    if (!q) return q.error();
    q->bind(1, hash);
    return q->run();
  });
  if (e) throw StorageError(std::move(*e));
}

void SqliteAccounts::delete_expired_tokens(Millis now) {
  auto e = write([now](Connection& db) -> Status {
    auto q = db.query("DELETE FROM tokens WHERE expires_at <= ?1");
    if (!q) return q.error();
    q->bind(1, now);
    return q->run();
  });
  if (e) throw StorageError(std::move(*e));
}

Result<Photo> SqliteAccounts::add_photo(Photo photo) {
  // The bytes are bound where they are, not copied: the caller waits for the write.
  auto e = write([&photo](Connection& db) -> Status {
    BlobStatement s(
        db.handle(),
        "INSERT INTO photos (case_id, content_type, data, size, at, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (s.rc != SQLITE_OK) return s.error();
    sqlite3_bind_int64(s.stmt, 1, photo.case_id);
    sqlite3_bind_text(s.stmt, 2, photo.content_type.data(), static_cast<int>(photo.content_type.size()), SQLITE_STATIC);
    sqlite3_bind_blob64(s.stmt, 3, photo.data.data(), photo.data.size(), SQLITE_STATIC);
    sqlite3_bind_int64(s.stmt, 4, static_cast<sqlite3_int64>(photo.data.size()));
    sqlite3_bind_int64(s.stmt, 5, photo.at);
    sqlite3_bind_text(s.stmt, 6, photo.actor.data(), static_cast<int>(photo.actor.size()), SQLITE_STATIC);
    if (sqlite3_step(s.stmt) != SQLITE_DONE) return s.error();
    photo.id = sqlite3_last_insert_rowid(db.handle());
    return std::nullopt;
  });
  if (e) return *e;
  return photo;
}

std::vector<Photo> SqliteAccounts::photos_where(std::string_view where, std::int64_t key, bool with_data) {
  std::lock_guard lock(mutex_);
  const std::string sql = std::string("SELECT id, case_id, content_type, at, actor, ") + (with_data ? "data" : "NULL") +
                          " FROM photos WHERE " + std::string(where) + " ORDER BY id";
  BlobStatement s(db_->handle(), sql);
  if (s.rc != SQLITE_OK) throw StorageError(s.error().message);
  sqlite3_bind_int64(s.stmt, 1, key);
  std::vector<Photo> out;
  int rc;
  while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
    Photo p;
    p.id = sqlite3_column_int64(s.stmt, 0);
    p.case_id = sqlite3_column_int64(s.stmt, 1);
    p.content_type = column_text(s.stmt, 2);
    p.at = sqlite3_column_int64(s.stmt, 3);
    p.actor = column_text(s.stmt, 4);
    if (with_data) {
      const auto* bytes = static_cast<const char*>(sqlite3_column_blob(s.stmt, 5));
      p.data.assign(bytes ? bytes : "", static_cast<std::size_t>(sqlite3_column_bytes(s.stmt, 5)));
    }
    out.push_back(std::move(p));
  }
  if (rc != SQLITE_DONE) throw StorageError(s.error().message);
  return out;
}

std::vector<Photo> SqliteAccounts::photos(CaseId id, bool with_data) {
  return photos_where("case_id = ?1", id, with_data);
}

std::optional<Photo> SqliteAccounts::photo(std::int64_t id) {
  auto found = photos_where("id = ?1", id, true);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::int64_t SqliteAccounts::photo_bytes_since(std::string_view actor, Millis since) {
  std::lock_guard lock(mutex_);
  auto q = db_->query("SELECT coalesce(sum(size), 0) FROM photos WHERE actor = ?1 AND at >= ?2");
  if (!q) throw StorageError(q.error().message);
  const std::string who(actor);
  q->bind(1, who);
  q->bind(2, since);
  const std::int64_t bytes = q->next() ? q->int64(0) : 0;
  if (auto e = q->status()) throw StorageError(e->message);
  return bytes;
}

}  // namespace gridkeeper::data
