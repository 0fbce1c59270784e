// The report tables encoded: the JSON object and the CSV columns of the figures come from the
// same table (dispatch/figures.hpp), and so do the trends'; the settings body reader.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <map>

#include "csv_rows.hpp"
#include "web/columns.hpp"
#include "web/json_codec.hpp"
#include "web/stats.hpp"

using namespace gridkeeper;
using namespace gridkeeper::web;
namespace json = boost::json;

namespace {
dispatch::Figures sample_figures() {
  dispatch::Figures f;
  f.cases = 5, f.cancelled = 1, f.deferred = 1, f.assessed = 4, f.handled = 3, f.closed = 3, f.due = 4;
  f.closed_on_time = 2, f.acceptance_due = 4, f.accepted_on_time = 3, f.reworked = 1, f.escalations = 2;
  f.overdue = 2, f.overdue_by_colour = {1, 0, 1};
  f.closure_rate = 0.75, f.on_time_closure_rate = 0.5, f.on_time_acceptance_rate = 0.75;
  f.rework_rate = 1.0 / 3, f.deferral_rate = std::nullopt;
  f.time_to_accept = {4, 25350.26, 90000};
  f.time_to_resolve = {0, std::nullopt, std::nullopt};
  f.rated = 2, f.ratings = {0, 0, 1, 0, 1}, f.satisfaction = 4.0, f.satisfied_rate = 0.5;
  return f;
}

// Every leaf of a JSON object as "key" or "group.key".
void leaves(const json::object& o, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& kv : o) {
    const std::string key = prefix + std::string(kv.key());
    if (kv.value().is_object()) leaves(kv.value().as_object(), key + ".", out);
    else out.push_back(key);
  }
}

}  // namespace

TEST_CASE("figures: the JSON keys and the CSV headers come from the same table", "[web][columns]") {
  const auto f = sample_figures();
  json::object o;
  put_figures(o, f);
  // The layout the API has always answered with, byte for byte.
  CHECK(to_json_text(o) ==
        R"({"cases":5,"cancelled":1,"deferred":1,"assessed":4,"handled":3,"closed":3,"due":4,"closed_on_time":2,)"
        R"("acceptance_due":4,"accepted_on_time":3,"reworked":1,"escalations":2,"urged":0,"closure_rate":0.75,)"
        R"("on_time_closure_rate":0.5,"on_time_acceptance_rate":0.75,"rework_rate":0.3333333333333333,)"
        R"("deferral_rate":null,"overdue":{"total":2,"yellow":1,"orange":0,"red":1},)"
        R"("time_to_accept":{"count":4,"mean_s":25350.26,"p90_s":90000},)"
        R"("time_to_resolve":{"count":0,"mean_s":null,"p90_s":null},)"
        R"("satisfaction":{"rated":2,"mean":4,"satisfied_rate":0.5,"ratings":[0,0,1,0,1]}})");

  CsvWriter w;
  csv_header(w, dispatch::figure_columns());
  w.end_row();
  csv_cells(w, dispatch::figure_columns(), f);
  w.end_row();
  const auto rows = testing::csv_rows(w.str());
  REQUIRE(rows.size() == 2);
  const auto& header = rows[0];
  const auto& cells = rows[1];
  REQUIRE(header.size() == cells.size());

  // Every JSON leaf is a column of the table, and every CSV header is one too: the same
  // columns, whichever answer.
  std::vector<std::string> json_keys;
  leaves(o, "", json_keys);
  std::map<std::string, std::string> csv_by_json;  // JSON key -> CSV cell
  std::size_t i = 0;
  std::vector<std::string> table_keys;
  for (const auto& c : dispatch::figure_columns()) {
    table_keys.emplace_back(c.json);
    if (c.name.empty()) continue;
    REQUIRE(i < header.size());
    CHECK(header[i] == c.name);
    csv_by_json[std::string(c.json)] = cells[i++];
  }
  CHECK(i == header.size());
  std::sort(json_keys.begin(), json_keys.end());
  std::sort(table_keys.begin(), table_keys.end());
  CHECK(json_keys == table_keys);

  // The CSV cell holds the JSON value (rounded as its format says, empty for null).
  for (const auto& [key, cell] : csv_by_json) {
    INFO(key << " = " << cell);
    const json::value* v = &o.at(key.substr(0, key.find('.')));
    if (key.find('.') != std::string::npos) v = &v->as_object().at(key.substr(key.find('.') + 1));
    if (v->is_null()) {
      CHECK(cell.empty());
      continue;
    }
    REQUIRE_FALSE(cell.empty());
    CHECK(std::stod(cell) == Approx(v->to_number<double>()).margin(0.00005));
  }
  CHECK(csv_by_json.at("rework_rate") == "0.3333");
  CHECK(csv_by_json.at("time_to_accept.mean_s") == "25350.3");
  CHECK(csv_by_json.at("satisfaction.mean") == "4");
}

