#pragma once
// The rows of an assessment table written straight as JSON text, in the layout
// `put_columns` and `put_figures` give one object (web/columns.hpp): the leading columns,
// the figures (top-level counts, other top-level figures, then the objects), the trailing
// columns. A city's tables hold tens of thousands of rows; writing them without a JSON
// tree per row takes a fraction of the time. The layout is worked out once per table.
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/figures.hpp"

namespace gridkeeper::web {

class RowJsonWriter {
 public:
  explicit RowJsonWriter(const dispatch::RowTable& table);
  RowJsonWriter(const RowJsonWriter&) = delete;  // the layout points into its own columns
  RowJsonWriter& operator=(const RowJsonWriter&) = delete;
  // Appends the row as one JSON object.
  void append(std::string& out, const dispatch::AssessmentRow& row) const;
  // Appends the rows as one JSON array.
  void append_all(std::string& out, const std::vector<dispatch::AssessmentRow>& rows) const;

 private:
  struct Member {
    std::string key;  // `"name":`
    const dispatch::RowColumn* row = nullptr;
    const dispatch::FigureColumn* figure = nullptr;
  };
  struct Entry {
    std::string key;              // `"name":`
    std::vector<Member> members;  // one, or the members of an object
    bool object = false;
  };
  std::vector<dispatch::RowColumn> leading_, trailing_;
  std::vector<Entry> entries_;
};

// Appends `,"workers":[…],"grids":[…],…`: every table of the assessment in the order of
// `row_tables()`. The tables are written on two threads (the first tables on this one, the
// rest on another, cut where the rows are about halved) and put together in order: a city's
// tables are some fifteen megabytes of text.
void append_row_tables(std::string& out, const dispatch::Assessment& assessment);

// The value of a cell as JSON text appended to `out`, as `json_of` makes it.
void append_json_cell(std::string& out, const dispatch::Cell& cell, dispatch::Format format);

}  // namespace gridkeeper::web
