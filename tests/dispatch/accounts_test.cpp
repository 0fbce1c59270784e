// The rules of accounts: who sees and manages which accounts (dispatch/access.hpp) and the
// CSV import's reader (dispatch/user_import.hpp), with hostile files.
#include <catch2/catch.hpp>

#include "dispatch/access.hpp"
#include "dispatch/user_import.hpp"

using namespace gridkeeper::dispatch;

namespace {
// D > S > C1, C2; D > S2.
struct Places final : Hierarchy {
  bool contains(const std::string& scope, const std::string& code) const override {
    if (scope == code) return true;
    if (scope == "D") return code == "S" || code == "S2" || code == "C1" || code == "C2";
    if (scope == "S") return code == "C1" || code == "C2";
    return false;
  }
};

Actor actor(Role role, std::string scope, UserId id = 100) {
  Actor a;
  a.user_id = id;
  a.username = "u" + std::to_string(id);
  a.role = role;
  a.scope = std::move(scope);
  return a;
}

const std::string kHeader = "username,display_name,role,scope,worker_id\n";
}  // namespace

TEST_CASE("accounts: who sees which accounts", "[access][accounts]") {
  const Places places;
  const AccountPlace in_c1{"C1", ""}, worker_in_c2{"", "C2"}, everything{"", ""}, in_s2{"S2", ""};
  CHECK(sees_account(actor(Role::admin, ""), everything, places));
  CHECK(sees_account(actor(Role::admin, "S"), in_c1, places));
  CHECK(sees_account(actor(Role::admin, "S"), worker_in_c2, places));
  CHECK_FALSE(sees_account(actor(Role::admin, "S"), everything, places));
  CHECK_FALSE(sees_account(actor(Role::admin, "S"), in_s2, places));
  CHECK(sees_account(actor(Role::supervisor, "C1"), in_c1, places));
  CHECK_FALSE(sees_account(actor(Role::supervisor, "C1"), worker_in_c2, places));
  CHECK_FALSE(sees_account(actor(Role::operator_, ""), in_c1, places));
  CHECK_FALSE(sees_account(actor(Role::worker, ""), in_c1, places));
}

TEST_CASE("accounts: a scoped admin places accounts only inside its scope", "[access][accounts]") {
  const Places places;
  CHECK_FALSE(check_account_place(actor(Role::admin, ""), {"", ""}, places));
  CHECK_FALSE(check_account_place(actor(Role::admin, "S"), {"C1", ""}, places));
  CHECK_FALSE(check_account_place(actor(Role::admin, "S"), {"", "C2"}, places));
  const auto wider = check_account_place(actor(Role::admin, "S"), {"", ""}, places);
  REQUIRE(wider);
  CHECK(wider->code == ErrorCode::forbidden);
  CHECK(wider->field == "scope");
  const auto outside = check_account_place(actor(Role::admin, "S"), {"S2", ""}, places);
  REQUIRE(outside);
  CHECK(outside->code == ErrorCode::forbidden);
  const auto worker_outside = check_account_place(actor(Role::admin, "C1"), {"", "C2"}, places);
  REQUIRE(worker_outside);
  CHECK(worker_outside->field == "worker_id");
  const auto supervisor = check_account_place(actor(Role::supervisor, ""), {"C1", ""}, places);
  REQUIRE(supervisor);
  CHECK(supervisor->code == ErrorCode::forbidden);
}

TEST_CASE("accounts: an admin keeps itself and the last active admin", "[access][accounts]") {
  User self;
  self.id = 100;
  self.role = Role::admin;
  User disabled = self;
  disabled.active = false;
  const auto own = check_account_change(actor(Role::admin, "", 100), self, disabled, 3);
  REQUIRE(own);
  CHECK(own->code == ErrorCode::conflict);
  User demoted = self;
  demoted.role = Role::operator_;
  CHECK(check_account_change(actor(Role::admin, "", 100), self, demoted, 3));
  User other = self;
  other.id = 7;
  User other_disabled = other;
  other_disabled.active = false;
  CHECK_FALSE(check_account_change(actor(Role::admin, "", 100), other, other_disabled, 1));
  const auto last = check_account_change(actor(Role::admin, "", 100), other, other_disabled, 0);
  REQUIRE(last);
  CHECK(last->code == ErrorCode::conflict);
  User op = other;
  op.role = Role::operator_;
  User op_disabled = op;
  op_disabled.active = false;
  CHECK_FALSE(check_account_change(actor(Role::admin, "", 100), op, op_disabled, 0));
}