TEST_CASE("trend points: one column per category in CSV, an object of them in JSON", "[web][columns]") {
  dispatch::TrendPoint p;
  p.start = 1'767'196'800'000;  // 2026-01-01T00:00+08:00
  p.end = p.start + 86'400'000;
  p.taken_in = 4;
  p.by_category = {3, 1};
  p.closed = 2;
  p.became_overdue_by_colour = {1, 0, 0};
  p.became_overdue = 1;
  const std::vector<std::string> categories{"dispute", "environment"};

  json::object o;
  put_columns(o, dispatch::trend_columns(), p, categories);
  CHECK(to_json_text(o) ==
        R"({"start":"2025-12-31T16:00:00.000Z","end":"2026-01-01T16:00:00.000Z","date":"2026-01-01","taken_in":4,)"
        R"("by_category":{"dispute":3,"environment":1},"closed":2,"closed_on_time":0,"became_overdue":1,)"
        R"("became_overdue_by_colour":{"yellow":1,"orange":0,"red":0},"escalations":0,"overdue_open":null})");
  CsvWriter w;
  csv_header(w, dispatch::trend_columns(), categories);
  w.end_row();
  csv_cells(w, dispatch::trend_columns(), p);
  w.end_row();
  CHECK(w.str() == std::string(kUtf8Bom) +
                       "start,end,taken_in,dispute,environment,closed,closed_on_time,became_overdue,"
                       "became_overdue_yellow,became_overdue_orange,became_overdue_red,escalations,overdue_open\r\n"
                       "2026-01-01T00:00:00+08:00,2026-01-02T00:00:00+08:00,4,3,1,2,0,1,1,0,0,0,\r\n");
}

TEST_CASE("assessment settings bodies: read strictly, judged by the reporting service", "[web][columns]") {
  auto change = [](const char* body) {
    auto o = parse_object(body);
    REQUIRE(o);
    return rules_change_from(*o);
  };
  auto c = change(R"({"weights":{"rework":0,"satisfaction":2.5},"min_cases":null,"star_thresholds":[1,2,3,4]})");
  REQUIRE(c);
  CHECK(c->weights[3] == 0.0);
  CHECK(c->weights[5] == 2.5);
  CHECK_FALSE(c->weights[0]);
  CHECK_FALSE(c->min_cases);  // null: not named
  CHECK((*c->star_thresholds)[3] == 4);
  // The shape is the reader's (400), the values the service's (422).
  CHECK(change(R"({"weights":{"speed":1}})").error().field == "weights.speed");
  CHECK(change(R"({"weights":{"rework":"none"}})").error().code == dispatch::ErrorCode::bad_request);
  CHECK(change(R"({"min_cases":9223372036854775808})").error().code == dispatch::ErrorCode::invalid_value);
  CHECK(change(R"({"weights":{"rework":-1}})"));  // a shape that reads; the value is judged later
  auto judged = rules_from({}, *parse_object(R"({"weights":{"rework":-1}})"));
  REQUIRE_FALSE(judged);
  CHECK(judged.error().code == dispatch::ErrorCode::invalid_value);
  CHECK(judged.error().field == "weights.rework");

  // Stored text that is no JSON object cannot be read at all.
  CHECK(read_stored_rules("[1]").error().code == dispatch::ErrorCode::storage_failed);
  CHECK(read_stored_rules(to_json_text(rules_json({}))));
}
