#include "dispatch/case_view.hpp"

namespace gridkeeper::dispatch {

std::string masked_phone(std::string_view phone) {
  // Only ASCII digits are replaced, so whatever else the number holds (a +86, spaces,
  // dashes) stays and the text stays valid UTF-8.
  std::size_t digits = 0;
  for (char ch : phone) digits += ch >= '0' && ch <= '9';
  // Eleven digits or more (a mobile number, with its country code or not): the four before
  // the last four. Fewer: all but the last four, or the last two of a short number.
  const std::size_t from = digits >= 11 ? digits - 8 : 0;
  const std::size_t to = digits >= 11 ? digits - 4 : digits >= 8 ? digits - 4 : digits > 2 ? digits - 2 : 0;
  std::string out(phone);
  std::size_t seen = 0;
  for (char& ch : out) {
    if (ch < '0' || ch > '9') continue;
    if (seen >= from && seen < to) ch = '*';
    ++seen;
  }
  return out;
}

bool sees_whole_phone(const Actor& actor, bool category_callback) {
  switch (actor.role) {
    case Role::admin:
    case Role::operator_:
    case Role::supervisor:
      return true;
    case Role::worker:
      return category_callback;
    case Role::system:
      return false;
  }
  return false;
}

bool is_after_photo(const Case& c, Millis photo_at) { return c.accepted_at && photo_at >= *c.accepted_at; }

Status check_after_photo(const Case& c, const Category& category, std::optional<Millis> latest_photo) {
  if (!category.after_photo_required) return std::nullopt;
  if (latest_photo && is_after_photo(c, *latest_photo)) return std::nullopt;
  return make_error(ErrorCode::invalid_value,
                    "a case of category " + category.id + " is resolved with a photo of the work done; add one first",
                    "photo");
}

}  // namespace gridkeeper::dispatch
