#pragma once
// The rule for passwords, wherever one is set (`gridkeeper user add`, and the user
// creation, reset and change endpoints): at least 10 characters, not the username, and not
// one of the common passwords shipped in dispatch/passwords/ (both compared without regard
// to case). A refusal is 422 `invalid_value` with `field: "password"`.
#include <cstddef>
#include <string_view>

#include "dispatch/errors.hpp"

namespace gridkeeper::dispatch {

inline constexpr std::size_t kMinPasswordCharacters = 10;

// Nothing when `password` may be set for `username`, else why not, in words for a person.
Status check_password(std::string_view username, std::string_view password);

// Whether `password` is on the shipped list of common passwords (case-insensitively).
bool is_common_password(std::string_view password);

// The characters (UTF-8 code points) of `text`.
std::size_t character_count(std::string_view text);

}  // namespace gridkeeper::dispatch
