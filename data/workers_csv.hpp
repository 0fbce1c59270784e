#pragma once
// The workers file of `gridkeeper import`: UTF-8 CSV (RFC 4180 quoting, an optional BOM)
// with the header row worker_id,name,phone,community,owner_of,backup_of. owner_of and
// backup_of are ';'-separated grid codes: the worker's A posts and B posts.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/model.hpp"

namespace gridkeeper::data {

inline constexpr std::string_view kWorkersHeader = "worker_id,name,phone,community,owner_of,backup_of";

struct CsvLimits {
  std::size_t max_bytes = 64u << 20;
  std::size_t max_rows = 1'000'000;
  std::size_t max_field_bytes = 4096;
  std::size_t max_grids_per_worker = 1000;
};

// A defect of the file, by the line it starts on (0: the file as a whole).
struct LineProblem {
  std::size_t line = 0;
  std::string message;
};

struct WorkerRow {
  std::size_t line = 0;
  dispatch::Worker worker;
  std::vector<std::string> owner_of;   // A posts
  std::vector<std::string> backup_of;  // B posts
};

struct WorkersFile {
  std::vector<WorkerRow> rows;
  std::vector<LineProblem> problems;  // any problem refuses the whole file
};

// Splits RFC 4180 CSV into records (fields unquoted), each with the line it starts on.
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};
std::vector<CsvRecord> split_csv(std::string_view text, const CsvLimits& limits, std::vector<LineProblem>& problems);

// Reads the rows and checks what the file alone can tell: the header, the number of
// fields, missing or duplicate ids, and grids given two A or two B holders. Whether the
// communities and grids exist is checked by the import against the grid file and the
// database.
WorkersFile parse_workers_csv(std::string_view text, const CsvLimits& limits = {});
WorkersFile read_workers_csv(const std::string& path, const CsvLimits& limits = {});

std::string format_problem(const LineProblem& p, std::string_view source);

}  // namespace gridkeeper::data