TEST_CASE("user import: a well-formed file with a BOM, CRLF and quoted cells", "[import][accounts]") {
  const std::string text = "\xEF\xBB\xBF" + std::string("username,display_name,role,scope,worker_id\r\n") +
                           "li.lei,\"Li, Lei \"\"the second\"\"\",operator,S,\r\n"
                           "wang_w1,王伟,worker,,W1\r\n"
                           "\r\n";
  auto rows = parse_user_csv(text);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].username == "li.lei");
  CHECK((*rows)[0].display_name == "Li, Lei \"the second\"");
  CHECK((*rows)[0].role == Role::operator_);
  CHECK((*rows)[0].scope == "S");
  CHECK((*rows)[0].line == 2);
  CHECK((*rows)[1].display_name == "王伟");
  CHECK((*rows)[1].worker_id == "W1");
  CHECK((*rows)[1].line == 3);
}

TEST_CASE("user import: a bad row names its line; nothing is read past it", "[import][accounts]") {
  const auto field_of = [](const std::string& text) {
    auto rows = parse_user_csv(text);
    REQUIRE_FALSE(rows);
    CHECK(rows.error().code == ErrorCode::invalid_value);
    return rows.error().field;
  };
  CHECK(field_of(kHeader + "a1,A,operator,,\nb1,B,root,,\n") == "line 3: role");
  CHECK(field_of(kHeader + "a1,A,operator,,\na1,B,operator,,\n") == "line 3: username");
  CHECK(field_of(kHeader + "a1,A,worker,,\n") == "line 2: worker_id");
  CHECK(field_of(kHeader + "a1,A,operator,,W1\n") == "line 2: worker_id");
  CHECK(field_of(kHeader + "a1,=HYPERLINK(\"x\"),operator,,\n") == "line 2: file");
  CHECK(field_of(kHeader + "a1,\"=cmd|' /C calc'!A0\",operator,,\n") == "line 2: display_name");
  CHECK(field_of(kHeader + "a1,\"@SUM(1)\",operator,,\n") == "line 2: display_name");
  CHECK(field_of(kHeader + "-a1,A,operator,,\n") == "line 2: username");
  CHECK(field_of(kHeader + "a b,A,operator,,\n") == "line 2: username");
  CHECK(field_of(kHeader + "a1,\"A\x01\",operator,,\n") == "line 2: display_name");
  CHECK(field_of(kHeader + "a1,A,operator,\n") == "line 2: file");
  CHECK(field_of(kHeader + "a1,\"unclosed,operator,,\n") == "line 2: file");
  CHECK(field_of(kHeader + "a1,A,operator,S 1,\n") == "line 2: scope");
  CHECK(field_of("user,display_name,role,scope,worker_id\na1,A,operator,,\n") == "line 1: header");
  CHECK(field_of(kHeader) == "line 1: header");
  CHECK(field_of("") == "line 1: header");
  // A quoted cell may span lines as CSV allows, but a name is one line.
  CHECK(field_of(kHeader + "a1,\"two\nlines\",operator,,\nb1,B,root,,\n") == "line 2: display_name");
}

TEST_CASE("user import: oversized files are refused whole", "[import][accounts]") {
  std::string many = kHeader;
  for (std::size_t i = 0; i <= kMaxImportRows; ++i) many += "u" + std::to_string(i) + ",,operator,,\n";
  auto rows = parse_user_csv(many);
  REQUIRE_FALSE(rows);
  CHECK(rows.error().code == ErrorCode::too_large);
  auto big = parse_user_csv(kHeader + std::string(kMaxImportBytes, 'a'));
  REQUIRE_FALSE(big);
  CHECK(big.error().code == ErrorCode::too_large);
  std::string most = kHeader;
  for (std::size_t i = 0; i < kMaxImportRows; ++i) most += "u" + std::to_string(i) + ",,operator,,\n";
  auto fits = parse_user_csv(most);
  REQUIRE(fits);
  CHECK(fits->size() == kMaxImportRows);
}
