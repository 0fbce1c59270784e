// The workers file of `gridkeeper import` (data/workers_csv): the first byte chooses the
// default limits or tiny ones, so that every limit is reached.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/workers_csv.hpp"

using namespace gridkeeper::data;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  CsvLimits limits;
  if (data[0] & 1) {
    limits.max_bytes = 2048;
    limits.max_rows = 8;
    limits.max_field_bytes = 32;
    limits.max_grids_per_worker = 3;
  }
  const auto file = parse_workers_csv(text, limits);
  for (const auto& p : file.problems) (void)format_problem(p, "workers.csv");
  return 0;
}
