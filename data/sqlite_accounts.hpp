#pragma once
// SqliteAccounts: users, login tokens (hashes only) and case photos in the same database
// as the ledger. Reads use one connection of its own (WAL: they never wait for the
// writer), one caller at a time. Given a WriteQueue (the server passes its ledger), every
// write goes through that one writer and its group commit; without one (a command while
// no server runs, or besides one) it writes on its own connection. Every call may block,
// so the server calls it from its blocking pool. A write is durable before it returns.
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "data/sqlite.hpp"
#include "data/write_queue.hpp"
#include "dispatch/accounts.hpp"

namespace gridkeeper::data {

// Shared with data/sqlite_users.cpp: the columns a user is read from, in order, and the reader.
std::string_view user_columns();
dispatch::User read_user(const Query& q);
// Binds a user's fields (role, scope, worker_id, password_hash, active, display_name,
// must_change_password) as parameters ?2..?8, as the insert and the update of users take them.
void bind_user_fields(Query& q, const dispatch::User& u);
// Inserts `user` (conflict when its username exists) on the writer's connection.
Result<dispatch::User> insert_user(Connection& db, dispatch::User user);

class SqliteAccounts final : public dispatch::Accounts {
 public:
  // Creates or migrates the database at `path`.
  static Result<std::unique_ptr<SqliteAccounts>> open(const std::string& path, WriteQueue* writer = nullptr,
                                                      int busy_timeout_ms = 5000);

  // Failures of the database come back as errors where the port has a channel for them;
  // reads and deletes throw StorageError.
  Result<dispatch::User> add_user(dispatch::User user) override;
  // Many users in one transaction (one commit instead of one each): all of them, or none
  // when any username exists.
  Result<std::vector<dispatch::User>> add_users(std::vector<dispatch::User> users);
  std::optional<dispatch::User> find_user(std::string_view username) override;
  std::optional<dispatch::User> user_by_id(dispatch::UserId id) override;
  Status store_token(const dispatch::TokenRecord& token) override;
  std::optional<dispatch::TokenRecord> find_token(std::string_view token_hash) override;
  void delete_token(std::string_view token_hash) override;
  void delete_expired_tokens(dispatch::Millis now) override;
  // data/sqlite_users.cpp: the administration of accounts.
  std::vector<dispatch::User> users() override;
  Result<std::vector<dispatch::User>> create_users(std::vector<dispatch::User> users,
                                                   std::vector<dispatch::AuditEntry> audit) override;
  Result<std::vector<std::string>> change_user(const dispatch::UserChange& change) override;
  Result<dispatch::Photo> add_photo(dispatch::Photo photo) override;
  std::vector<dispatch::Photo> photos(dispatch::CaseId id, bool with_data) override;
  std::optional<dispatch::Photo> photo(std::int64_t id) override;
  std::int64_t photo_bytes_since(std::string_view actor, dispatch::Millis since) override;

 private:
  SqliteAccounts(std::unique_ptr<Connection> db, WriteQueue* writer) : db_(std::move(db)), writer_(writer) {}
  // Runs `work` through the writer, or on the own connection when there is none.
  Status write(Work work);
  std::optional<dispatch::User> user_where(std::string_view where, const std::function<void(Query&)>& bind);
  std::vector<dispatch::Photo> photos_where(std::string_view where, std::int64_t key, bool with_data);

  std::mutex mutex_;
  std::unique_ptr<Connection> db_;
  WriteQueue* writer_;
};

}  // namespace gridkeeper::data
