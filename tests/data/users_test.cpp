// Accounts in storage: a change and its audit entry in one transaction, the tokens it ends,
// and the last active admin kept even when the callers' checks raced; photos' bytes as they
// were sent. On SQLite and on PostgreSQL.
#include <catch2/catch.hpp>

#include "../dispatch/support.hpp"
#include "backends.hpp"
#include "data/accounts_store.hpp"
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

TEMPLATE_TEST_CASE("accounts: changes end tokens, write their audit entry, and keep an active admin", "[data][users]",
                   OnSqlite, OnPostgres) {
  EmptyOn<TestType> db;
  auto opened = open_store<typename TestType::Accounts>(db.place);
  auto& accounts = *opened;
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
  auto audit_rows = [&] { return TestType::scalar(db.place, "SELECT count(*) FROM audit"); };
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

TEMPLATE_TEST_CASE("photos: every byte value and a large photo come back as stored, sizes summed", "[data][users]",
                   OnSqlite, OnPostgres) {
  CityOn<TestType> city;
  dispatch::CaseId case_id = 0, other_case = 0;
  {
    RunningOn<TestType> run(city.place);
    const dispatch::Actor op{1, "op", dispatch::Role::operator_, {}, {}};
    auto a = run.center->intake_and_wait(testing::at_grid(0, 0), op);
    REQUIRE(a.ok());
    auto b = run.center->intake_and_wait(testing::at_grid(1, 1), op);
    REQUIRE(b.ok());
    case_id = a->id;
    other_case = b->id;
  }
  auto accounts = open_store<typename TestType::Accounts>(city.place);

  // Every byte value, NUL and the high half included, in both orders.
  std::string every(512, '\0');
  for (int i = 0; i < 256; ++i) {
    every[i] = static_cast<char>(i);
    every[511 - i] = static_cast<char>(i);
  }
  // 2 MiB that repeat no short pattern, NULs included.
  std::string large(2 << 20, '\0');
  std::uint32_t x = 2463534242u;
  for (auto& c : large) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x >> 24);
  }
  auto photo = [](dispatch::CaseId id, std::string type, std::string data, dispatch::Millis at, std::string actor) {
    dispatch::Photo p;
    p.case_id = id;
    p.content_type = std::move(type);
    p.data = std::move(data);
    p.at = at;
    p.actor = std::move(actor);
    return p;
  };
  const std::vector<dispatch::Photo> sent{photo(case_id, "image/png", every, 1000, "user:7:w"),
                                          photo(case_id, "image/jpeg", large, 2000, "user:7:w"),
                                          photo(other_case, "image/jpeg", "\xff\xd8\xff", 3000, "user:7:w"),
                                          photo(case_id, "image/png", std::string(1, '\0'), 3000, "user:8:x")};
  std::vector<dispatch::Photo> stored;
  for (const auto& p : sent) {
    auto added = accounts->add_photo(p);
    REQUIRE(added.ok());
    CHECK(added->id > 0);
    CHECK(added->data == p.data);
    stored.push_back(*added);
  }

  for (const auto& p : stored) {
    INFO("photo " << p.id);
    auto back = accounts->photo(p.id);
    REQUIRE(back);
    CHECK(back->case_id == p.case_id);
    CHECK(back->content_type == p.content_type);
    CHECK(back->at == p.at);
    CHECK(back->actor == p.actor);
    CHECK(back->data.size() == p.data.size());
    CHECK(back->data == p.data);
  }
  CHECK_FALSE(accounts->photo(stored.back().id + 1000));

  // A case's photos in the order they were added; without their bytes when not asked for.
  auto with = accounts->photos(case_id, true);
  REQUIRE(with.size() == 3);
  CHECK(with[0].data == every);
  CHECK(with[1].data == large);
  CHECK(with[2].data == std::string(1, '\0'));
  auto without = accounts->photos(case_id, false);
  REQUIRE(without.size() == 3);
  for (std::size_t i = 0; i < without.size(); ++i) {
    CHECK(without[i].id == with[i].id);
    CHECK(without[i].content_type == with[i].content_type);
    CHECK(without[i].data.empty());
  }
  CHECK(accounts->photos(other_case, true).size() == 1);

  // The bytes one actor sent from a time on.
  CHECK(accounts->photo_bytes_since("user:7:w", 0) == static_cast<std::int64_t>(every.size() + large.size() + 3));
  CHECK(accounts->photo_bytes_since("user:7:w", 1001) == static_cast<std::int64_t>(large.size() + 3));
  CHECK(accounts->photo_bytes_since("user:7:w", 3001) == 0);
  CHECK(accounts->photo_bytes_since("user:8:x", 0) == 1);
  CHECK(accounts->photo_bytes_since("user:9:nobody", 0) == 0);
}
