#pragma once
// The database of `gridkeeper demo`: the demo city imported, users for every role, the
// demo's extra categories and a few days of history that end at the moment of the build.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "demo/city.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::demo {

// Every demo login has this password; the demo prints it on start.
inline constexpr std::string_view kDemoPassword = "gridkeeper-demo";

// Worker W0001 logs in as w0001: every worker of the demo has a login.
std::string demo_worker_username(const dispatch::WorkerId& worker);

struct DemoOptions {
  DemoCityOptions city;
  int history_days = 3;
  double cases_per_day = 400;
  dispatch::Millis now = 0;  // when the history ends: the moment of the build
  // Hashes the demo password (once). The command uses Argon2id; tests may use less.
  std::function<std::string(std::string_view password)> hash_password;
};

struct DemoSummary {
  std::size_t streets = 0, towns = 0, communities = 0, villages = 0, grids = 0, workers = 0, users = 0;
  std::int64_t population = 0;
  std::size_t cases = 0, open_cases = 0, warned = 0, overdue = 0;
  std::size_t addresses = 0;  // standard addresses loaded
  std::map<std::string, std::size_t> cases_by_state;
  std::size_t refused = 0;  // history actions the center refused (none expected)
  std::string first_refusal;
  double city_seconds = 0, history_seconds = 0, total_seconds = 0;
  std::size_t roads = 0, estates = 0;  // the places written beside the database
};

// The files the demo writes beside its database `path` (demo.db → demo-addresses.csv,
// demo-places.geojson): the standard addresses as `gridkeeper import --addresses` reads
// them, and the roads and estates the map draws when no basemap is configured.
std::string demo_addresses_path(const std::string& path);
std::string demo_places_path(const std::string& path);

// Builds the demo database at `path`, which must not exist yet, and writes its places beside it. The database is built
// beside it under a temporary name and moved into place once complete, so an interrupted
// build leaves nothing behind that would pass for a demo.
dispatch::Result<DemoSummary> build_demo_database(const std::string& path, const DemoOptions& options);

struct DemoLogin {
  std::string username;
  dispatch::Role role = dispatch::Role::operator_;
  std::string scope, scope_name;  // jurisdiction; empty: the whole system
  dispatch::WorkerId worker_id;
  std::string note;  // e.g. which grid a worker owns
};

struct DemoLogins {
  std::vector<DemoLogin> logins;  // admin, operators, supervisors, a few workers
  std::size_t worker_logins = 0;  // all of them
};

// The logins to print on start, read from a demo database.
dispatch::Result<DemoLogins> demo_logins(const std::string& path);

}  // namespace gridkeeper::demo
