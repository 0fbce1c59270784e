// Accounts in storage: a change and its audit entry in one transaction, the tokens it ends,
// and the last active admin kept even when the callers' checks raced.
#include <catch2/catch.hpp>

#include "data/accounts_store.hpp"
#include "data/schema.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;

namespace {
dispatch::User user(const std::string& name, dispatch::Role role) {
  dispatch::User u;
  u.username = name;
  u.role = role;
  u.password_hash = "not-a-real-hash";
  return u;
}
dispatch::AuditEntry entry(const std::string& subject) {
  dispatch::AuditEntry a;
  a.at = 1;
  a.actor = "test";
  a.kind = "user";
  a.subject = subject;
  a.detail = "changed";
  return a;
}
}  // namespace

TEST_CASE("accounts: changes end tokens, write their audit entry, and keep an active admin", "[data][users]") {
  TempDir dir;
  auto opened = data::SqliteAccounts::open(dir.file("a.db"));
  REQUIRE(opened);
  auto& accounts = **opened;
  auto made = accounts.create_users({user("boss", dispatch::Role::admin), user("op", dispatch::Role::operator_)},
                                    {entry("boss"), entry("op")});
  REQUIRE(made);
  const auto boss = made->at(0), op = made->at(1);
  REQUIRE_FALSE(accounts.store_token({"t1", op.id, 10, 1000}));
  REQUIRE_FALSE(accounts.store_token({"t2", op.id, 20, 1000}));
  CHECK(accounts.user_by_id(op.id)->last_login_at == 20);

  dispatch::UserChange keep_one;
  keep_one.user = *accounts.user_by_id(op.id);
  keep_one.end_tokens = dispatch::EndTokens::all_but_one;
  keep_one.kept_token_hash = "t2";
  keep_one.audit = entry("op");
  auto ended = accounts.change_user(keep_one);
  REQUIRE(ended);
  CHECK(*ended == std::vector<std::string>{"t1"});
  CHECK_FALSE(accounts.find_token("t1"));
  CHECK(accounts.find_token("t2"));

  // The only active admin disabled: refused in storage, nothing changed, no audit entry.
  auto audit_rows = [&] {
    auto db = data::open_for_reading(dir.file("a.db"));
    return *(*db)->scalar("SELECT count(*) FROM audit");
  };
  const auto before = audit_rows();
  dispatch::UserChange off;
  off.user = *accounts.user_by_id(boss.id);
  off.user.active = false;
  off.end_tokens = dispatch::EndTokens::all;
  off.audit = entry("boss");
  auto refused = accounts.change_user(off);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == dispatch::ErrorCode::conflict);
  CHECK(accounts.user_by_id(boss.id)->active);
  CHECK(audit_rows() == before);

  // With another admin it passes.
  auto second = accounts.create_users({user("boss2", dispatch::Role::admin)}, {entry("boss2")});
  REQUIRE(second);
  REQUIRE(accounts.change_user(off));
  CHECK_FALSE(accounts.user_by_id(boss.id)->active);
  CHECK(audit_rows() == before + 2);
  auto taken = accounts.create_users({user("boss", dispatch::Role::admin)}, {entry("boss")});
  REQUIRE_FALSE(taken);
  CHECK(taken.error().code == dispatch::ErrorCode::conflict);
}
