// gridkeeper demo-redraw --db DB --out FILE.geojson: a plausible redraw of the city's grids
// (demo/redraw.hpp), to upload as a draft generation or to import.
#include <fstream>
#include <iostream>

#include "app/cli.hpp"
#include "demo/redraw.hpp"

namespace gridkeeper::app {

int run_demo_redraw(int argc, char** argv) {
  Args args(argc, argv, 2, {"--db", "--out"});
  const std::string db = args.required("--db");
  const std::string out = args.required("--out");
  auto redraw = demo::demo_redraw(db);
  if (redraw.geojson.empty()) {
    std::cerr << "gridkeeper demo-redraw: " << redraw.summary << "\n";
    return 1;
  }
  std::ofstream file(out, std::ios::binary);
  file << redraw.geojson;
  if (!file.flush()) {
    std::cerr << "gridkeeper demo-redraw: cannot write " << out << "\n";
    return 1;
  }
  std::cout << redraw.summary << "written to " << out << "\n";
  return 0;
}

}  // namespace gridkeeper::app
