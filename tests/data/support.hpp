#pragma once
// Test helpers: a temporary directory removed afterwards, files, a small imported city and
// a center running on it.
#include <unistd.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "data/import.hpp"
#include "data/sqlite_ledger.hpp"
#include "demo/synthetic_city.hpp"
#include "dispatch/center.hpp"

namespace gridkeeper::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("gridkeeper-test-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(counter++) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::string sample_grids() { return std::string(GRIDKEEPER_SOURCE_DIR) + "/data/samples/sample-grids.geojson"; }

inline constexpr dispatch::Millis kImportTime = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

// The small city of the ledger tests: 3 x 2 grids over 118.30..118.33, 24.60..24.62, in one
// community of 3 x 2 (so every grid is in community 350213001001), owners W000001..6.
inline demo::SyntheticCityOptions small_city_options() {
  demo::SyntheticCityOptions o;
  o.area = {118.30, 24.60, 118.33, 24.62};
  o.columns = 3;
  o.rows = 2;
  return o;
}

inline data::ImportOutcome import_city(const std::string& db, const demo::SyntheticCityOptions& options) {
  const auto city = demo::synthetic_city(options);
  return data::import_organisation(db, city.areas, city.workers, kImportTime);
}

// The small city imported into city.db in a temporary directory.
struct ImportedCity {
  TempDir dir;
  std::string path = dir.file("city.db");
  ImportedCity() { REQUIRE(import_city(path, small_city_options()).ok); }
};

// The ledger of the database at `path` open, and a center running on it on a manual clock.
struct RunningCenter {
  std::unique_ptr<data::SqliteLedger> ledger;
  dispatch::ManualClock clock;
  std::unique_ptr<dispatch::Center> center;
  explicit RunningCenter(const std::string& path, data::SqliteLedger::Options options = {}) {
    auto opened = data::SqliteLedger::open(path, options);
    REQUIRE(opened.ok());
    ledger = std::move(*opened);
    center = std::make_unique<dispatch::Center>(*ledger, clock);
    center->start();
  }
  ~RunningCenter() {
    center.reset();
    ledger.reset();
  }
};

}  // namespace gridkeeper::testing
