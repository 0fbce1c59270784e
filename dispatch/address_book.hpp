#pragma once
// The standard address library (标准地址): places with their coordinates (WGS-84) and the
// grid each lies in, and the search over them and over the cases. dispatch defines the
// port; data implements it on SQLite (data/sqlite_addresses.*). Every call may block: keep
// it off network threads.
//
// The key of an address is its text and its building together: a reload of a file with the
// same (address, building) updates that row in place (coordinates, community, grid); a
// changed text is a new address.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dispatch/access.hpp"
#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"
#include "geo/grid_index.hpp"

namespace gridkeeper::dispatch {

struct Address {
  std::int64_t id = 0;
  std::string address;
  std::string building;
  std::string community;    // as written in the file (a name or a code); may be empty
  double lon = 0, lat = 0;  // WGS-84
  std::string grid_id;      // empty: in no grid
};

// What a load did: rows added, changed in place, found as they were.
struct AddressLoad {
  std::size_t added = 0, updated = 0, unchanged = 0;
};

// Bounds of a search: at most this many results of each kind.
inline constexpr std::size_t kMaxAddressResults = 50;
inline constexpr std::size_t kDefaultAddressResults = 20;
// A query longer than this (bytes) is refused: no address is that long.
inline constexpr std::size_t kMaxQueryBytes = 200;

// Cases whose title or address holds `text`, or (when `phone_tail` is set) whose reporter's
// phone ends in those four digits, within `view` (ReportView: a scope's subtree, or one
// worker's cases), newest first.
struct CaseSearch {
  std::string text;
  std::string phone_tail;  // empty: none
  ReportView view;
  std::size_t limit = 10;
};

// Routes a WGS-84 point to its grid; nullopt outside every grid.
using GridOf = std::function<std::optional<std::string>(geo::Point)>;
// Routes with `index` as the server does (snapping included); none without an index.
GridOf grid_of(std::shared_ptr<const geo::GridIndex> index);

class AddressBook {
 public:
  virtual ~AddressBook() = default;
  // Adds or updates `rows` (already routed) in one transaction with one audit entry
  // (kind "address", actor, the counts). Same (address, building): the same row.
  virtual Result<AddressLoad> load_addresses(const std::vector<Address>& rows, Millis at, const std::string& actor) = 0;
  // Addresses holding `text` (two or more characters), best first: the address equal to
  // the text, then those beginning with it, then those holding it elsewhere, each group
  // shorter addresses first (then by id). At most `limit` (capped at kMaxAddressResults).
  virtual Result<std::vector<Address>> find_addresses(const std::string& text, std::size_t limit) = 0;
  // Routes every address again with `grid_of` (e.g. against a new grid index once grids are
  // redrawn) and stores the grids that changed. Returns how many changed.
  virtual Result<std::size_t> reroute_addresses(const GridOf& grid_of) = 0;
  virtual Result<std::size_t> address_count() = 0;
  // Ids of the cases a search finds (see CaseSearch).
  virtual Result<std::vector<CaseId>> find_case_ids(const CaseSearch& search) = 0;
};

}  // namespace gridkeeper::dispatch
