#pragma once
// `gridkeeper backup`: an online copy of the database. The copy is made with SQLite's
// backup API a few pages at a time from one read snapshot (WAL lets the server go on
// writing meanwhile), checked with PRAGMA integrity_check, and only then moved to its
// name, so a failed backup never leaves a half copy behind.
#include <chrono>
#include <cstdint>
#include <string>

#include "data/sqlite.hpp"

namespace gridkeeper::data {

struct BackupOptions {
  int pages_per_step = 1024;
  std::chrono::milliseconds pause{1};  // between steps, leaving the disk to the server
};

struct BackupReport {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
  int steps = 0;
};

Result<BackupReport> backup_database(const std::string& db_path, const std::string& out_path,
                                     const BackupOptions& options = {});

// "ok" when the database passes PRAGMA integrity_check, else its first findings.
Result<std::string> integrity_check(Connection& db);

}  // namespace gridkeeper::data
