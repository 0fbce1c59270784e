// The column tables of the reports: one list per table drives the JSON and the CSV, so
// each column must have its names and read its own field.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "dispatch/figures.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
template <class Row>
std::vector<std::string> csv_names(std::span<const Column<Row>> columns) {
  std::vector<std::string> out;
  for (const auto& c : columns)
    if (!c.name.empty()) out.emplace_back(c.name);
  return out;
}

template <class Row>
void names_are_unique(std::span<const Column<Row>> columns) {
  std::set<std::string_view> csv, json;
  for (const auto& c : columns) {
    INFO(c.name << " / " << c.json);
    CHECK((!c.name.empty() || !c.json.empty()));
    CHECK(c.get != nullptr);
    if (!c.name.empty()) CHECK(csv.insert(c.name).second);
    if (!c.json.empty()) CHECK(json.insert(c.json).second);
  }
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::int64_t integer(const Cell& c) { return std::get<std::int64_t>(c); }
}  // namespace

TEST_CASE("figures: every CSV column has its JSON key, and only counts of values are JSON only", "[figures]") {
  names_are_unique(figure_columns());
  std::vector<std::string> json_only;
  for (const auto& c : figure_columns()) {
    INFO(c.name);
    CHECK_FALSE(c.json.empty());
    if (c.name.empty()) json_only.emplace_back(c.json);
  }
  CHECK(json_only == std::vector<std::string>{"time_to_accept.count", "time_to_resolve.count", "satisfaction.ratings"});
  CHECK(joined(csv_names(figure_columns())) ==
        "cases,cancelled,deferred,assessed,handled,closed,due,closed_on_time,closure_rate,on_time_closure_rate,"
        "acceptance_due,accepted_on_time,on_time_acceptance_rate,reworked,rework_rate,deferral_rate,overdue,"
        "overdue_yellow,overdue_orange,overdue_red,escalations,urged,time_to_accept_mean_s,time_to_accept_p90_s,"
        "time_to_resolve_mean_s,time_to_resolve_p90_s,rated,satisfaction,satisfied_rate");
}

TEST_CASE("figures: each column reads its own field", "[figures]") {
  // Every field a different value: a column reading its neighbour's would show.
  Figures f;
  std::int64_t n = 100;
  for (auto* x : {&f.cases, &f.cancelled, &f.deferred, &f.assessed, &f.handled, &f.closed, &f.due, &f.closed_on_time,
                  &f.acceptance_due, &f.accepted_on_time, &f.reworked, &f.overdue, &f.escalations, &f.rated,
                  &f.time_to_accept.count, &f.time_to_resolve.count})
    *x = ++n;
  f.overdue_by_colour = {7, 8, 9};
  f.ratings = {1, 2, 3, 4, 5};
  double d = 0;
  for (auto* x : {&f.closure_rate, &f.on_time_closure_rate, &f.on_time_acceptance_rate, &f.rework_rate,
                  &f.deferral_rate, &f.satisfaction, &f.satisfied_rate, &f.time_to_accept.mean_s,
                  &f.time_to_accept.p90_s, &f.time_to_resolve.mean_s, &f.time_to_resolve.p90_s})
    *x = (d += 0.5);
  auto cell = [&](std::string_view json) -> Cell {
    for (const auto& c : figure_columns())
      if (c.json == json) return c.get(f);
    FAIL("no column " << json);
    return {};
  };
  CHECK(integer(cell("cases")) == f.cases);
  CHECK(integer(cell("closed_on_time")) == f.closed_on_time);
  CHECK(integer(cell("accepted_on_time")) == f.accepted_on_time);
  CHECK(integer(cell("escalations")) == f.escalations);
  CHECK(integer(cell("overdue.total")) == f.overdue);
  CHECK(integer(cell("overdue.yellow")) == 7);
  CHECK(integer(cell("overdue.orange")) == 8);
  CHECK(integer(cell("overdue.red")) == 9);
  CHECK(integer(cell("time_to_resolve.count")) == f.time_to_resolve.count);
  CHECK(integer(cell("satisfaction.rated")) == f.rated);
  CHECK(std::get<double>(cell("rework_rate")) == *f.rework_rate);
  CHECK(std::get<double>(cell("deferral_rate")) == *f.deferral_rate);
  CHECK(std::get<double>(cell("satisfaction.mean")) == *f.satisfaction);
  CHECK(std::get<double>(cell("time_to_accept.p90_s")) == *f.time_to_accept.p90_s);
  CHECK(std::get<double>(cell("time_to_resolve.mean_s")) == *f.time_to_resolve.mean_s);
  CHECK(std::get<std::span<const std::int64_t>>(cell("satisfaction.ratings"))[4] == 5);
  // Missing rates are null.
  f.closure_rate.reset();
  CHECK(std::holds_alternative<std::monostate>(cell("closure_rate")));

  // Each column's value differs from every other column's.
  std::set<std::string> seen;
  for (const auto& c : figure_columns()) {
    const auto v = c.get(f);
    if (const auto* i = std::get_if<std::int64_t>(&v)) CHECK(seen.insert("i" + std::to_string(*i)).second);
    if (const auto* x = std::get_if<double>(&v)) CHECK(seen.insert("d" + std::to_string(*x)).second);
  }
}

