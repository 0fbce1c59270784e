// gridkeeper: the command center's single binary.
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "app/cli.hpp"

namespace {
const char* kUsage =
    "usage:\n"
    "  gridkeeper check-grids FILE.geojson\n"
    "  gridkeeper route --grids FILE.geojson [--id-property NAME] [--crs wgs84|gcj02|bd09]\n"
    "  gridkeeper import --db PATH --grids FILE.geojson [--workers FILE.csv] [--open-cases stay|follow]\n"
    "  gridkeeper import --db PATH --addresses FILE.csv [--crs wgs84|gcj02|bd09]\n"
    "  gridkeeper backup --db PATH OUT.db\n"
    "  gridkeeper migrate --from PATH --to postgresql://USER@HOST:PORT/DBNAME   (a district moved to\n"
    "                     PostgreSQL: every table copied into an empty database and verified)\n"
    "  gridkeeper serve --db PATH [--listen 127.0.0.1:8080] [--threads N] [--ui DIR] [--calendars DIR]\n"
    "                   [--metrics-listen ADDRESS:PORT]\n"
    "  gridkeeper demo [--db gridkeeper-demo.db] [--listen 127.0.0.1:8080] [--ui DIR] [--simulate RATE]\n"
    "                  [--seed N] [--export DIR]   (builds the demo city when PATH is absent, then serves)\n"
    "  gridkeeper demo-redraw --db PATH --out FILE.geojson   (a plausible redraw of the city's grids)\n"
    "  gridkeeper simulate --url http://127.0.0.1:8080 --rate N [--seconds S]   (N cases a minute)\n"
    "  gridkeeper user add --db PATH --username U --role admin|operator|supervisor|worker\n"
    "                      [--scope CODE] [--worker ID]   (password read from stdin)\n"
    "  gridkeeper user import --db PATH FILE.csv   (username,display_name,role,scope,worker_id; prints\n"
    "                      username,initial_password once; all rows or none)\n";
}

int main(int argc, char** argv) {
  using namespace gridkeeper::app;
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  try {
    if (command == "route") return run_route(argc, argv);
    if (command == "check-grids") return run_check_grids(argc, argv);
    if (command == "import") return run_import(argc, argv);
    if (command == "backup") return run_backup(argc, argv);
    if (command == "migrate") return run_migrate(argc, argv);
    if (command == "serve") return run_serve(argc, argv);
    if (command == "user") return run_user(argc, argv);
    if (command == "demo") return run_demo(argc, argv);
    if (command == "simulate") return run_simulate(argc, argv);
    if (command == "demo-redraw") return run_demo_redraw(argc, argv);
    std::cerr << "gridkeeper: unknown command " << command << "\n" << kUsage;
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "gridkeeper " << command << ": " << e.what() << "\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gridkeeper " << command << ": " << e.what() << "\n";
    return 1;
  }
}
