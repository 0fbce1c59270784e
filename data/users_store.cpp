// AccountsStore, the administration of accounts: the list, new accounts and changes, each
// with its audit entry in the same transaction, through the one writer.
#include "data/accounts_store.hpp"
#include "data/records.hpp"

namespace gridkeeper::data {

using namespace dispatch;

namespace {
constexpr std::string_view kUpdateUser =
    "UPDATE users SET role = ?2, scope = ?3, worker_id = ?4, password_hash = ?5, active = ?6, display_name = ?7, "
    "must_change_password = ?8 WHERE id = ?1";

// The hashes of the user's tokens that the change ends, deleted.
template <class Db>
Result<std::vector<std::string>> end_tokens(Db& db, const UserChange& change) {
  std::vector<std::string> ended;
  if (change.end_tokens == EndTokens::none) return ended;
  auto q = db.query("SELECT token_hash FROM tokens WHERE user_id = ?1");
  if (!q) return q.error();
  q->bind(1, change.user.id);
  while (q->next()) {
    auto hash = q->text(0);
    if (change.end_tokens == EndTokens::all_but_one && hash == change.kept_token_hash) continue;
    ended.push_back(std::move(hash));
  }
  if (auto e = q->status()) return *e;
  for (const auto& hash : ended) {
    auto d = db.query("DELETE FROM tokens WHERE token_hash = ?1");
    if (!d) return d.error();
    d->bind(1, hash);
    if (auto e = d->run()) return *e;
  }
  return ended;
}
}  // namespace

template <class Db>
std::vector<User> AccountsStore<Db>::users() {
  return read([](Db& db) {
    auto q = db.query("SELECT " + std::string(user_columns()) + " FROM users ORDER BY username");
    if (!q) throw StorageError(q.error());
    std::vector<User> out;
    while (q->next()) {
      out.push_back(read_user(*q));
      out.back().password_hash.clear();
    }
    if (auto e = q->status()) throw StorageError(*e);
    return out;
  });
}

template <class Db>
Result<std::vector<User>> AccountsStore<Db>::create_users(std::vector<User> users, std::vector<AuditEntry> audit) {
  std::vector<User> stored;
  auto e = write([&](Db& db) -> Status {
    stored.clear();  // the work may run twice
    for (const auto& u : users) {
      auto added = insert_user(db, u);
      if (!added) return added.error();  // undone whole
      stored.push_back(std::move(*added));
    }
    for (const auto& a : audit)
      if (auto e = records::insert_audit(db, a)) return e;
    return std::nullopt;
  });
  if (e) return *e;
  return stored;
}

template <class Db>
Result<std::vector<std::string>> AccountsStore<Db>::change_user(const UserChange& change) {
  std::vector<std::string> ended;
  auto e = write([&](Db& db) -> Status {
    ended.clear();
    const auto& u = change.user;
    // Whether the user is an active admin now: then one must be left after the change. The
    // writer runs one change at a time, so two admins cannot disable each other at once.
    auto was = db.scalar("SELECT count(*) FROM users WHERE id = " + std::to_string(u.id) +
                         " AND role = 'admin' AND active = 1");
    if (!was) return was.error();
    auto q = db.query(kUpdateUser);
    if (!q) return q.error();
    q->bind(1, u.id);
    bind_user_fields(*q, u);
    if (auto e = q->run()) return e;
    if (db.changes() == 0) return make_error(ErrorCode::not_found, "no user " + std::to_string(u.id));
    if (*was > 0) {
      auto left = db.scalar("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1");
      if (!left) return left.error();
      if (*left == 0)
        return make_error(ErrorCode::conflict, "the last active admin must stay an active admin",
                          u.active ? "role" : "disabled");
    }
    auto tokens = end_tokens(db, change);
    if (!tokens) return tokens.error();
    ended = std::move(*tokens);
    return records::insert_audit(db, change.audit);
  });
  if (e) return *e;
  return ended;
}

template std::vector<User> AccountsStore<Connection>::users();
template std::vector<User> AccountsStore<pg::Connection>::users();
template Result<std::vector<User>> AccountsStore<Connection>::create_users(std::vector<User>, std::vector<AuditEntry>);
template Result<std::vector<User>> AccountsStore<pg::Connection>::create_users(std::vector<User>,
                                                                               std::vector<AuditEntry>);
template Result<std::vector<std::string>> AccountsStore<Connection>::change_user(const UserChange&);
template Result<std::vector<std::string>> AccountsStore<pg::Connection>::change_user(const UserChange&);

}  // namespace gridkeeper::data
