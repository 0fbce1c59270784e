#include "web/stats.hpp"

#include <boost/json/parse.hpp>
#include <algorithm>
#include <cmath>
#include <map>

#include "web/csv.hpp"
#include "web/dates.hpp"
#include "web/json_codec.hpp"
#include "web/text.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::ErrorCode;
using dispatch::make_error;
using dispatch::Millis;

namespace {
constexpr Millis kDay = 86'400'000;

const std::string* param(const QueryParams& params, std::string_view name) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : params)
    if (k == name) found = &v;
  return found;
}

json::value number_or_null(const std::optional<double>& v) {
  if (!v) return nullptr;
  return *v;
}

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

json::object durations_json(const dispatch::Durations& d) {
  return json::object{{"count", d.count}, {"mean_s", number_or_null(d.mean_s)}, {"p90_s", number_or_null(d.p90_s)}};
}

void put_figures(json::object& o, const dispatch::Figures& f) {
  o["cases"] = f.cases;
  o["cancelled"] = f.cancelled;
  o["deferred"] = f.deferred;
  o["assessed"] = f.assessed;
  o["handled"] = f.handled;
  o["closed"] = f.closed;
  o["due"] = f.due;
  o["closed_on_time"] = f.closed_on_time;
  o["acceptance_due"] = f.acceptance_due;
  o["accepted_on_time"] = f.accepted_on_time;
  o["reworked"] = f.reworked;
  o["escalations"] = f.escalations;
  o["closure_rate"] = number_or_null(f.closure_rate);
  o["on_time_closure_rate"] = number_or_null(f.on_time_closure_rate);
  o["on_time_acceptance_rate"] = number_or_null(f.on_time_acceptance_rate);
  o["rework_rate"] = number_or_null(f.rework_rate);
  o["deferral_rate"] = number_or_null(f.deferral_rate);
  json::object overdue{{"total", f.overdue}};
  for (auto u : dispatch::kUrgencies) overdue[to_string(u)] = f.overdue_by_colour[static_cast<std::size_t>(u)];
  o["overdue"] = std::move(overdue);
  o["time_to_accept"] = durations_json(f.time_to_accept);
  o["time_to_resolve"] = durations_json(f.time_to_resolve);
  json::array ratings;
  for (auto n : f.ratings) ratings.push_back(n);
  o["satisfaction"] = json::object{{"rated", f.rated},
                                   {"mean", number_or_null(f.satisfaction)},
                                   {"satisfied_rate", number_or_null(f.satisfied_rate)},
                                   {"ratings", std::move(ratings)}};
}

json::object row_json(const dispatch::AssessmentRow& r, std::string_view parent_name, bool ranked) {
  json::object o;
  o["id"] = r.code;
  o["name"] = r.name;
  o[parent_name] = r.parent.empty() ? json::value(nullptr) : json::value(r.parent);
  put_figures(o, r.figures);
  o["score"] = number_or_null(r.score);
  o["stars"] = r.stars ? json::value(*r.stars) : json::value(nullptr);
  if (ranked) {
    o["rank"] = r.rank ? json::value(*r.rank) : json::value(nullptr);
    o["ranked"] = r.ranked;
    o["bottom_warning"] = r.bottom_warning;
  }
  return o;
}

const char* const kFigureColumns[] = {
    "cases", "cancelled", "deferred", "assessed", "handled", "closed", "due", "closed_on_time", "closure_rate",
    "on_time_closure_rate", "acceptance_due", "accepted_on_time", "on_time_acceptance_rate", "reworked", "rework_rate",
    "deferral_rate", "overdue", "overdue_yellow", "overdue_orange", "overdue_red", "escalations",
    "time_to_accept_mean_s", "time_to_accept_p90_s", "time_to_resolve_mean_s", "time_to_resolve_p90_s", "rated",
    "satisfaction", "satisfied_rate", "score", "stars"};

