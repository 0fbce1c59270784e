#pragma once
// Small argument reader shared by the subcommands: --flag VALUE pairs and positionals.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gridkeeper::app {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // `flags` take a value; `switches` do not.
  Args(int argc, char** argv, int first, const std::vector<std::string>& flags,
       const std::vector<std::string>& switches = {});
  std::optional<std::string> get(const std::string& flag) const;
  std::string required(const std::string& flag) const;
  bool has(const std::string& sw) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> switches_;
  std::vector<std::string> positionals_;
};

int run_route(int argc, char** argv);
int run_demo_redraw(int argc, char** argv);
int run_check_grids(int argc, char** argv);
int run_import(int argc, char** argv);
int run_backup(int argc, char** argv);
int run_migrate(int argc, char** argv);
int run_serve(int argc, char** argv);
int run_user(int argc, char** argv);
int run_demo(int argc, char** argv);
int run_simulate(int argc, char** argv);

}  // namespace gridkeeper::app
