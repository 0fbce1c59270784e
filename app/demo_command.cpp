// gridkeeper demo [--db PATH] [--listen 127.0.0.1:8080] [--threads N] [--ui DIR]
//                 [--simulate RATE] [--seed N] [--export DIR]
// Builds the demo city (翔安区) at PATH when there is no database there, then serves it
// like `serve`; --simulate feeds it RATE cases a minute. --export writes the city as a
// grid file and a workers file instead, with its standard addresses and its places (roads
// and estates). The demo serves its places (written beside the database) as the map's
// basemap unless --basemap names another.
#include <atomic>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "app/cli.hpp"
#include "app/serve.hpp"
#include "app/simulate.hpp"
#include "data/pg_migrate.hpp"
#include "data/pg_schema.hpp"
#include "demo/city_places.hpp"
#include "demo/database.hpp"
#include "dispatch/clock.hpp"
#include "web/auth.hpp"

namespace gridkeeper::app {

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

std::string padded(const std::string& s, std::size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

int export_city(const demo::DemoCityOptions& options, const std::string& dir) {
  auto city = demo::demo_city(options);
  if (!city) {
    std::cerr << "gridkeeper demo: " << city.error().message << "\n";
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto grids = (std::filesystem::path(dir) / "xiangan-grids.geojson").string();
  const auto workers = (std::filesystem::path(dir) / "xiangan-workers.csv").string();
  const auto places = demo::demo_places(*city, options.seed);
  const auto addresses = (std::filesystem::path(dir) / "xiangan-addresses.csv").string();
  const auto roads = (std::filesystem::path(dir) / "xiangan-places.geojson").string();
  for (auto [path, text] : {std::pair{grids, demo::demo_grids_geojson(*city)},
                            {workers, demo::demo_workers_csv(*city)},
                            {addresses, demo::demo_addresses_csv(demo::demo_addresses(*city, places))},
                            {roads, demo::demo_places_geojson(places)}}) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out.flush()) {
      std::cerr << "gridkeeper demo: cannot write " << path << "\n";
      return 1;
    }
  }
  std::cout << "wrote " << grids << " (" << city->areas.size() << " features) and " << workers << " ("
            << city->workers.size() << " workers), " << addresses << " and " << roads << "\n";
  return 0;
}

void print_built(const std::string& db, const demo::DemoSummary& s) {
  std::cout << "gridkeeper demo: built " << db << " in " << seconds(s.total_seconds) << " (city "
            << seconds(s.city_seconds) << ", history " << seconds(s.history_seconds) << ")\n"
            << "  翔安区: " << s.streets << " streets and " << s.towns << " towns, " << s.communities
            << " communities and " << s.villages << " villages, " << s.grids << " grids, " << s.population
            << " residents, " << s.workers << " workers\n"
            << "  places: " << s.roads << " roads, " << s.estates << " estates (小区), " << s.addresses
            << " standard addresses"
            << (data::pg::is_uri(db) ? std::string() : " (also in " + demo::demo_addresses_path(db) + ")") << "\n"
            << "  history: " << s.cases << " cases, " << s.open_cases << " open (" << s.warned << " warned, "
            << s.overdue << " overdue)";
  for (const auto& [state, n] : s.cases_by_state) std::cout << ", " << n << " " << state;
  std::cout << "\n";
  if (s.refused) std::cout << "  (" << s.refused << " simulated actions were refused: " << s.first_refusal << ")\n";
}

void print_logins(const std::string& url, const demo::DemoLogins& l) {
  std::cout << "\ngridkeeper demo: open " << url << "\n"
            << "demo logins, all with the password " << demo::kDemoPassword << ":\n";
  for (const auto& login : l.logins) {
    std::string where = login.scope.empty() ? "the whole system" : login.scope_name + " (" + login.scope + ")";
    if (login.role == dispatch::Role::worker) where = login.worker_id + " " + login.note;
    std::cout << "  " << padded(login.username, 22) << padded(std::string(dispatch::to_string(login.role)), 11) << where
              << "\n";
  }
  if (l.worker_logins)
    std::cout << "  … every worker logs in as its id in lower case (w0001 … ), " << l.worker_logins
              << " worker logins\n";
  std::cout << "for example:\n  curl -s -X POST " << url
            << "/api/v1/auth/login -d '{\"username\":\"operator\",\"password\":\"" << demo::kDemoPassword << "\"}'\n"
            << std::endl;
}

}  // namespace

