#pragma once
// Loading standard addresses into a database from a command (gridkeeper import
// --addresses, the demo, the benchmark): the rows routed against the grids stored there.
#include <memory>
#include <string>
#include <vector>

#include "data/sqlite.hpp"
#include "dispatch/address_import.hpp"
#include "geo/grid_index.hpp"

namespace gridkeeper::data {

// The routing index of the grids stored in the database at `path`.
Result<std::shared_ptr<const geo::GridIndex>> stored_grid_index(const std::string& path);

// Routes every stored address again against the grids stored now (after a grid file was
// imported); how many changed grid. Nothing to do without addresses.
Result<std::size_t> reroute_stored_addresses(const std::string& path);

struct AddressImportOutcome {
  dispatch::AddressLoad load;
  std::vector<dispatch::RowProblem> problems;
  std::size_t rejected = 0;
};

// Parses, routes and loads the CSV text (or the rows) into the database at `path`; the
// good rows load, the bad ones are reported by line.
Result<AddressImportOutcome> import_address_csv(const std::string& path, std::string_view csv, geo::Crs crs,
                                                dispatch::Millis now, const std::string& actor = "import");
Result<AddressImportOutcome> import_address_rows(const std::string& path,
                                                 const std::vector<dispatch::AddressInput>& rows, geo::Crs crs,
                                                 dispatch::Millis now, const std::string& actor = "import");

}  // namespace gridkeeper::data
