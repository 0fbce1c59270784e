#pragma once
// The benchmarks' scratch city: a directory of their own under the temporary directory
// holding city.db, a synthetic city of columns x rows grids imported into it; the
// directory is removed with the object.
#include <unistd.h>
#include <filesystem>
#include <string>
#include <system_error>

#include "data/import.hpp"
#include "demo/synthetic_city.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::bench {

class ScratchCity {
 public:
  // `name` names the directory (gridkeeper-<name>-<pid>); the city is imported as at
  // `imported_at`; whether the import succeeded is in `imported`.
  ScratchCity(const std::string& name, int columns, int rows, dispatch::Millis imported_at)
      : dir_(std::filesystem::temp_directory_path() / ("gridkeeper-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    db = (dir_ / "city.db").string();
    options.columns = columns;
    options.rows = rows;
    city = demo::synthetic_city(options);
    imported = data::import_organisation(db, city.areas, city.workers, imported_at);
  }
  ~ScratchCity() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchCity(const ScratchCity&) = delete;
  ScratchCity& operator=(const ScratchCity&) = delete;

 private:
  std::filesystem::path dir_;

 public:
  std::string db;  // the database's path
  demo::SyntheticCityOptions options;
  demo::SyntheticCity city;
  data::ImportOutcome imported;
};

}  // namespace gridkeeper::bench