// The demo on PostgreSQL: an empty database gets the demo city, built in a scratch SQLite
// file and copied over as `gridkeeper migrate` copies a district; one that holds a district
// is served as it is.
int demo_on_postgres(const std::string& db, demo::DemoOptions& demo, ServeOptions& options) {
  const auto shown = data::pg::redacted(db);
  {
    auto target = data::pg::open_for_writing(db);
    auto grids =
        target ? (*target)->scalar("SELECT count(*) FROM grids") : dispatch::Result<std::int64_t>(target.error());
    if (!grids) {
      std::cerr << "gridkeeper demo: " << grids.error().message << "\n";
      return 1;
    }
    if (*grids > 0) {
      std::cout << "gridkeeper demo: using " << shown << " (drop its tables to build a fresh demo)" << std::endl;
      return 0;
    }
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path scratch = fs::temp_directory_path(ec) / ("gridkeeper-demo-" + std::to_string(::getpid()));
  fs::create_directories(scratch, ec);
  const std::string file = (scratch / "demo.db").string();
  std::cout << "gridkeeper demo: building the demo city 翔安区 for " << shown << " …" << std::endl;
  demo.now = dispatch::SystemClock().now();
  demo.hash_password = [](std::string_view password) { return web::hash_password(password); };
  auto built = demo::build_demo_database(file, demo);
  auto copied =
      built ? data::migrate_to_postgres(file, db) : dispatch::Result<std::vector<data::TableCopied>>(built.error());
  if (copied && fs::is_regular_file(demo::demo_places_path(file), ec))
    options.server.api.basemap_geojson = load_basemap(demo::demo_places_path(file), "the demo's places");
  fs::remove_all(scratch, ec);
  if (!copied) {
    std::cerr << "gridkeeper demo: " << copied.error().message << "\n";
    return 1;
  }
  print_built(shown, *built);
  return 0;
}

int run_demo(int argc, char** argv) {
  std::vector<std::string> flags{"--db", "--simulate", "--seed", "--export"};
  flags.insert(flags.end(), kServeFlags.begin(), kServeFlags.end());
  Args args(argc, argv, 2, flags, kServeSwitches);
  if (!args.positionals().empty()) throw UsageError("demo takes no positional arguments");
  auto options = serve_options(args);
  demo::DemoOptions demo;
  if (auto seed = args.get("--seed")) {
    auto [ptr, ec] = std::from_chars(seed->data(), seed->data() + seed->size(), demo.city.seed);
    if (ec != std::errc() || ptr != seed->data() + seed->size()) throw UsageError("--seed must be a whole number");
  }
  if (auto dir = args.get("--export")) return export_city(demo.city, *dir);
  const double rate = args.get("--simulate") ? parse_rate("--simulate", *args.get("--simulate")) : 0;
  const std::string db = args.get("--db").value_or("gridkeeper-demo.db");

  std::error_code ec;
  if (data::pg::is_uri(db)) {
    if (const int failed = demo_on_postgres(db, demo, options)) return failed;
  } else if (!std::filesystem::exists(db, ec)) {
    std::cout << "gridkeeper demo: building the demo city 翔安区 in " << db << " …" << std::endl;
    demo.now = dispatch::SystemClock().now();
    demo.hash_password = [](std::string_view password) { return web::hash_password(password); };
    auto built = demo::build_demo_database(db, demo);
    if (!built) {
      std::cerr << "gridkeeper demo: " << built.error().message << "\n";
      return 1;
    }
    print_built(db, *built);
  } else {
    std::cout << "gridkeeper demo: using " << db << " (remove it to build a fresh demo)" << std::endl;
  }
  // The demo's own roads and estates under the map, unless another basemap was named.
  if (!args.get("--basemap") && !data::pg::is_uri(db) &&
      std::filesystem::is_regular_file(demo::demo_places_path(db), ec))
    options.server.api.basemap_geojson = load_basemap(demo::demo_places_path(db), "the demo's places");
  auto logins = demo::demo_logins(db);
  if (!logins) {
    std::cerr << "gridkeeper demo: " << data::pg::redacted(db)
              << " is not a gridkeeper database: " << logins.error().message << "\n";
    return 1;
  }

  std::atomic<bool> stop{false};
  std::thread simulator;
  ServeHooks hooks;
  const std::string address = options.server.address;
  hooks.started = [&](unsigned short port) {
    const bool any = address == "0.0.0.0" || address == "::";
    const std::string host = any ? "127.0.0.1" : address.find(':') != std::string::npos ? "[" + address + "]" : address;
    const std::string url = "http://" + host + ":" + std::to_string(port);
    print_logins(url, *logins);
    if (rate > 0)
      simulator = std::thread([url, rate, &stop] {
        auto o =
            demo_simulation(url, rate, static_cast<std::uint64_t>(std::time(nullptr)), [&stop] { return stop.load(); });
        auto report = demo::run_simulator(o);
        if (!report) std::cerr << "gridkeeper demo: the simulation stopped: " << report.error().message << "\n";
      });
  };
  hooks.stopping = [&] {
    stop = true;
    if (simulator.joinable()) simulator.join();
  };
  return serve_database("demo", db, std::move(options), hooks);
}

}  // namespace gridkeeper::app
