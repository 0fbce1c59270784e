#pragma once
// The column tables of the reports (dispatch/figures.hpp) as JSON and CSV: one walk over a
// table writes a JSON object, another the CSV header or a CSV row, so both answers always
// hold the same columns. Formats: dispatch::Format.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <span>
#include <string>
#include <string_view>

#include "dispatch/figures.hpp"
#include "web/csv.hpp"

namespace gridkeeper::web {

// The category ids a by_category column stands for.
using Categories = std::span<const std::string>;

boost::json::value json_of(const dispatch::Cell& cell, dispatch::Format format, Categories categories = {});
void csv_cell(CsvWriter& w, const dispatch::Cell& cell, dispatch::Format format);

// Sets `key` in `o`; "group.key" sets a member of the object `group`, made where its first
// member comes.
void put_json(boost::json::object& o, std::string_view key, boost::json::value v);

// The figures in their JSON layout: the top-level counts, then the other top-level figures,
// then the objects, each in the table's order.
void put_figures(boost::json::object& o, const dispatch::Figures& f);

// The columns that have a JSON key, in the table's order.
template <class Row>
void put_columns(boost::json::object& o, std::span<const dispatch::Column<Row>> columns, const Row& row,
                 Categories categories = {}) {
  for (const auto& c : columns)
    if (!c.json.empty()) put_json(o, c.json, json_of(c.get(row), c.format, categories));
}

// The columns that have a CSV name; a by_category column is a column per category.
template <class Row>
void csv_header(CsvWriter& w, std::span<const dispatch::Column<Row>> columns, Categories categories = {}) {
  for (const auto& c : columns) {
    if (c.name.empty()) continue;
    if (c.format == dispatch::Format::by_category)
      for (const auto& id : categories) w.text(id);
    else w.text(c.name);
  }
}

template <class Row>
void csv_cells(CsvWriter& w, std::span<const dispatch::Column<Row>> columns, const Row& row) {
  for (const auto& c : columns)
    if (!c.name.empty()) csv_cell(w, c.get(row), c.format);
}

}  // namespace gridkeeper::web
