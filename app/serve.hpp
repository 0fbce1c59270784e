#pragma once
// Serving a database, shared by `gridkeeper serve` and `gridkeeper demo`.
#include <functional>
#include <string>

#include "app/cli.hpp"
#include "web/server.hpp"

namespace gridkeeper::app {

// --listen ADDRESS:PORT, --threads N and --ui DIR (throws UsageError).
web::ServerOptions server_options(const Args& args);

struct ServeHooks {
  std::function<void(unsigned short port)> started;  // the server listens on `port`
  std::function<void()> stopping;                    // it has stopped serving requests
};

// Opens the database, starts the command center, serves until SIGINT or SIGTERM and
// stores everything queued before it returns (exit status: 0, or 1 when the database
// cannot be opened). `command` names the caller in messages.
int serve_database(const std::string& command, const std::string& db, web::ServerOptions options,
                   const ServeHooks& hooks = {});

}  // namespace gridkeeper::app
