// The assessment's rows written straight as text (web/json_rows.hpp) say what the JSON tree
// of `put_columns` and `put_figures` says, key order included, for every table, with the
// text and numbers that are hard to write: quotes, control characters, Chinese, missing
// figures, fractions, large counts.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <limits>
#include <optional>

#include "web/columns.hpp"
#include "web/json_codec.hpp"
#include "web/json_rows.hpp"

using namespace gridkeeper;
using namespace gridkeeper::web;
namespace json = boost::json;

namespace {
// The tree the rows' text stands for (the layout of the reports before they were written
// as text), built member by member.
json::object tree_of(const dispatch::AssessmentRow& r, const dispatch::RowTable& table) {
  json::object o;
  put_columns<dispatch::AssessmentRow>(o, dispatch::leading_columns(table), r);
  put_figures(o, r.figures);
  put_columns<dispatch::AssessmentRow>(o, dispatch::trailing_columns(table), r);
  return o;
}

// Equal as a JSON reader sees them: numbers by value, whether written as integers or not
// (a fraction of 0 is "0" in the text and 0.0 in the tree).
bool same(const json::value& a, const json::value& b) {
  auto number = [](const json::value& v) -> std::optional<double> {
    if (v.is_double()) return v.as_double();
    if (v.is_int64()) return static_cast<double>(v.as_int64());
    if (v.is_uint64()) return static_cast<double>(v.as_uint64());
    return std::nullopt;
  };
  if (auto x = number(a)) return number(b) == x;
  if (a.is_object() && b.is_object()) {
    const auto &x = a.as_object(), &y = b.as_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x)
      if (!y.contains(kv.key()) || !same(kv.value(), y.at(kv.key()))) return false;
    return true;
  }
  if (a.is_array() && b.is_array()) {
    const auto &x = a.as_array(), &y = b.as_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!same(x[i], y[i])) return false;
    return true;
  }
  return a == b;
}

// The keys of an object and of its objects, in order.
void keys(const json::object& o, std::vector<std::string>& out) {
  for (const auto& kv : o) {
    out.emplace_back(kv.key());
    if (kv.value().is_object()) keys(kv.value().as_object(), out);
  }
}

std::vector<dispatch::AssessmentRow> sample_rows() {
  std::vector<dispatch::AssessmentRow> rows(3);
  auto& a = rows[0];
  a.code = "350213001001001";
  a.name = "鸿山社区 \"第3网格\"\\\n\t\x01 end";
  a.parent = "350213001001";
  a.figures.cases = 1'234'567'890'123, a.figures.assessed = 7, a.figures.closed = 3, a.figures.due = 6;
  a.figures.overdue_by_colour = {1, 2, 3};
  a.figures.closure_rate = 3.0 / 7, a.figures.on_time_closure_rate = 0.1, a.figures.rework_rate = 0;
  a.figures.time_to_accept = {7, 25'350.26, 90'000};
  a.figures.time_to_resolve = {3, 1e-7, std::numeric_limits<double>::max()};
  a.figures.ratings = {1, 0, 0, 0, 9}, a.figures.satisfaction = 4.6, a.figures.satisfied_rate = 0.9;
  a.score = 87.125, a.stars = 4, a.rank = 2, a.ranked = 5, a.bottom_warning = true;
  rows[1].code = "w-2";  // nothing at all: every optional figure missing
  rows[2].code = "";
  rows[2].name = std::string("\x7f\xe2\x80\xa8", 4);
  rows[2].figures.closure_rate = -0.0;
  rows[2].score = 0;
  return rows;
}
}  // namespace

TEST_CASE("rows written as text equal their JSON tree in every table", "[report][json]") {
  const auto rows = sample_rows();
  for (const auto& table : dispatch::row_tables()) {
    INFO(table.name);
    const RowJsonWriter writer(table);
    for (const auto& r : rows) {
      std::string text;
      writer.append(text, r);
      const auto parsed = json::parse(text);
      REQUIRE(parsed.is_object());
      const auto expected = tree_of(r, table);
      CHECK(same(parsed, expected));
      std::vector<std::string> got, want;
      keys(parsed.as_object(), got);
      keys(expected, want);
      CHECK(got == want);
    }
    std::string all;
    writer.append_all(all, rows);
    const auto array = json::parse(all);
    REQUIRE(array.is_array());
    CHECK(array.as_array().size() == rows.size());
    std::string none;
    writer.append_all(none, {});
    CHECK(none == "[]");
  }
}

TEST_CASE("cells' text escapes what JSON requires and keeps the rest; numbers that are not finite are null",
          "[report][json]") {
  std::string out;
  const std::string_view text("a\"b\\c\n\x1f\x00z 网格", 16);
  append_json_cell(out, text, dispatch::Format::text);
  CHECK(out == std::string("\"a\\\"b\\\\c\\n\\u001f\\u0000z 网格\""));
  CHECK(json::parse(out).as_string() == text);
  out.clear();
  append_json_cell(out, std::numeric_limits<double>::infinity(), dispatch::Format::rate);
  CHECK(out == "null");
}

TEST_CASE("a city's tables written on two threads come out whole and in order", "[report][json]") {
  // Enough rows that the tables are cut between two threads, and a table with none.
  dispatch::Assessment a;
  const auto sample = sample_rows();
  auto fill = [&](std::vector<dispatch::AssessmentRow>& rows, std::size_t n, const char* prefix) {
    for (std::size_t i = 0; i < n; ++i) {
      auto r = sample[i % sample.size()];
      r.code = prefix + std::to_string(i);
      rows.push_back(std::move(r));
    }
  };
  fill(a.workers, 3000, "w");
  fill(a.grids, 2500, "g");
  fill(a.communities, 700, "c");
  std::string expected = "{\"head\":1", got = expected;
  for (const auto& table : dispatch::row_tables()) {
    expected += ",\"" + std::string(table.name) + "\":";
    RowJsonWriter(table).append_all(expected, a.*(table.rows));
  }
  append_row_tables(got, a);
  CHECK(got == expected);
  const auto parsed = json::parse(got + "}").as_object();
  CHECK(parsed.at("workers").as_array().size() == 3000);
  CHECK(parsed.at("grids").as_array().size() == 2500);
  CHECK(parsed.at("communities").as_array().size() == 700);
  CHECK(parsed.at("streets").as_array().empty());
  CHECK(parsed.at("grids").as_array().back().as_object().at("id").as_string() == "g2499");

  dispatch::Assessment small;  // few rows: written on this thread alone, the same way
  fill(small.streets, 3, "s");
  std::string one, other;
  append_row_tables(one, small);
  for (const auto& table : dispatch::row_tables()) {
    other += ",\"" + std::string(table.name) + "\":";
    RowJsonWriter(table).append_all(other, small.*(table.rows));
  }
  CHECK(one == other);
}
