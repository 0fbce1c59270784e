// gridkeeper migrate --from city.db --to postgresql://USER@HOST:PORT/DBNAME: a district's
// SQLite database copied into an empty PostgreSQL database and verified table by table.
#include <chrono>
#include <iomanip>
#include <iostream>

#include "app/cli.hpp"
#include "data/pg.hpp"
#include "data/pg_migrate.hpp"

namespace gridkeeper::app {

int run_migrate(int argc, char** argv) {
  Args args(argc, argv, 2, {"--from", "--to"});
  if (!args.positionals().empty()) throw UsageError("migrate takes no positional arguments");
  const std::string from = args.required("--from");
  const std::string to = args.required("--to");
  if (data::pg::is_uri(from)) throw UsageError("--from is a SQLite database file");
  if (!data::pg::is_uri(to)) throw UsageError("--to is a postgresql:// URI");
  const auto started = std::chrono::steady_clock::now();
  std::int64_t rows = 0;
  auto copied = data::migrate_to_postgres(from, to, [&](const data::TableCopied& t) {
    rows += t.rows;
    std::cout << std::left << std::setw(18) << t.table << std::right << std::setw(10) << t.rows << " rows, checksum "
              << t.checksum << " on both sides\n";
  });
  if (!copied) {
    std::cerr << "gridkeeper migrate: " << copied.error().message << "\ngridkeeper migrate: nothing was written to "
              << "the target\n";
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "migrated " << from << ": " << copied->size() << " tables, " << rows << " rows, verified, in "
            << std::fixed << std::setprecision(1) << seconds << " s\n";
  return 0;
}

}  // namespace gridkeeper::app