TEST_CASE("row tables: id, name and parent, the figures, then score, stars and the ranking", "[figures]") {
  std::vector<std::string> tables;
  for (const auto& t : row_tables()) tables.emplace_back(t.name);
  CHECK(tables == std::vector<std::string>{"workers", "grids", "communities", "streets"});
  REQUIRE(row_table("communities"));
  CHECK(row_table("communities")->ranked);
  CHECK(row_table("cases") == nullptr);

  const auto& communities = *row_table("communities");
  const auto leading = leading_columns(communities), trailing = trailing_columns(communities);
  CHECK(joined(csv_names<AssessmentRow>(leading)) == "id,name,street");
  CHECK(joined(csv_names<AssessmentRow>(trailing)) == "score,stars,rank,ranked,bottom_warning");
  CHECK(joined(csv_names<AssessmentRow>(trailing_columns(*row_table("streets")))) == "score,stars");
  CHECK(leading_columns(*row_table("streets"))[2].json == "district");
  for (const auto& c : leading) CHECK(c.name == c.json);
  for (const auto& c : trailing) CHECK(c.name == c.json);

  AssessmentRow r;
  r.code = "C1";
  r.name = "一社区";
  r.score = 66.67;
  r.stars = 2;
  r.rank = 1;
  r.ranked = 3;
  r.bottom_warning = true;
  CHECK(std::get<std::string_view>(leading[1].get(r)) == "一社区");
  CHECK(std::holds_alternative<std::monostate>(leading[2].get(r)));  // no parent: null
  CHECK(std::get<double>(trailing[0].get(r)) == 66.67);
  CHECK(integer(trailing[1].get(r)) == 2);
  CHECK(integer(trailing[2].get(r)) == 1);
  CHECK(integer(trailing[3].get(r)) == 3);
  CHECK(std::get<bool>(trailing[4].get(r)));
}

TEST_CASE("the per-case and trend tables", "[figures]") {
  names_are_unique(fact_columns());
  CHECK(joined(csv_names(fact_columns())) ==
        "id,taken_in_at,category,worker,grid,community,street,cancelled,deferred,handled,closed,closed_at,due,"
        "closed_on_time,acceptance_due,accepted_on_time,reworked,overdue,overdue_colour,escalations,urged,"
        "time_to_accept_s,time_to_resolve_s,rating");
  CaseFacts f;
  f.id = 7;
  f.overdue_colour = Urgency::orange;
  f.time_to_accept = 1500;
  for (const auto& c : fact_columns()) {
    if (c.name == "overdue_colour") CHECK(std::get<std::string_view>(c.get(f)) == "orange");
    if (c.name == "time_to_accept_s") CHECK(integer(c.get(f)) == 1500);
    if (c.name == "time_to_resolve_s") CHECK(std::holds_alternative<std::monostate>(c.get(f)));
    if (c.name == "closed_at") CHECK(std::holds_alternative<std::monostate>(c.get(f)));
  }

  names_are_unique(trend_columns());
  CHECK(joined(csv_names(trend_columns())) ==
        "start,end,taken_in,by_category,closed,closed_on_time,became_overdue,became_overdue_yellow,"
        "became_overdue_orange,became_overdue_red,escalations,overdue_open");
  TrendPoint p;
  p.became_overdue_by_colour = {1, 2, 3};
  for (const auto& c : trend_columns()) {
    if (c.json == "became_overdue_by_colour.red") CHECK(integer(c.get(p)) == 3);
    if (c.json == "overdue_open") CHECK(std::holds_alternative<std::monostate>(c.get(p)));  // after now
  }
}
