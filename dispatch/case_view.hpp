#pragma once
// What a reader is shown of a case beyond its actions: the reporter's phone (whole or
// masked), and whether a photo is a before-photo or an after-photo of the work.
#include <optional>
#include <string>
#include <string_view>

#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// The reporter's phone, masked: of a number of eleven digits or more the four before the
// last four (13812341234 → 138****1234, +86 138 1234 1234 → +86 138 **** 1234); of eight
// to ten digits all but the last four; of fewer all but the last two. Only digits change.
std::string masked_phone(std::string_view phone);

// Whether `actor` sees the reporter's whole phone: operators, supervisors and admins do;
// a worker only when the case's category needs a call back (`Category::callback`).
bool sees_whole_phone(const Actor& actor, bool category_callback);

// An after-photo is one taken once the worker accepted the case (at or after
// `accepted_at`); every other photo of the case is a before-photo.
bool is_after_photo(const Case& c, Millis photo_at);

// Resolving a case of a category that requires an after-photo needs one: `latest_photo`
// is the time of the case's latest photo (none: no photo). 422 `field: "photo"` otherwise.
Status check_after_photo(const Case& c, const Category& category, std::optional<Millis> latest_photo);

}  // namespace gridkeeper::dispatch
