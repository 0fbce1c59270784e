#include "data/backup.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

namespace gridkeeper::data {

Result<std::string> integrity_check(Connection& db) {
  auto q = db.query("PRAGMA integrity_check(20)");
  if (!q) return q.error();
  std::string findings;
  while (q->next()) findings += (findings.empty() ? "" : "; ") + q->text(0);
  if (auto e = q->status()) return *e;
  return findings;
}

Result<BackupReport> backup_database(const std::string& db_path, const std::string& out_path,
                                     const BackupOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(db_path, ec)) return storage_error("no database at " + db_path);
  if (fs::equivalent(db_path, out_path, ec)) return storage_error("the backup cannot replace the database itself");

  auto source = Connection::open(db_path, OpenMode::read_write);
  if (!source) return source.error();
  const std::string partial = out_path + ".partial-" + std::to_string(::getpid());
  fs::remove(partial, ec);
  BackupReport report;
  {
    auto copy = Connection::open(partial, OpenMode::create);
    if (!copy) return copy.error();
    // One read snapshot for the whole copy: the server's commits go to the WAL meanwhile
    // and do not make the backup start over.
    auto snapshot = Transaction::begin(**source, Transaction::Kind::deferred);
    if (!snapshot) return snapshot.error();
    if (auto started = (*source)->scalar("SELECT count(*) FROM sqlite_schema"); !started) return started.error();

    sqlite3_backup* backup = sqlite3_backup_init((*copy)->handle(), "main", (*source)->handle(), "main");
    if (!backup) return (*copy)->error("cannot start the backup");
    int rc = SQLITE_OK;
    while (true) {
      rc = sqlite3_backup_step(backup, options.pages_per_step);
      ++report.steps;
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      std::this_thread::sleep_for(options.pause);
    }
    report.pages = sqlite3_backup_pagecount(backup);
    sqlite3_backup_finish(backup);
    snapshot->rollback();
    if (rc != SQLITE_DONE) {
      auto e = storage_error(std::string("backup failed: ") + sqlite3_errstr(rc));
      copy->reset();
      fs::remove(partial, ec);
      return e;
    }
    // The copy stands alone as one file.
    auto mode = (*copy)->exec("PRAGMA journal_mode = DELETE");
    auto check = mode ? Result<std::string>(*mode) : integrity_check(**copy);
    if (!check || *check != "ok") {
      auto e = check ? storage_error("the copy failed its integrity check: " + *check) : check.error();
      copy->reset();
      fs::remove(partial, ec);
      return e;
    }
  }
  fs::rename(partial, out_path, ec);
  if (ec) {
    fs::remove(partial, ec);
    return storage_error("cannot move the backup to " + out_path + ": " + ec.message());
  }
  report.bytes = static_cast<std::int64_t>(fs::file_size(out_path, ec));
  return report;
}

}  // namespace gridkeeper::data
