#pragma once
// A throw-away PostgreSQL 15 cluster for the tests: initdb (as the postgres user when the
// tests run as root, which initdb refuses to be) in a temporary directory, a server on a
// free loopback port with its socket in that directory, fsync and synchronous commit on as
// in production; stopped and removed when the object goes. Each test takes a database of
// its own. The binaries are Debian's (postgresql-15), or those of $GRIDKEEPER_PG_BIN.
#include <cstdint>
#include <string>
#include <vector>

namespace gridkeeper::testing {

class PgCluster {
 public:
  PgCluster();  // throws std::runtime_error, with the server's log, when it cannot start
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // The URI of a database of the cluster.
  std::string uri(const std::string& database = "postgres") const;
  // A new, empty database: its URI.
  std::string fresh_database();
  int port() const { return port_; }
  // The path of one of the cluster's programs (pg_dump, pg_restore, ...).
  static std::string bin(const std::string& tool);
  // Stops the server as a crash would (every process aborted, no checkpoint), then starts
  // it again: it recovers from its write-ahead log.
  void crash_and_restart();

 private:
  std::string dir_, data_, log_;
  int port_ = 0;
  int databases_ = 0;
  bool as_postgres_ = false;
  std::string options_;
};

// Runs argv as the current user (the cluster's client programs connect over TCP with a
// URI), its output appended to the file `log`; its exit status, -1 when it did not exit.
int run_program(const std::vector<std::string>& argv, const std::string& log);

// One cluster per test program, started on first use and stopped at exit.
PgCluster& pg_cluster();

}  // namespace gridkeeper::testing