void figure_cells(CsvWriter& w, const dispatch::AssessmentRow& r) {
  const auto& f = r.figures;
  w.number(f.cases).number(f.cancelled).number(f.deferred).number(f.assessed).number(f.handled).number(f.closed);
  w.number(f.due).number(f.closed_on_time).number(f.closure_rate).number(f.on_time_closure_rate);
  w.number(f.acceptance_due).number(f.accepted_on_time).number(f.on_time_acceptance_rate);
  w.number(f.reworked).number(f.rework_rate).number(f.deferral_rate).number(f.overdue);
  for (auto n : f.overdue_by_colour) w.number(n);
  w.number(f.escalations);
  w.number(f.time_to_accept.mean_s, 1).number(f.time_to_accept.p90_s, 1);
  w.number(f.time_to_resolve.mean_s, 1).number(f.time_to_resolve.p90_s, 1);
  w.number(f.rated).number(f.satisfaction, 2).number(f.satisfied_rate).number(r.score, 2);
  if (r.stars)
    w.number(static_cast<std::int64_t>(*r.stars));
  else
    w.empty();
}

std::string rows_csv(const std::vector<dispatch::AssessmentRow>& rows, std::string_view parent_name, bool ranked) {
  CsvWriter w;
  w.text("id").text("name").text(parent_name);
  for (const char* c : kFigureColumns) w.text(c);
  if (ranked) w.text("rank").text("ranked").text("bottom_warning");
  w.end_row();
  for (const auto& r : rows) {
    w.text(r.code).text(r.name).text(r.parent);
    figure_cells(w, r);
    if (ranked) {
      if (r.rank)
        w.number(static_cast<std::int64_t>(*r.rank));
      else
        w.empty();
      w.number(static_cast<std::int64_t>(r.ranked)).boolean(r.bottom_warning);
    }
    w.end_row();
  }
  return w.take();
}

std::string case_facts_csv(const std::vector<dispatch::CaseFacts>& cases) {
  CsvWriter w;
  for (const char* c : {"id", "taken_in_at", "category", "worker", "grid", "community", "street", "cancelled",
                        "deferred", "handled", "closed", "closed_at", "due", "closed_on_time", "acceptance_due",
                        "accepted_on_time", "reworked", "overdue", "overdue_colour", "escalations",
                        "time_to_accept_s", "time_to_resolve_s", "rating"})
    w.text(c);
  w.end_row();
  auto seconds = [&](const std::optional<Millis>& t) {
    if (t)
      w.number(static_cast<double>(*t) / 1000.0, 3);
    else
      w.empty();
  };
  for (const auto& f : cases) {
    w.number(f.id).text(local_datetime(f.taken_in_at)).text(f.category).text(f.worker).text(f.grid);
    w.text(f.community).text(f.street).boolean(f.cancelled).boolean(f.deferred).boolean(f.handled);
    w.boolean(f.closed);
    if (f.closed_at)
      w.text(local_datetime(*f.closed_at));
    else
      w.empty();
    w.boolean(f.due).boolean(f.closed_on_time).boolean(f.acceptance_due).boolean(f.accepted_on_time);
    w.boolean(f.reworked).boolean(f.overdue);
    if (f.overdue_colour)
      w.text(to_string(*f.overdue_colour));
    else
      w.empty();
    w.number(static_cast<std::int64_t>(f.escalations));
    seconds(f.time_to_accept);
    seconds(f.time_to_resolve);
    if (f.rating)
      w.number(static_cast<std::int64_t>(*f.rating));
    else
      w.empty();
    w.end_row();
  }
  return w.take();
}

json::object period_json(const dispatch::Period& p) {
  return json::object{{"from", iso8601(p.from)}, {"to", iso8601(p.to)}};
}

// What the actor's report covers: the cases and the rows of its tables.
struct View {
  std::string scope;
  dispatch::HistoryQuery query;
  dispatch::Organisation org;
};

