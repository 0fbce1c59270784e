#include "dispatch/figures.hpp"

namespace gridkeeper::dispatch {

namespace {
Cell maybe(const std::optional<double>& v) {
  if (!v) return std::monostate{};
  return *v;
}
Cell maybe(const std::optional<int>& v) {
  if (!v) return std::monostate{};
  return static_cast<std::int64_t>(*v);
}
Cell maybe(const std::optional<std::int64_t>& v) {
  if (!v) return std::monostate{};
  return *v;
}
Cell text_or_null(const std::string& s) {
  if (s.empty()) return std::monostate{};
  return std::string_view(s);
}
constexpr std::size_t colour(Urgency u) { return static_cast<std::size_t>(u); }

using F = const Figures&;
const FigureColumn kFigures[] = {
    {"cases", "cases", [](F f) -> Cell { return f.cases; }},
    {"cancelled", "cancelled", [](F f) -> Cell { return f.cancelled; }},
    {"deferred", "deferred", [](F f) -> Cell { return f.deferred; }},
    {"assessed", "assessed", [](F f) -> Cell { return f.assessed; }},
    {"handled", "handled", [](F f) -> Cell { return f.handled; }},
    {"closed", "closed", [](F f) -> Cell { return f.closed; }},
    {"due", "due", [](F f) -> Cell { return f.due; }},
    {"closed_on_time", "closed_on_time", [](F f) -> Cell { return f.closed_on_time; }},
    {"closure_rate", "closure_rate", [](F f) { return maybe(f.closure_rate); }, Format::rate},
    {"on_time_closure_rate", "on_time_closure_rate", [](F f) { return maybe(f.on_time_closure_rate); }, Format::rate},
    {"acceptance_due", "acceptance_due", [](F f) -> Cell { return f.acceptance_due; }},
    {"accepted_on_time", "accepted_on_time", [](F f) -> Cell { return f.accepted_on_time; }},
    {"on_time_acceptance_rate", "on_time_acceptance_rate", [](F f) { return maybe(f.on_time_acceptance_rate); },
     Format::rate},
    {"reworked", "reworked", [](F f) -> Cell { return f.reworked; }},
    {"rework_rate", "rework_rate", [](F f) { return maybe(f.rework_rate); }, Format::rate},
    {"deferral_rate", "deferral_rate", [](F f) { return maybe(f.deferral_rate); }, Format::rate},
    {"overdue", "overdue.total", [](F f) -> Cell { return f.overdue; }},
    {"overdue_yellow", "overdue.yellow", [](F f) -> Cell { return f.overdue_by_colour[colour(Urgency::yellow)]; }},
    {"overdue_orange", "overdue.orange", [](F f) -> Cell { return f.overdue_by_colour[colour(Urgency::orange)]; }},
    {"overdue_red", "overdue.red", [](F f) -> Cell { return f.overdue_by_colour[colour(Urgency::red)]; }},
    {"escalations", "escalations", [](F f) -> Cell { return f.escalations; }},
    {"urged", "urged", [](F f) -> Cell { return f.urged; }},
    {"", "time_to_accept.count", [](F f) -> Cell { return f.time_to_accept.count; }},
    {"time_to_accept_mean_s", "time_to_accept.mean_s", [](F f) { return maybe(f.time_to_accept.mean_s); },
     Format::seconds},
    {"time_to_accept_p90_s", "time_to_accept.p90_s", [](F f) { return maybe(f.time_to_accept.p90_s); },
     Format::seconds},
    {"", "time_to_resolve.count", [](F f) -> Cell { return f.time_to_resolve.count; }},
    {"time_to_resolve_mean_s", "time_to_resolve.mean_s", [](F f) { return maybe(f.time_to_resolve.mean_s); },
     Format::seconds},
    {"time_to_resolve_p90_s", "time_to_resolve.p90_s", [](F f) { return maybe(f.time_to_resolve.p90_s); },
     Format::seconds},
    {"rated", "satisfaction.rated", [](F f) -> Cell { return f.rated; }},
    {"satisfaction", "satisfaction.mean", [](F f) { return maybe(f.satisfaction); }, Format::points},
    {"satisfied_rate", "satisfaction.satisfied_rate", [](F f) { return maybe(f.satisfied_rate); }, Format::rate},
    {"", "satisfaction.ratings", [](F f) -> Cell { return std::span<const std::int64_t>(f.ratings); }, Format::counts},
};

const RowTable kRowTables[] = {
    {"workers", "community", false, &Assessment::workers},
    {"grids", "community", false, &Assessment::grids},
    {"communities", "street", true, &Assessment::communities},
    {"streets", "district", false, &Assessment::streets},
};

using R = const AssessmentRow&;
Cell code(R r) { return std::string_view(r.code); }
Cell name(R r) { return std::string_view(r.name); }
Cell parent(R r) { return text_or_null(r.parent); }
const RowColumn kScore{"score", "score", [](R r) { return maybe(r.score); }, Format::points};
const RowColumn kStars{"stars", "stars", [](R r) { return maybe(r.stars); }};
const RowColumn kRanking[] = {
    {"rank", "rank", [](R r) { return maybe(r.rank); }},
    {"ranked", "ranked", [](R r) -> Cell { return static_cast<std::int64_t>(r.ranked); }},
    {"bottom_warning", "bottom_warning", [](R r) -> Cell { return r.bottom_warning; }, Format::flag},
};

// No JSON of the per-case table is answered; its JSON keys are the CSV names all the same.
using C = const CaseFacts&;
const FactColumn kFacts[] = {
    {"id", "id", [](C f) -> Cell { return f.id; }},
    {"taken_in_at", "taken_in_at", [](C f) -> Cell { return f.taken_in_at; }, Format::moment},
    {"category", "category", [](C f) -> Cell { return std::string_view(f.category); }, Format::text},
    {"worker", "worker", [](C f) -> Cell { return std::string_view(f.worker); }, Format::text},
    {"grid", "grid", [](C f) -> Cell { return std::string_view(f.grid); }, Format::text},
    {"community", "community", [](C f) -> Cell { return std::string_view(f.community); }, Format::text},
    {"street", "street", [](C f) -> Cell { return std::string_view(f.street); }, Format::text},
    {"cancelled", "cancelled", [](C f) -> Cell { return f.cancelled; }, Format::flag},
    {"deferred", "deferred", [](C f) -> Cell { return f.deferred; }, Format::flag},
    {"handled", "handled", [](C f) -> Cell { return f.handled; }, Format::flag},
    {"closed", "closed", [](C f) -> Cell { return f.closed; }, Format::flag},
    {"closed_at", "closed_at", [](C f) { return maybe(f.closed_at); }, Format::moment},
    {"due", "due", [](C f) -> Cell { return f.due; }, Format::flag},
    {"closed_on_time", "closed_on_time", [](C f) -> Cell { return f.closed_on_time; }, Format::flag},
    {"acceptance_due", "acceptance_due", [](C f) -> Cell { return f.acceptance_due; }, Format::flag},
    {"accepted_on_time", "accepted_on_time", [](C f) -> Cell { return f.accepted_on_time; }, Format::flag},
    {"reworked", "reworked", [](C f) -> Cell { return f.reworked; }, Format::flag},
    {"overdue", "overdue", [](C f) -> Cell { return f.overdue; }, Format::flag},
    {"overdue_colour", "overdue_colour",
     [](C f) -> Cell {
       if (!f.overdue_colour) return std::monostate{};
       return to_string(*f.overdue_colour);
     },
     Format::text},
    {"escalations", "escalations", [](C f) -> Cell { return static_cast<std::int64_t>(f.escalations); }},
    {"urged", "urged", [](C f) -> Cell { return f.urged; }, Format::flag},
    {"time_to_accept_s", "time_to_accept_s", [](C f) { return maybe(f.time_to_accept); }, Format::elapsed},
    {"time_to_resolve_s", "time_to_resolve_s", [](C f) { return maybe(f.time_to_resolve); }, Format::elapsed},
    {"rating", "rating", [](C f) { return maybe(f.rating); }},
};

using P = const TrendPoint&;
const TrendColumn kTrends[] = {
    {"start", "start", [](P p) -> Cell { return p.start; }, Format::moment},
    {"end", "end", [](P p) -> Cell { return p.end; }, Format::moment},
    {"", "date", [](P p) -> Cell { return p.start; }, Format::day},
    {"taken_in", "taken_in", [](P p) -> Cell { return p.taken_in; }},
    {"by_category", "by_category", [](P p) -> Cell { return std::span<const std::int64_t>(p.by_category); },
     Format::by_category},
    {"closed", "closed", [](P p) -> Cell { return p.closed; }},
    {"closed_on_time", "closed_on_time", [](P p) -> Cell { return p.closed_on_time; }},
    {"became_overdue", "became_overdue", [](P p) -> Cell { return p.became_overdue; }},
    {"became_overdue_yellow", "became_overdue_by_colour.yellow",
     [](P p) -> Cell { return p.became_overdue_by_colour[colour(Urgency::yellow)]; }},
    {"became_overdue_orange", "became_overdue_by_colour.orange",
     [](P p) -> Cell { return p.became_overdue_by_colour[colour(Urgency::orange)]; }},
    {"became_overdue_red", "became_overdue_by_colour.red",
     [](P p) -> Cell { return p.became_overdue_by_colour[colour(Urgency::red)]; }},
    {"escalations", "escalations", [](P p) -> Cell { return p.escalations; }},
    {"overdue_open", "overdue_open", [](P p) { return maybe(p.overdue_open); }},
};
}  // namespace

std::span<const FigureColumn> figure_columns() { return kFigures; }

std::span<const RowTable> row_tables() { return kRowTables; }

const RowTable* row_table(std::string_view name) {
  for (const auto& t : kRowTables)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<RowColumn> leading_columns(const RowTable& table) {
  return {{"id", "id", &code, Format::text},
          {"name", "name", &name, Format::text},
          {table.parent, table.parent, &parent, Format::text}};
}

std::vector<RowColumn> trailing_columns(const RowTable& table) {
  std::vector<RowColumn> out{kScore, kStars};
  if (table.ranked) out.insert(out.end(), std::begin(kRanking), std::end(kRanking));
  return out;
}

std::span<const FactColumn> fact_columns() { return kFacts; }

std::span<const TrendColumn> trend_columns() { return kTrends; }

}  // namespace gridkeeper::dispatch
