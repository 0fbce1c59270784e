#pragma once
// `gridkeeper migrate --from city.db --to postgresql://…`: a district's SQLite database
// copied whole into an empty PostgreSQL database (every case with its history, the
// organisation, users, settings, photos, addresses, generations), each table in one COPY,
// all read from one snapshot of the source (a server may go on writing to it) and written
// in one transaction; then verified table by table, by the count of rows and by a
// checksum of their values read back in key order from both sides.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/pg.hpp"

namespace gridkeeper::data {

struct TableCopied {
  std::string table;
  std::int64_t rows = 0;
  std::string checksum;  // of the values, in key order: the same on both sides
};

// Copies the SQLite database at `from` (migrated to the latest schema first) into `to`,
// whose schema is made if missing and which must hold no cases, grids or users yet.
// `progress` hears of each table when it is copied. Refused with nothing written when
// the target is not empty or a checksum differs.
pg::Result<std::vector<TableCopied>> migrate_to_postgres(const std::string& from, const std::string& to,
                                                         const std::function<void(const TableCopied&)>& progress = {});

}  // namespace gridkeeper::data
