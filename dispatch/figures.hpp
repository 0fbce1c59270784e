#pragma once
// The columns of the report tables, each written down once: its name, how to read it from
// a row and how it is written. The web layer's JSON and CSV encoders both walk these
// lists, so a figure added to the table (with its computation in assessment.cpp) appears in
// the JSON object, the CSV header and the CSV rows alike.
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "dispatch/assessment.hpp"

namespace gridkeeper::dispatch {

// How a value is written. JSON writes numbers, text, flags and null as they are; the
// format says what CSV makes of them, and of times.
enum class Format {
  count,    // an integer
  rate,     // a fraction: 4 decimals
  seconds,  // seconds: 1 decimal
  points,   // a score or a mean rating: 2 decimals
  flag,     // true or false
  text,
  moment,       // epoch milliseconds: local time with offset in CSV, ISO 8601 UTC in JSON
  day,          // epoch milliseconds: the local date
  elapsed,      // milliseconds: seconds with 3 decimals
  counts,       // a list of counts: a JSON array
  by_category,  // counts in the order of the categories: one CSV column per category (headed by
                // its id), a JSON object keyed by category id
};

// One cell: null (an empty CSV cell), an integer, a number, a flag, text or a list of counts.
// Text and lists point into the row they were read from.
using Cell = std::variant<std::monostate, std::int64_t, double, bool, std::string_view, std::span<const std::int64_t>>;

template <class Row>
struct Column {
  std::string_view name;  // the CSV header; empty: JSON only
  std::string_view json;  // the JSON key, "group.key" for a member of an object; empty: CSV only
  Cell (*get)(const Row&);
  Format format = Format::count;
};

using FigureColumn = Column<Figures>;
using RowColumn = Column<AssessmentRow>;
using FactColumn = Column<CaseFacts>;
using TrendColumn = Column<TrendPoint>;

// The figures of a row or of the total, in CSV order. The JSON object lists the counts at
// its top level first, then the other top-level figures (the rates), then the objects
// ("overdue", "time_to_accept", …), each in this order.
std::span<const FigureColumn> figure_columns();

// The tables of rows of an assessment.
struct RowTable {
  std::string_view name;    // the JSON key and the CSV `table`: workers, grids, communities, streets
  std::string_view parent;  // the parent's column: community, street or district
  bool ranked = false;      // communities: rank, ranked and bottom_warning
  std::vector<AssessmentRow> Assessment::*rows = nullptr;
};
std::span<const RowTable> row_tables();
const RowTable* row_table(std::string_view name);  // nullptr when none has the name

// A row is its leading columns (id, name, the parent), the figures, then its trailing
// columns (score, stars; rank, ranked and bottom_warning in a ranked table).
std::vector<RowColumn> leading_columns(const RowTable& table);
std::vector<RowColumn> trailing_columns(const RowTable& table);

// The per-case table (CSV `table=cases`): what each case contributed.
std::span<const FactColumn> fact_columns();

// A bucket of the trends, in CSV order; JSON keeps the same order (an object where its
// first member comes).
std::span<const TrendColumn> trend_columns();

}  // namespace gridkeeper::dispatch
