#pragma once
// Text from outside that did not come through the JSON parser (query strings, form
// bodies) is checked here before it is stored or echoed.
#include <cstddef>
#include <string>
#include <string_view>

namespace gridkeeper::web {

// Well-formed UTF-8 (no overlong forms, surrogates or code points beyond U+10FFFF) and
// no NUL.
bool valid_utf8(std::string_view s);

// At most `max_chars` code points of valid UTF-8 `s`.
std::string utf8_prefix(std::string_view s, std::size_t max_chars);

}  // namespace gridkeeper::web