dispatch::Result<View> view_of(const dispatch::Center& center, const dispatch::Actor& actor, const StatsRequest& r) {
  View v;
  v.query.from = r.period.from;
  v.query.to = r.period.to;
  if (actor.role == dispatch::Role::worker) {
    // A worker sees its own figures only; the scope parameter does not widen that.
    if (actor.worker_id.empty()) return make_error(ErrorCode::forbidden, "this account is not linked to a worker");
    v.query.assignee = actor.worker_id;
    v.org.workers = center.workers(actor);
    return v;
  }
  v.scope = r.scope.empty() ? actor.scope : r.scope;
  const auto grids = center.grids(actor);
  if (!r.scope.empty()) {
    const bool known = center.jurisdiction(r.scope) ||
                       std::any_of(grids.begin(), grids.end(), [&](const auto& g) { return g.code == r.scope; });
    if (!known) return make_error(ErrorCode::not_found, "no jurisdiction or grid " + r.scope, "scope");
    if (!center.in_scope(actor.scope, r.scope))
      return make_error(ErrorCode::forbidden, "scope " + r.scope + " is outside your jurisdiction", "scope");
  }
  v.query.scope = v.scope;
  auto inside = [&](const std::string& code) { return v.scope.empty() || center.in_scope(v.scope, code); };
  for (auto& j : center.jurisdictions(actor))
    if (inside(j.code)) v.org.jurisdictions.push_back(std::move(j));
  for (const auto& g : grids)
    if (inside(g.code)) v.org.grids.push_back(g);
  for (auto& w : center.workers(actor))
    if (inside(w.community)) v.org.workers.push_back(std::move(w));
  // Names of workers from elsewhere (an emergency pool, a moved worker) who handled cases here.
  v.org.other_workers = center.workers(dispatch::Actor{});
  return v;
}

dispatch::Result<std::vector<dispatch::CaseHistory>> visible_history(const dispatch::Center& center,
                                                                     dispatch::Reports& reports,
                                                                     const dispatch::Actor& actor, const View& v) {
  auto history = reports.history(v.query);
  if (!history) return history.error();
  std::erase_if(*history, [&](const dispatch::CaseHistory& h) { return !center.case_visible(h.c, actor); });
  return history;
}
}  // namespace

