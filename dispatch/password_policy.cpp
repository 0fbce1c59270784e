#include "dispatch/password_policy.hpp"

#include <string>
#include <unordered_set>

namespace gridkeeper::dispatch {

std::string_view common_passwords_text();  // generated from dispatch/passwords/common-passwords.txt

namespace {

// ASCII letters folded to lower case; other bytes (e.g. Chinese characters) kept as they are.
std::string folded(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

const std::unordered_set<std::string_view>& common_passwords() {
  static const auto set = [] {
    std::unordered_set<std::string_view> s;
    std::string_view text = common_passwords_text();
    while (!text.empty()) {
      const auto end = text.find('\n');
      auto line = text.substr(0, end);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) s.insert(line);  // the file is in lower case
      if (end == std::string_view::npos) break;
      text.remove_prefix(end + 1);
    }
    return s;
  }();
  return set;
}

Error refused(std::string message) { return make_error(ErrorCode::invalid_value, std::move(message), "password"); }

}  // namespace

std::size_t character_count(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;  // every byte but UTF-8 continuation bytes starts a character
  return n;
}

bool is_common_password(std::string_view password) { return common_passwords().contains(folded(password)); }

Status check_password(std::string_view username, std::string_view password) {
  if (character_count(password) < kMinPasswordCharacters)
    return refused("the password is too short: use at least " + std::to_string(kMinPasswordCharacters) +
                   " characters, for example a few words");
  if (!username.empty() && folded(password) == folded(username))
    return refused("the password must not be the username");
  if (is_common_password(password))
    return refused("the password is one of the most common passwords, which are tried first; choose another");
  return std::nullopt;
}

}  // namespace gridkeeper::dispatch
