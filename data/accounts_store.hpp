#pragma once
// AccountsStore: users, login tokens (hashes only) and case photos in the same database as
// the ledger, on either backend (Db: data::Connection for SQLite, pg::Connection for
// PostgreSQL). Reads use connections of its own (they never wait for the writer). Given a
// WriteQueueOn (the server passes its ledger), every write goes through that one writer
// and its group commit; without one (a command while no server runs, or besides one) it
// writes on its own connection. Every call may block, so the server calls it from its
// blocking pool. A write is durable before it returns.
#include <functional>
#include <memory>
#include <string>

#include "data/store_connections.hpp"
#include "dispatch/accounts.hpp"

namespace gridkeeper::data {

template <class Db>
class AccountsStore final : public dispatch::Accounts {
 public:
  using Query = typename Db::Query;

  // Creates or migrates the database at `place` (a file, or a PostgreSQL URI).
  static Result<std::unique_ptr<AccountsStore>> open(const std::string& place, WriteQueueOn<Db>* writer = nullptr,
                                                     int busy_timeout_ms = 5000);

  // Failures of the database come back as errors where the port has a channel for them;
  // reads and deletes throw StorageError.
  Result<dispatch::User> add_user(dispatch::User user) override;
  // Many users in one transaction (one commit instead of one each): all of them, or none
  // when any username exists. create_users with no audit entries.
  Result<std::vector<dispatch::User>> add_users(std::vector<dispatch::User> users);
  std::optional<dispatch::User> find_user(std::string_view username) override;
  std::optional<dispatch::User> user_by_id(dispatch::UserId id) override;
  Status store_token(const dispatch::TokenRecord& token) override;
  std::optional<dispatch::TokenRecord> find_token(std::string_view token_hash) override;
  void delete_token(std::string_view token_hash) override;
  void delete_expired_tokens(dispatch::Millis now) override;
  // data/users_store.cpp: the administration of accounts.
  std::vector<dispatch::User> users() override;
  Result<std::vector<dispatch::User>> create_users(std::vector<dispatch::User> users,
                                                   std::vector<dispatch::AuditEntry> audit) override;
  Result<std::vector<std::string>> change_user(const dispatch::UserChange& change) override;
  Result<dispatch::Photo> add_photo(dispatch::Photo photo) override;
  std::vector<dispatch::Photo> photos(dispatch::CaseId id, bool with_data) override;
  std::optional<dispatch::Photo> photo(std::int64_t id) override;
  std::int64_t photo_bytes_since(std::string_view actor, dispatch::Millis since) override;

 private:
  explicit AccountsStore(std::unique_ptr<StoreConnections<Db>> db) : db_(std::move(db)) {}
  Status write(WorkOn<Db> work) { return db_->write(std::move(work)); }
  // Runs `read` on a lent connection; a failure of the database throws StorageError.
  template <class Read>
  auto read(Read read) -> decltype(read(std::declval<Db&>())) {
    auto lease = db_->reader();
    if (!lease) throw StorageError(lease.error());
    return read(**lease);
  }
  std::optional<dispatch::User> user_where(std::string_view where, const std::function<void(Query&)>& bind);
  std::vector<dispatch::Photo> photos_where(std::string_view where, std::int64_t key, bool with_data);

  std::unique_ptr<StoreConnections<Db>> db_;
};

using SqliteAccounts = AccountsStore<Connection>;
using PgAccounts = AccountsStore<pg::Connection>;

// Shared with data/users_store.cpp: the columns a user is read from, in order, and the reader.
std::string_view user_columns();
template <class Query>
dispatch::User read_user(const Query& q);
// Binds a user's fields (role, scope, worker_id, password_hash, active, display_name,
// must_change_password) as parameters ?2..?8, as the insert and the update of users take them.
template <class Query>
void bind_user_fields(Query& q, const dispatch::User& u);
// Inserts `user` (conflict when its username exists) on the writer's connection.
template <class Db>
Result<dispatch::User> insert_user(Db& db, dispatch::User user);

}  // namespace gridkeeper::data
