#pragma once
// Serving a database, shared by `gridkeeper serve` and `gridkeeper demo`.
#include <functional>
#include <optional>
#include <string>

#include "app/cli.hpp"
#include "web/server.hpp"

namespace gridkeeper::app {

// The flags every serving command takes.
inline const std::vector<std::string> kServeFlags{"--listen",    "--threads",        "--ui",
                                                  "--calendars", "--metrics-listen", "--basemap"};
inline const std::vector<std::string> kServeSwitches{"--manual-clock"};

struct ServeOptions {
  web::ServerOptions server;
  std::optional<std::string> calendars;  // the working calendar's year files; default: the project's
  bool manual_clock = false;             // tests only: POST /api/v1/test/clock moves time
};

// --listen ADDRESS:PORT, --threads N, --ui DIR (default: the UI built with this binary),
// --calendars DIR, --metrics-listen ADDRESS:PORT, --basemap FILE and --manual-clock
// (throws UsageError).
ServeOptions serve_options(const Args& args);

// The text of a basemap GeoJSON file (a FeatureCollection of at most 16 MiB) for
// GET /api/v1/map/basemap; throws UsageError naming `flag` when it is not one.
std::string load_basemap(const std::string& path, const std::string& flag = "--basemap");

struct ServeHooks {
  std::function<void(unsigned short port)> started;  // the server listens on `port`
  std::function<void()> stopping;                    // it has stopped serving requests
};

// Opens the database, starts the command center, serves until SIGINT or SIGTERM and
// stores everything queued before it returns (exit status: 0, or 1 when the database
// cannot be opened). `command` names the caller in messages.
int serve_database(const std::string& command, const std::string& db, ServeOptions options,
                   const ServeHooks& hooks = {});

}  // namespace gridkeeper::app
