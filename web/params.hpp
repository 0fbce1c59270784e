#pragma once
// The values in a request's target, read one way everywhere: the target split into its
// decoded path segments and query parameters, a parameter looked up by name, and the
// ids, numbers, flags, comma lists and boxes that handlers, reports and Open311 take.
// Each reader takes the whole text or nothing: no leading sign but '-', no spaces, no
// trailing bytes, never NaN or infinity. What a value means and the error a caller
// answers with stay with the caller.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dispatch/errors.hpp"

namespace gridkeeper::web {

// Query parameters, decoded, in the order they came.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// A request target in origin form, as the router sees it.
struct Target {
  std::vector<std::string> path;  // decoded segments, without the empty one of a trailing '/'
  QueryParams query;              // decoded
};
// Nullopt when `target` is not in origin form (or its percent-encoding is broken). The
// decoded text may be any bytes, NUL and malformed UTF-8 included: the router checks it.
std::optional<Target> parse_target(std::string_view target);
// The path alone, split the same way (the transport's checks of a path, before routing).
std::optional<std::vector<std::string>> parse_path(std::string_view target);

// The value of the parameter `name`; the last one when it is repeated; null when absent.
const std::string* param(const QueryParams& params, std::string_view name);

// A positive decimal integer that fits in 64 bits: ids, limits, pages.
std::optional<std::int64_t> parse_id(std::string_view s);

// A finite decimal number ("12.5", "-3", "1e2").
std::optional<double> parse_finite(std::string_view s);

// A required number parameter: bad_request when absent, empty or not a number;
// invalid_value when out of range or not finite. `name` is the field of the error.
dispatch::Result<double> parse_number(const std::string* s, const char* name);

// "true" or "1", "false" or "0".
std::optional<bool> parse_flag(std::string_view s);

// "a,b,,c" -> {"a", "b", "", "c"}; "" -> {""}.
std::vector<std::string> split_commas(std::string_view s);

// min lon, min lat, max lon, max lat: exactly four finite numbers separated by commas;
// nullopt otherwise. Whether they make a box on the globe is `on_globe`.
using BBoxValues = std::array<double, 4>;
std::optional<BBoxValues> parse_bbox(std::string_view s);
// Within ±180° and ±90°, min not above max.
bool on_globe(const BBoxValues& b);

}  // namespace gridkeeper::web
