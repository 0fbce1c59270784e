#include "web/stats.hpp"

#include <boost/json/parse.hpp>

#include "dispatch/figures.hpp"
#include "web/columns.hpp"
#include "web/csv.hpp"
#include "web/dates.hpp"
#include "web/json_codec.hpp"
#include "web/json_reader.hpp"
#include "web/json_rows.hpp"
#include "web/text.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::ErrorCode;
using dispatch::make_error;
using dispatch::Millis;

namespace {
constexpr Millis kDay = 86'400'000;

// File names keep to ASCII letters, digits, '-' and '_'.
std::string file_part(std::string_view s) {
  std::string out;
  for (char c : s)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') out += c;
  return out;
}

std::string filename(std::string_view what, const StatsRequest& r) {
  std::string name = std::string(what);
  if (!r.scope.empty() && !file_part(r.scope).empty()) name += "-" + file_part(r.scope);
  return name + "-" + local_date(r.period.from) + "-" + local_date(r.period.to - 1) + ".csv";
}

// ---- the assessment ----

std::string rows_csv(const std::vector<dispatch::AssessmentRow>& rows, const dispatch::RowTable& table) {
  const auto leading = dispatch::leading_columns(table), trailing = dispatch::trailing_columns(table);
  CsvWriter w;
  csv_header<dispatch::AssessmentRow>(w, leading);
  csv_header(w, dispatch::figure_columns());
  csv_header<dispatch::AssessmentRow>(w, trailing);
  w.end_row();
  for (const auto& r : rows) {
    csv_cells<dispatch::AssessmentRow>(w, leading, r);
    csv_cells(w, dispatch::figure_columns(), r.figures);
    csv_cells<dispatch::AssessmentRow>(w, trailing, r);
    w.end_row();
  }
  return w.take();
}

json::object period_json(const dispatch::Period& p) {
  return json::object{{"from", iso8601(p.from)}, {"to", iso8601(p.to)}};
}

json::value scope_json(const std::string& scope) { return scope.empty() ? json::value(nullptr) : json::value(scope); }

dispatch::Reporting reporting(const dispatch::Center& center, dispatch::Reports& reports) {
  return dispatch::Reporting(center, reports, &read_stored_rules);
}
}  // namespace

dispatch::Status write_case_facts_csv(const dispatch::Center& center, dispatch::Reports& reports,
                                      const dispatch::Actor& actor, const StatsRequest& request, Millis now,
                                      ChunkSink& sink) {
  constexpr std::size_t kHandOn = 64 * 1024;
  CsvWriter w;
  csv_header(w, dispatch::fact_columns());
  w.end_row();
  bool open = true;
  auto status = reporting(center, reports).each_case_fact(actor, request, now, [&](const dispatch::CaseFacts& f) {
    csv_cells(w, dispatch::fact_columns(), f);
    w.end_row();
    if (w.str().size() >= kHandOn) {
      open = sink.write(w.str());
      w.clear();
    }
    return open;  // the client is gone: read no further
  });
  if (status || !open) return status;
  sink.write(w.str());
  return std::nullopt;
}

StreamHead case_facts_csv_head(const StatsRequest& request) {
  auto r = csv_response({}, filename("assessment-cases", request));
  return StreamHead{r.status, std::move(r.content_type), std::move(r.headers)};
}

dispatch::Result<StatsRequest> stats_request(const QueryParams& params, Millis now) {
  StatsRequest r;
  const auto* period = param(params, "period");
  const auto* from = param(params, "from");
  const auto* to = param(params, "to");
  if (period && (from || to)) return make_error(ErrorCode::bad_request, "give either period or from and to", "period");
  if (period) {
    auto p = parse_period(*period);
    if (!p)
      return make_error(ErrorCode::bad_request,
                        "period must be a year (2026), a quarter (2026-Q1) or a month (2026-03)", "period");
    r.period = *p;
  } else {
    r.period = {quarter_start(now), now + 1};
    if (from) {
      auto t = parse_datetime(*from);
      if (!t)
        return make_error(ErrorCode::bad_request, "from must be a date (2026-01-01) or an ISO 8601 datetime", "from");
      r.period.from = *t;
    }
    if (to) {
      bool date_only = false;
      auto t = parse_datetime(*to, &date_only);
      if (!t) return make_error(ErrorCode::bad_request, "to must be a date (2026-03-31) or an ISO 8601 datetime", "to");
      r.period.to = date_only ? *t + kDay : *t;  // a date includes its whole day
    }
  }
  if (r.period.from >= r.period.to) return make_error(ErrorCode::invalid_value, "from must be before to", "to");
  if (r.period.to - r.period.from > kMaxReportDays * kDay)
    return make_error(ErrorCode::invalid_value, "a report covers at most " + std::to_string(kMaxReportDays) + " days",
                      "to");
  if (const auto* s = param(params, "scope")) {
    if (s->size() > 64 || !valid_utf8(*s))
      return make_error(ErrorCode::invalid_value, "scope must be a code of at most 64 bytes of UTF-8", "scope");
    r.scope = *s;
  }
  if (const auto* f = param(params, "format")) {
    if (*f != "json" && *f != "csv")
      return make_error(ErrorCode::invalid_value, "format must be json or csv", "format");
    r.csv = *f == "csv";
  }
  if (const auto* t = param(params, "table")) {
    if (*t != "workers" && *t != "grids" && *t != "communities" && *t != "streets" && *t != "cases")
      return make_error(ErrorCode::invalid_value, "table must be workers, grids, communities, streets or cases",
                        "table");
    r.table = *t;
  }
  if (const auto* b = param(params, "bucket")) {
    if (*b != "day" && *b != "week")
      return make_error(ErrorCode::invalid_value, "bucket must be day or week", "bucket");
    r.bucket = *b == "day" ? dispatch::Bucket::day : dispatch::Bucket::week;
  }
  return r;
}

