#include "tests/pg/cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "data/pg.hpp"

namespace gridkeeper::testing {

namespace fs = std::filesystem;

namespace {

// Runs argv (as the postgres user when asked), its output appended to `log`; its exit status.
int run(std::vector<std::string> argv, bool as_postgres, const std::string& log) {
  if (as_postgres) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    FILE* out = std::fopen(log.c_str(), "a");
    if (out) {
      dup2(fileno(out), 1);
      dup2(fileno(out), 2);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A loopback port nobody listens on just now.
int free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (s >= 0 && bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  if (s >= 0) close(s);
  return port;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string PgCluster::bin(const std::string& tool) {
  const char* dir = std::getenv("GRIDKEEPER_PG_BIN");
  return (dir ? std::string(dir) : std::string("/usr/lib/postgresql/15/bin")) + "/" + tool;
}

int run_program(const std::vector<std::string>& argv, const std::string& log) { return run(argv, false, log); }

PgCluster::PgCluster() {
  std::string templ = (fs::temp_directory_path() / "gridkeeper-pg-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("cannot make a directory for the test cluster");
  dir_ = templ;
  data_ = dir_ + "/data";
  log_ = dir_ + "/log";
  as_postgres_ = geteuid() == 0;
  if (as_postgres_) {
    const passwd* pg = getpwnam("postgres");
    if (!pg) throw std::runtime_error("the tests run as root and there is no postgres user (install postgresql-15)");
    if (chown(dir_.c_str(), pg->pw_uid, pg->pw_gid) != 0) throw std::runtime_error("cannot chown " + dir_);
  }
  if (run({bin("initdb"), "-D", data_, "-A", "trust", "-U", "gridkeeper", "-E", "UTF8", "--locale=C", "--no-sync"},
          as_postgres_, log_) != 0)
    throw std::runtime_error("initdb failed:\n" + slurp(log_));
  for (int attempt = 0; attempt < 5 && port_ == 0; ++attempt) {
    const int port = free_port();
    const std::string options = "-c port=" + std::to_string(port) +
                                " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir_ +
                                " -c fsync=on -c synchronous_commit=on -c max_connections=200"
                                " -c shared_buffers=128MB -c max_wal_size=1GB";
    if (run({bin("pg_ctl"), "-D", data_, "-l", log_ + ".server", "-o", options, "-w", "-t", "60", "start"},
            as_postgres_, log_) == 0) {
      port_ = port;
      options_ = options;
    }
  }
  if (port_ == 0) throw std::runtime_error("the test cluster did not start:\n" + slurp(log_ + ".server"));
}

PgCluster::~PgCluster() {
  if (port_) run({bin("pg_ctl"), "-D", data_, "-m", "immediate", "-w", "-t", "30", "stop"}, as_postgres_, log_);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void PgCluster::crash_and_restart() {
  if (run({bin("pg_ctl"), "-D", data_, "-m", "immediate", "-w", "-t", "30", "stop"}, as_postgres_, log_) != 0)
    throw std::runtime_error("the test cluster did not stop:\n" + slurp(log_));
  if (run({bin("pg_ctl"), "-D", data_, "-l", log_ + ".server", "-o", options_, "-w", "-t", "60", "start"}, as_postgres_,
          log_) != 0)
    throw std::runtime_error("the test cluster did not start again:\n" + slurp(log_ + ".server"));
}

std::string PgCluster::uri(const std::string& database) const {
  return "postgresql://gridkeeper@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PgCluster::fresh_database() {
  const std::string name = "test_" + std::to_string(getpid()) + "_" + std::to_string(++databases_);
  auto db = data::pg::Connection::open(uri());
  if (!db) throw std::runtime_error(db.error().message);
  if (auto e = (*db)->exec("CREATE DATABASE " + name)) throw std::runtime_error(e->message);
  return uri(name);
}

PgCluster& pg_cluster() {
  static PgCluster cluster;
  return cluster;
}

}  // namespace gridkeeper::testing
