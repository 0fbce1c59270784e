#include "app/cli.hpp"

#include <algorithm>

namespace gridkeeper::app {

Args::Args(int argc, char** argv, int first, const std::vector<std::string>& flags,
           const std::vector<std::string>& switches) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      std::string value;
      bool inline_value = false;
      if (auto eq = a.find('='); eq != std::string::npos) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
        inline_value = true;
      }
      if (std::find(switches.begin(), switches.end(), a) != switches.end()) {
        switches_.push_back(a);
        continue;
      }
      if (std::find(flags.begin(), flags.end(), a) == flags.end()) throw UsageError("unknown option " + a);
      if (!inline_value) {
        if (i + 1 >= argc) throw UsageError("option " + a + " needs a value");
        value = argv[++i];
      }
      values_[a] = value;
    } else {
      positionals_.push_back(a);
    }
  }
}

std::optional<std::string> Args::get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::required(const std::string& flag) const {
  auto v = get(flag);
  if (!v) throw UsageError("missing " + flag);
  return *v;
}

bool Args::has(const std::string& sw) const {
  return std::find(switches_.begin(), switches_.end(), sw) != switches_.end();
}

}  // namespace gridkeeper::app
