#pragma once
// Shared by the Center's source files (dispatch/center*.cpp) and used by nothing else: the
// limits on the text of a case and of a category.
#include <cstddef>

namespace gridkeeper::dispatch::detail {

inline constexpr std::size_t kMaxTitle = 200, kMaxText = 4000, kMaxShort = 200;

}  // namespace gridkeeper::dispatch::detail
