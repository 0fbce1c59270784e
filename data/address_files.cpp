#include "data/address_files.hpp"

#include "data/addresses_store.hpp"
#include "geo/geojson.hpp"

namespace gridkeeper::data {

namespace {
// Creates or migrates the schema of the database at `place`.
Status make_schema(const std::string& place) {
  return with_backend(place, [&](auto* backend) -> Status {
    auto db = open_writer(place, backend);
    if (!db) return db.error();
    return std::nullopt;
  });
}

template <class Db>
Result<std::shared_ptr<const geo::GridIndex>> grid_index_of(const std::string& place, const Db* backend) {
  auto db = open_reader(place, backend);
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
}  // namespace

Result<std::shared_ptr<const geo::GridIndex>> stored_grid_index(const std::string& place) {
  return with_backend(place, [&](auto* backend) { return grid_index_of(place, backend); });
}

Result<std::size_t> reroute_stored_addresses(const std::string& path) {
  return with_backend(path, [&](auto* backend) -> Result<std::size_t> {
    using Db = std::remove_const_t<std::remove_pointer_t<decltype(backend)>>;
    auto book = AddressesStore<Db>::open(path);
    if (!book) return book.error();
    auto count = (*book)->address_count();
    if (!count) return count.error();
    if (*count == 0) return std::size_t{0};
    auto index = stored_grid_index(path);
    if (!index) return index.error();
    return (*book)->reroute_addresses(dispatch::grid_of(*index));
  });
}

namespace {
Result<AddressImportOutcome> load(const std::string& path, dispatch::AddressParse parsed, dispatch::Millis now,
                                  const std::string& actor) {
  return with_backend(path, [&](auto* backend) -> Result<AddressImportOutcome> {
    using Db = std::remove_const_t<std::remove_pointer_t<decltype(backend)>>;
    auto book = AddressesStore<Db>::open(path);
    if (!book) return book.error();
    AddressImportOutcome out;
    auto loaded = (*book)->load_addresses(parsed.rows, now, actor);
    if (!loaded) return loaded.error();
    out.load = *loaded;
    out.problems = std::move(parsed.problems);
    out.rejected = parsed.rejected;
    return out;
  });
}
}  // namespace

Result<AddressImportOutcome> import_address_csv(const std::string& path, std::string_view csv, geo::Crs crs,
                                                dispatch::Millis now, const std::string& actor) {
  if (auto e = make_schema(path)) return *e;
  auto index = stored_grid_index(path);
  if (!index) return index.error();
  auto parsed = dispatch::parse_address_csv(csv, crs, dispatch::grid_of(*index));
  if (!parsed) return parsed.error();
  return load(path, std::move(*parsed), now, actor);
}

Result<AddressImportOutcome> import_address_rows(const std::string& path,
                                                 const std::vector<dispatch::AddressInput>& rows, geo::Crs crs,
                                                 dispatch::Millis now, const std::string& actor) {
  if (auto e = make_schema(path)) return *e;
  auto index = stored_grid_index(path);
  if (!index) return index.error();
  return load(path, dispatch::addresses_from(rows, crs, dispatch::grid_of(*index)), now, actor);
}

}  // namespace gridkeeper::data