Response assessment_response(const dispatch::Center& center, dispatch::Reports& reports, const dispatch::Actor& actor,
                             const StatsRequest& request, Millis now) {
  // (table=cases&format=csv is streamed: write_case_facts_csv.)
  auto report = reporting(center, reports).assessment(actor, request, now);
  if (!report) return error_response(report.error());
  const auto& a = report->assessment;
  if (request.csv) {
    const auto* table = dispatch::row_table(request.table);
    if (!table) return error_response(ErrorCode::invalid_value, "no table " + request.table, "table");
    return csv_response(rows_csv(a.*(table->rows), *table), filename("assessment-" + request.table, request));
  }
  json::object total;
  put_figures(total, a.total);
  json::object body{{"period", period_json(a.period)},
                    {"as_of", iso8601(a.as_of)},
                    {"scope", scope_json(report->scope)},
                    {"rules", rules_json(report->rules)},
                    {"total", std::move(total)}};
  // The small members first, then each table written row by row into the same text.
  Response r;
  r.body = to_json_text(body);
  r.body.pop_back();  // the closing brace
  append_row_tables(r.body, a);
  r.body += '}';
  return r;
}

Response trends_response(const dispatch::Center& center, dispatch::Reports& reports, const dispatch::Actor& actor,
                         const StatsRequest& request, Millis now) {
  auto report = reporting(center, reports).trends(actor, request, now);
  if (!report) return error_response(report.error());
  const auto& t = report->trends;
  const Categories ids = t.categories;
  if (request.csv) {
    CsvWriter w;
    csv_header(w, dispatch::trend_columns(), ids);
    w.end_row();
    for (const auto& p : t.points) {
      csv_cells(w, dispatch::trend_columns(), p);
      w.end_row();
    }
    return csv_response(w.take(),
                        filename(request.bucket == dispatch::Bucket::day ? "trends-daily" : "trends-weekly", request));
  }
  json::array categories, points;
  for (std::size_t i = 0; i < t.categories.size(); ++i)
    categories.push_back(json::object{{"id", t.categories[i]}, {"name", report->category_names[i]}});
  for (const auto& p : t.points) {
    json::object o;
    put_columns(o, dispatch::trend_columns(), p, ids);
    points.push_back(std::move(o));
  }
  json::object body{
      {"period", period_json(t.period)},     {"as_of", iso8601(report->as_of)},
      {"scope", scope_json(report->scope)},  {"bucket", t.bucket == dispatch::Bucket::day ? "day" : "week"},
      {"categories", std::move(categories)}, {"points", std::move(points)}};
  return json_response(200, body);
}

// ---- settings ----

json::object rules_json(const dispatch::AssessmentRules& r) {
  json::object weights;
  for (const auto& w : dispatch::weight_fields()) weights[w.name] = r.weights.*w.member;
  json::array thresholds;
  for (double t : r.star_thresholds) thresholds.push_back(t);
  return json::object{{"weights", std::move(weights)},
                      {"star_thresholds", std::move(thresholds)},
                      {"min_cases", r.min_cases},
                      {"bottom_min_communities", r.bottom_min_communities}};
}

namespace {
std::optional<double> as_number(const json::value& v) {
  if (v.is_double()) return v.as_double();
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  return std::nullopt;
}
}  // namespace