dispatch::Result<StatsRequest> stats_request(const QueryParams& params, Millis now) {
  StatsRequest r;
  const auto* period = param(params, "period");
  const auto* from = param(params, "from");
  const auto* to = param(params, "to");
  if (period && (from || to))
    return make_error(ErrorCode::bad_request, "give either period or from and to", "period");
  if (period) {
    auto p = parse_period(*period);
    if (!p) return make_error(ErrorCode::bad_request, "period must be a year (2026), a quarter (2026-Q1) or a month (2026-03)", "period");
    r.period = *p;
  } else {
    r.period = {quarter_start(now), now + 1};
    if (from) {
      auto t = parse_datetime(*from);
      if (!t) return make_error(ErrorCode::bad_request, "from must be a date (2026-01-01) or an ISO 8601 datetime", "from");
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
    if (*f != "json" && *f != "csv") return make_error(ErrorCode::invalid_value, "format must be json or csv", "format");
    r.csv = *f == "csv";
  }
  if (const auto* t = param(params, "table")) {
    if (*t != "workers" && *t != "grids" && *t != "communities" && *t != "streets" && *t != "cases")
      return make_error(ErrorCode::invalid_value, "table must be workers, grids, communities, streets or cases", "table");
    r.table = *t;
  }
  if (const auto* b = param(params, "bucket")) {
    if (*b != "day" && *b != "week") return make_error(ErrorCode::invalid_value, "bucket must be day or week", "bucket");
    r.bucket = *b == "day" ? dispatch::Bucket::day : dispatch::Bucket::week;
  }
  return r;
}

Response assessment_response(const dispatch::Center& center, dispatch::Reports& reports, const dispatch::Actor& actor,
                             const StatsRequest& request, Millis now) {
  auto view = view_of(center, actor, request);
  if (!view) return error_response(view.error());
  auto rules = stored_rules(reports);
  if (!rules) return error_response(rules.error());
  auto history = visible_history(center, reports, actor, *view);
  if (!history) return error_response(history.error());
  const auto a = dispatch::assess(*history, view->org, *rules, request.period, now);

  if (request.csv) {
    std::string body;
    if (request.table == "workers") body = rows_csv(a.workers, "community", false);
    if (request.table == "grids") body = rows_csv(a.grids, "community", false);
    if (request.table == "communities") body = rows_csv(a.communities, "street", true);
    if (request.table == "streets") body = rows_csv(a.streets, "district", false);
    if (request.table == "cases") body = case_facts_csv(a.cases);
    return csv_response(std::move(body), filename("assessment-" + request.table, request));
  }
  json::object total;
  put_figures(total, a.total);
  auto rows = [](const std::vector<dispatch::AssessmentRow>& list, std::string_view parent, bool ranked) {
    json::array out;
    for (const auto& r : list) out.push_back(row_json(r, parent, ranked));
    return out;
  };
  json::object body{{"period", period_json(a.period)},
                    {"as_of", iso8601(a.as_of)},
                    {"scope", view->scope.empty() ? json::value(nullptr) : json::value(view->scope)},
                    {"rules", rules_json(*rules)},
                    {"total", std::move(total)},
                    {"workers", rows(a.workers, "community", false)},
                    {"grids", rows(a.grids, "community", false)},
                    {"communities", rows(a.communities, "street", true)},
                    {"streets", rows(a.streets, "district", false)}};
  return json_response(200, body);
}

Response trends_response(const dispatch::Center& center, dispatch::Reports& reports, const dispatch::Actor& actor,
                         const StatsRequest& request, Millis now) {
  auto view = view_of(center, actor, request);
  if (!view) return error_response(view.error());
  auto history = visible_history(center, reports, actor, *view);
  if (!history) return error_response(history.error());
  const auto t = dispatch::trends(*history, request.period, request.bucket, now);
  std::map<std::string, std::string> names;
  for (const auto& c : center.categories()) names[c.id] = c.name;
  auto name_of = [&](const std::string& id) {
    auto it = names.find(id);
    return it == names.end() ? id : it->second;
  };

  if (request.csv) {
    CsvWriter w;
    w.text("start").text("end").text("taken_in");
    for (const auto& c : t.categories) w.text(c);
    for (const char* c : {"closed", "closed_on_time", "became_overdue", "became_overdue_yellow", "became_overdue_orange",
                          "became_overdue_red", "escalations", "overdue_open"})
      w.text(c);
    w.end_row();
    for (const auto& p : t.points) {
      w.text(local_datetime(p.start)).text(local_datetime(p.end)).number(p.taken_in);
      for (auto n : p.by_category) w.number(n);
      w.number(p.closed).number(p.closed_on_time).number(p.became_overdue);
      for (auto n : p.became_overdue_by_colour) w.number(n);
      w.number(p.escalations);
      if (p.overdue_open)
        w.number(*p.overdue_open);
      else
        w.empty();
      w.end_row();
    }
    return csv_response(w.take(), filename(request.bucket == dispatch::Bucket::day ? "trends-daily" : "trends-weekly",
                                           request));
  }
  json::array categories, points;
  for (const auto& c : t.categories) categories.push_back(json::object{{"id", c}, {"name", name_of(c)}});
  for (const auto& p : t.points) {
    json::object by_category, by_colour;
    for (std::size_t i = 0; i < t.categories.size(); ++i) by_category[t.categories[i]] = p.by_category[i];
    for (auto u : dispatch::kUrgencies) by_colour[to_string(u)] = p.became_overdue_by_colour[static_cast<std::size_t>(u)];
    points.push_back(json::object{{"start", iso8601(p.start)},
                                  {"end", iso8601(p.end)},
                                  {"date", local_date(p.start)},
                                  {"taken_in", p.taken_in},
                                  {"by_category", std::move(by_category)},
                                  {"closed", p.closed},
                                  {"closed_on_time", p.closed_on_time},
                                  {"became_overdue", p.became_overdue},
                                  {"became_overdue_by_colour", std::move(by_colour)},
                                  {"escalations", p.escalations},
                                  {"overdue_open", p.overdue_open ? json::value(*p.overdue_open) : json::value(nullptr)}});
  }
  json::object body{{"period", period_json(t.period)},
                    {"as_of", iso8601(now)},
                    {"scope", view->scope.empty() ? json::value(nullptr) : json::value(view->scope)},
                    {"bucket", t.bucket == dispatch::Bucket::day ? "day" : "week"},
                    {"categories", std::move(categories)},
                    {"points", std::move(points)}};
  return json_response(200, body);
}

// ---- settings ----

json::object rules_json(const dispatch::AssessmentRules& r) {
  const auto& w = r.weights;
  json::array thresholds;
  for (double t : r.star_thresholds) thresholds.push_back(t);
  return json::object{{"weights", json::object{{"closure_rate", w.closure_rate},
                                               {"on_time_closure_rate", w.on_time_closure_rate},
                                               {"on_time_acceptance_rate", w.on_time_acceptance_rate},
                                               {"rework", w.rework},
                                               {"deferral", w.deferral},
                                               {"satisfaction", w.satisfaction}}},
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

dispatch::Result<dispatch::AssessmentRules> rules_from(dispatch::AssessmentRules r, const json::object& body) {
  for (const auto& kv : body) {
    const std::string key(kv.key());
    const auto& v = kv.value();
    if (key == "weights") {
      if (!v.is_object()) return make_error(ErrorCode::bad_request, "weights must be an object", "weights");
      auto& w = r.weights;
      const std::pair<std::string_view, double*> slots[] = {
          {"closure_rate", &w.closure_rate},       {"on_time_closure_rate", &w.on_time_closure_rate},
          {"on_time_acceptance_rate", &w.on_time_acceptance_rate}, {"rework", &w.rework},
          {"deferral", &w.deferral},               {"satisfaction", &w.satisfaction}};
      for (const auto& wk : v.as_object()) {
        const std::string field = "weights." + std::string(wk.key());
        double* slot = nullptr;
        for (const auto& [name, s] : slots)
          if (name == wk.key()) slot = s;
        if (!slot) return make_error(ErrorCode::bad_request, "unknown field " + field, field);
        auto n = as_number(wk.value());
        if (!n) return make_error(ErrorCode::bad_request, field + " must be a number", field);
        if (!(*n >= 0 && *n <= 1000)) return make_error(ErrorCode::invalid_value, field + " must be 0 to 1000", field);
        *slot = *n;
      }
    } else if (key == "star_thresholds") {
      if (!v.is_array() || v.as_array().size() != 4)
        return make_error(ErrorCode::bad_request, "star_thresholds must be 4 numbers: the points for 2, 3, 4 and 5 stars",
                          key);
      for (std::size_t i = 0; i < 4; ++i) {
        auto n = as_number(v.as_array()[i]);
        if (!n) return make_error(ErrorCode::bad_request, "star_thresholds must be numbers", key);
        r.star_thresholds[i] = *n;
      }
      for (std::size_t i = 0; i < 4; ++i)
        if (!(r.star_thresholds[i] >= 0 && r.star_thresholds[i] <= 100) ||
            (i > 0 && !(r.star_thresholds[i] > r.star_thresholds[i - 1])))
          return make_error(ErrorCode::invalid_value, "star_thresholds must rise strictly within 0 to 100 points", key);
    } else if (key == "min_cases" || key == "bottom_min_communities") {
      if (!v.is_int64()) return make_error(ErrorCode::bad_request, key + " must be an integer", key);
      const auto n = v.as_int64();
      if (key == "min_cases") {
        if (n < 0 || n > 100'000) return make_error(ErrorCode::invalid_value, "min_cases must be 0 to 100000", key);
        r.min_cases = n;
      } else {
        if (n < 2 || n > 1000)
          return make_error(ErrorCode::invalid_value, "bottom_min_communities must be 2 to 1000", key);
        r.bottom_min_communities = static_cast<int>(n);
      }
    } else {
      return make_error(ErrorCode::bad_request, "unknown field " + key, key);
    }
  }
  const auto& w = r.weights;
  if (w.closure_rate + w.on_time_closure_rate + w.on_time_acceptance_rate + w.rework + w.deferral + w.satisfaction <= 0)
    return make_error(ErrorCode::invalid_value, "at least one weight must be above 0", "weights");
  return r;
}

dispatch::Result<dispatch::AssessmentRules> stored_rules(dispatch::Reports& reports) {
  auto text = reports.setting(std::string(kAssessmentSetting));
  if (!text) return text.error();
  if (!*text) return dispatch::AssessmentRules{};
  std::error_code ec;
  auto v = json::parse(**text, ec);
  if (ec || !v.is_object()) return make_error(ErrorCode::storage_failed, "the stored assessment settings are unreadable");
  return rules_from({}, v.as_object());
}

// ---- ratings and keys ----

dispatch::Result<RatingRequest> rating_from(const json::object& body) {
  RatingRequest r;
  bool has_score = false;
  for (const auto& kv : body) {
    const std::string key(kv.key());
    const auto& v = kv.value();
    if (key == "score") {
      if (!v.is_int64()) return make_error(ErrorCode::bad_request, "score must be an integer from 1 to 5", key);
      if (v.as_int64() < 1 || v.as_int64() > 5)
        return make_error(ErrorCode::invalid_value, "score must be an integer from 1 to 5", key);
      r.score = static_cast<int>(v.as_int64());
      has_score = true;
    } else if (key == "note") {
      if (v.is_null()) continue;
      if (!v.is_string()) return make_error(ErrorCode::bad_request, "note must be a string", key);
      r.note = std::string(v.as_string());
    } else {
      return make_error(ErrorCode::bad_request, "unknown field " + key, key);
    }
  }
  if (!has_score) return make_error(ErrorCode::bad_request, "score is required", "score");
  return r;
}

json::object rating_json(const dispatch::CaseEvent& e) {
  return json::object{{"case_id", e.case_id},
                      {"score", e.score.value_or(0)},
                      {"note", e.note},
                      {"rated_at", iso8601(e.at)},
                      {"rated_by", e.actor}};
}

dispatch::Result<NewClientKey> client_key_from(const json::object& body) {
  NewClientKey k;
  for (const auto& kv : body) {
    const std::string key(kv.key());
    const auto& v = kv.value();
    if (key != "name" && key != "scope") return make_error(ErrorCode::bad_request, "unknown field " + key, key);
    if (v.is_null()) continue;
    if (!v.is_string()) return make_error(ErrorCode::bad_request, key + " must be a string", key);
    (key == "name" ? k.name : k.scope) = std::string(v.as_string());
  }
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
  for (const char* c : {"id", "state", "urgency", "category", "title", "address", "source", "grid", "community",
                        "street", "assignee", "tier", "created_at", "accept_by", "resolve_by", "accepted_at",
                        "resolved_at", "closed_at", "warned", "overdue", "rework_count", "deferred", "lon", "lat"})
    w.text(c);
  w.end_row();
  auto when = [&](const std::optional<Millis>& t) {
    if (t)
      w.text(local_datetime(*t));
    else
      w.empty();
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
