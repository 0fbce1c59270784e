#pragma once
// What text from outside may hold before it is stored, shown to staff or echoed: well-formed
// UTF-8 without the characters that hide or disguise what a reader sees. One rule for every
// text field the center keeps (titles, descriptions, notes, names, addresses), applied
// where the text enters: the center's calls and the importers.
#include <cstddef>
#include <string_view>

#include "dispatch/errors.hpp"

namespace gridkeeper::dispatch {

enum class TextKind {
  line,       // one line: no control characters at all
  multiline,  // descriptions and notes: tab, line feed and carriage return allowed
};

// invalid_value naming `field` when `value` is longer than `max_bytes`, is not well-formed
// UTF-8, or holds a control character (C0 but those `kind` allows, DEL, C1), or a bidi
// embedding, override or isolate (U+202A..U+202E, U+2066..U+2069).
Status check_text(std::string_view value, std::size_t max_bytes, std::string_view field,
                  TextKind kind = TextKind::line);

// Identifiers chosen by people (category ids, worker ids, grid and area codes): 1 to 64 of
// A-Z a-z 0-9 and - _ . (so that they travel in paths, CSV and logs unchanged).
bool valid_identifier(std::string_view id);
inline constexpr std::string_view kIdentifierRule = "1 to 64 of the characters A-Z a-z 0-9 - _ .";

}  // namespace gridkeeper::dispatch