dispatch::Result<dispatch::RulesChange> rules_change_from(const json::object& body) {
  JsonReader r(body);
  r.only({"weights", "star_thresholds", "min_cases", "bottom_min_communities"});
  dispatch::RulesChange change;
  if (const auto* weights = r.object("weights")) {
    JsonReader rw(*weights, "weights");
    std::array<std::string_view, dispatch::kWeightCount> names;
    for (std::size_t i = 0; i < names.size(); ++i) names[i] = dispatch::weight_fields()[i].name;
    rw.only_of(names);
    for (std::size_t i = 0; i < names.size(); ++i) change.weights[i] = rw.number(names[i]);
    if (rw.error && !r.error) r.error = rw.error;
  }
  if (const auto* v = r.get("star_thresholds", false)) {
    if (!v->is_array() || v->as_array().size() != 4) {
      r.fail(ErrorCode::bad_request, "star_thresholds", " must be 4 numbers: the points for 2, 3, 4 and 5 stars");
    } else {
      std::array<double, 4> thresholds{};
      for (std::size_t i = 0; i < 4 && !r.error; ++i) {
        auto n = as_number(v->as_array()[i]);
        if (!n) r.fail(ErrorCode::bad_request, "star_thresholds", " must be numbers");
        thresholds[i] = n.value_or(0);
      }
      change.star_thresholds = thresholds;
    }
  }
  change.min_cases = r.integer("min_cases");
  change.bottom_min_communities = r.integer("bottom_min_communities");
  if (r.error) return *r.error;
  return change;
}

dispatch::Result<dispatch::AssessmentRules> rules_from(dispatch::AssessmentRules base, const json::object& body) {
  auto change = rules_change_from(body);
  if (!change) return change.error();
  return dispatch::apply_change(std::move(base), *change);
}

dispatch::Result<dispatch::RulesChange> read_stored_rules(std::string_view text) {
  std::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    return make_error(ErrorCode::storage_failed, "the stored assessment settings are unreadable");
  return rules_change_from(v.as_object());
}

dispatch::Result<dispatch::AssessmentRules> stored_rules(dispatch::Reports& reports) {
  return dispatch::load_rules(reports, &read_stored_rules);
}

// ---- ratings and keys ----

dispatch::Result<RatingRequest> rating_from(const json::object& body) {
  JsonReader r(body);
  r.only({"score", "note"});
  RatingRequest out;
  if (const auto* v = r.get("score", true)) {
    if (!v->is_int64()) r.fail(ErrorCode::bad_request, "score", " must be an integer from 1 to 5");
    else if (v->as_int64() < 1 || v->as_int64() > 5) r.invalid("score", "score must be an integer from 1 to 5");
    else out.score = static_cast<int>(v->as_int64());
  }
  if (auto note = r.text("note")) out.note = std::move(*note);
  if (r.error) return *r.error;
  return out;
}

json::object rating_json(const dispatch::CaseEvent& e) {
  return json::object{{"case_id", e.case_id},
                      {"score", e.score.value_or(0)},
                      {"note", e.note},
                      {"rated_at", iso8601(e.at)},
                      {"rated_by", e.actor}};
}

dispatch::Result<NewClientKey> client_key_from(const json::object& body) {
  JsonReader r(body);
  r.only({"name", "scope"});
  NewClientKey k;
  if (auto name = r.text("name")) k.name = std::move(*name);
  if (auto scope = r.text("scope")) k.scope = std::move(*scope);
  if (r.error) return *r.error;
  if (k.name.empty() || k.name.size() > 100)
    return make_error(ErrorCode::invalid_value, "a key needs a name of 1 to 100 bytes", "name");
  if (k.scope.size() > 64) return make_error(ErrorCode::invalid_value, "scope is longer than 64 bytes", "scope");
  return k;
}

json::object client_key_json(const dispatch::ClientKey& k) {
  return json::object{{"id", k.id},
                      {"name", k.name},
                      {"scope", k.scope.empty() ? json::value(nullptr) : json::value(k.scope)},
                      {"created_at", iso8601(k.created_at)},
                      {"created_by", k.created_by}};
}

std::string cases_csv(const std::vector<dispatch::Case>& cases) {
  CsvWriter w;
  for (const char* c :
       {"id",          "state",     "urgency",  "category", "title",        "address",   "source",     "grid",
        "community",   "street",    "assignee", "tier",     "created_at",   "accept_by", "resolve_by", "accepted_at",
        "resolved_at", "closed_at", "warned",   "overdue",  "rework_count", "deferred",  "lon",        "lat"})
    w.text(c);
  w.end_row();
  auto when = [&](const std::optional<Millis>& t) {
    if (t) w.text(local_datetime(*t));
    else w.empty();
  };
  for (const auto& c : cases) {
    w.number(c.id).text(to_string(c.state)).text(to_string(c.urgency)).text(c.category).text(c.title);
    w.text(c.address).text(c.source).text(c.grid).text(c.community).text(c.street).text(c.assignee);
    w.text(to_string(c.tier)).text(local_datetime(c.created_at));
    when(c.accept_by);
    when(c.resolve_by);
    when(c.accepted_at);
    when(c.resolved_at);
    when(c.closed_at);
    w.boolean(c.warned).boolean(c.overdue).number(static_cast<std::int64_t>(c.rework_count)).boolean(c.deferred);
    w.number(c.lon, 7).number(c.lat, 7);
    w.end_row();
  }
  return w.take();
}

}  // namespace gridkeeper::web
