#pragma once
// The standard addresses' CSV (`gridkeeper import --addresses`, POST /addresses/import):
// UTF-8 with the header `address,lon,lat` and optionally `building` and `community` (in any
// order; unknown columns are refused). Coordinates in the file's frame (WGS-84, GCJ-02 or
// BD-09) are stored in WGS-84, and each row is routed to its grid as it is read. A bad row
// (a missing field, a bad number, a point outside every grid, malformed UTF-8 or control
// characters, an oversized cell) is reported by its line and left out; the good rows load.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/address_book.hpp"
#include "dispatch/errors.hpp"
#include "geo/crs.hpp"
#include "geo/geometry.hpp"

namespace gridkeeper::dispatch {

inline constexpr std::size_t kMaxAddressBytes = 300;  // an address or building cell
inline constexpr std::size_t kMaxAddressLineBytes = 2000;
inline constexpr std::size_t kMaxReportedProblems = 1000;

struct RowProblem {
  std::size_t line = 0;  // of the file, the header being line 1
  std::string field;     // the column, or "line"
  std::string message;
};

struct AddressParse {
  std::vector<Address> rows;         // good rows, routed, in WGS-84
  std::vector<RowProblem> problems;  // at most kMaxReportedProblems, in line order
  std::size_t rejected = 0;          // every bad row, reported or not
};

// A row as the generator of a city writes it, before routing: coordinates in `crs`.
struct AddressInput {
  std::string address, building, community;
  double lon = 0, lat = 0;
};

// Checks, converts and routes rows (line numbers count from 2, as under a header).
AddressParse addresses_from(const std::vector<AddressInput>& inputs, geo::Crs crs, const GridOf& grid_of);

// Reads the CSV text. invalid_value for a missing or wrong header (the whole file); row
// problems otherwise.
Result<AddressParse> parse_address_csv(std::string_view text, geo::Crs crs, const GridOf& grid_of);

}  // namespace gridkeeper::dispatch
