#include "data/address_files.hpp"

#include "data/addresses_store.hpp"
#include "data/schema.hpp"
#include "geo/geojson.hpp"

namespace gridkeeper::data {

Result<std::shared_ptr<const geo::GridIndex>> stored_grid_index(const std::string& path) {
  auto db = open_for_reading(path);
  if (!db) return db.error();
  std::vector<geo::GridShape> shapes;
  auto q = (*db)->query("SELECT code, geometry FROM grids ORDER BY code");
  if (!q) return q.error();
  while (q->next()) {
    auto shape = geo::read_geometry(q->text_view(1));
    if (!shape) return storage_error("grid " + q->text(0) + " has a stored geometry that cannot be read");
    shapes.push_back({q->text(0), std::move(*shape)});
  }
  if (auto e = q->status()) return *e;
  return geo::GridIndex::build(std::move(shapes));
}

Result<std::size_t> reroute_stored_addresses(const std::string& path) {
  auto book = SqliteAddresses::open(path);
  if (!book) return book.error();
  auto count = (*book)->address_count();
  if (!count) return count.error();
  if (*count == 0) return std::size_t{0};
  auto index = stored_grid_index(path);
  if (!index) return index.error();
  return (*book)->reroute_addresses(dispatch::grid_of(*index));
}

namespace {
Result<AddressImportOutcome> load(const std::string& path, dispatch::AddressParse parsed, dispatch::Millis now,
                                  const std::string& actor) {
  auto book = SqliteAddresses::open(path);
  if (!book) return book.error();
  AddressImportOutcome out;
  auto loaded = (*book)->load_addresses(parsed.rows, now, actor);
  if (!loaded) return loaded.error();
  out.load = *loaded;
  out.problems = std::move(parsed.problems);
  out.rejected = parsed.rejected;
  return out;
}
}  // namespace

Result<AddressImportOutcome> import_address_csv(const std::string& path, std::string_view csv, geo::Crs crs,
                                                dispatch::Millis now, const std::string& actor) {
  {
    auto db = open_for_writing(path);  // creates or migrates the schema first
    if (!db) return db.error();
  }
  auto index = stored_grid_index(path);
  if (!index) return index.error();
  auto parsed = dispatch::parse_address_csv(csv, crs, dispatch::grid_of(*index));
  if (!parsed) return parsed.error();
  return load(path, std::move(*parsed), now, actor);
}

Result<AddressImportOutcome> import_address_rows(const std::string& path,
                                                 const std::vector<dispatch::AddressInput>& rows, geo::Crs crs,
                                                 dispatch::Millis now, const std::string& actor) {
  {
    auto db = open_for_writing(path);
    if (!db) return db.error();
  }
  auto index = stored_grid_index(path);
  if (!index) return index.error();
  return load(path, dispatch::addresses_from(rows, crs, dispatch::grid_of(*index)), now, actor);
}

}  // namespace gridkeeper::data
