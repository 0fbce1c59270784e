// The password rule: length in characters, not the username, not a common password.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "dispatch/password_policy.hpp"

using namespace gridkeeper::dispatch;

namespace {
void refused(const std::string& username, const std::string& password, const std::string& words) {
  INFO(username << " / " << password);
  auto e = check_password(username, password);
  REQUIRE(e);
  CHECK(e->code == ErrorCode::invalid_value);
  CHECK(http_status(e->code) == 422);
  CHECK(e->field == "password");
  CHECK(e->message.find(words) != std::string::npos);
}
}  // namespace

TEST_CASE("passwords under ten characters are refused", "[password]") {
  refused("op", "a", "too short");
  refused("op", "password", "too short");
  refused("op", "9chars-ok", "too short");
  CHECK_FALSE(check_password("op", "ten chars!"));
  // Characters, not bytes: five Chinese characters are 15 bytes but still too short.
  refused("op", "网格管理员", "too short");
  CHECK_FALSE(check_password("op", "网格化管理的网格员密码"));
}

TEST_CASE("a password equal to the username is refused, whatever its case", "[password]") {
  refused("supervisor-c1", "supervisor-c1", "username");
  refused("supervisor-c1", "Supervisor-C1", "username");
  refused("SUPERVISOR-C1", "supervisor-c1", "username");
  CHECK_FALSE(check_password("supervisor-c1", "supervisor-c1-x"));
}

TEST_CASE("common passwords are refused, whatever their case", "[password]") {
  CHECK(is_common_password("password"));
  CHECK(is_common_password("PASSWORD"));
  CHECK(is_common_password("123456"));
  CHECK_FALSE(is_common_password("grid-keeper-2026"));
  refused("op", "1234567890", "common");
  refused("op", "QwertyUiop", "common");
  refused("op", "Password123", "common");
  CHECK_FALSE(check_password("op", "grid-keeper-2026"));
  CHECK_FALSE(check_password("op", "a long passphrase"));
  CHECK_FALSE(check_password("operator", "gridkeeper-demo"));  // the demo's logins keep working
}

TEST_CASE("the compiled-in list is the shipped file, all of it", "[password]") {
  std::ifstream in(std::string(GRIDKEEPER_SOURCE_DIR) + "/dispatch/passwords/common-passwords.txt");
  REQUIRE(in);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++n;
    INFO(line);
    REQUIRE(is_common_password(line));
  }
  CHECK(n > 5000);
}
