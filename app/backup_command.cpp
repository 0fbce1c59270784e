// gridkeeper backup --db PATH OUT.db: an online, verified copy.
#include <iostream>

#include "app/cli.hpp"
#include "data/backup.hpp"
#include "data/pg.hpp"

namespace gridkeeper::app {

int run_backup(int argc, char** argv) {
  Args args(argc, argv, 2, {"--db"});
  if (args.positionals().size() != 1) throw UsageError("backup takes one OUT.db");
  const std::string db = args.required("--db");
  const std::string out = args.positionals()[0];
  if (data::pg::is_uri(db)) {
    std::cerr << "gridkeeper backup: a PostgreSQL database is backed up with PostgreSQL's own tools: pg_dump for a "
                 "copy, or pg_basebackup and WAL archiving for point-in-time recovery\n";
    return 1;
  }
  const auto report = data::backup_database(db, out);
  if (!report) {
    std::cerr << "gridkeeper backup: " << report.error().message << "\n";
    return 1;
  }
  std::cout << "backed up " << db << " to " << out << ": " << report->pages << " pages, " << report->bytes
            << " bytes, integrity_check ok\n";
  return 0;
}

}  // namespace gridkeeper::app
