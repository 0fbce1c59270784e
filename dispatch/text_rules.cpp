#include "dispatch/text_rules.hpp"

#include <string>

namespace gridkeeper::dispatch {

namespace {
// The next code point of `s` at `i`, advancing `i`; -1 for malformed UTF-8 (overlong forms,
// surrogates, beyond U+10FFFF, cut off).
long next_code_point(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return ++i, c;
  std::size_t n;
  unsigned long cp;
  if (c >= 0xC2 && c <= 0xDF) n = 1, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 2, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 3, cp = c & 0x07;
  else return -1;
  if (s.size() - i <= n) return -1;
  for (std::size_t k = 1; k <= n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += n + 1;
  return static_cast<long>(cp);
}

bool allowed(long cp, TextKind kind) {
  if (cp < 0x20) return kind == TextKind::multiline && (cp == '\t' || cp == '\n' || cp == '\r');
  if (cp >= 0x7F && cp <= 0x9F) return false;                                          // DEL and C1 controls
  if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return false;  // bidi controls
  return true;
}

std::string hex(long cp) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out = "U+";
  for (int shift = cp > 0xFFFF ? 20 : 12; shift >= 0; shift -= 4) out += kDigits[(cp >> shift) & 0xF];
  return out;
}
}  // namespace

Status check_text(std::string_view value, std::size_t max_bytes, std::string_view field, TextKind kind) {
  const std::string name(field);
  if (value.size() > max_bytes)
    return make_error(ErrorCode::invalid_value, name + " is longer than " + std::to_string(max_bytes) + " bytes", name);
  for (std::size_t i = 0; i < value.size();) {
    const long cp = next_code_point(value, i);
    if (cp < 0) return make_error(ErrorCode::invalid_value, name + " is not well-formed UTF-8 text", name);
    if (!allowed(cp, kind))
      return make_error(ErrorCode::invalid_value,
                        name + " holds a control or text-direction character (" + hex(cp) + ")", name);
  }
  return std::nullopt;
}

bool valid_identifier(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

}  // namespace gridkeeper::dispatch
