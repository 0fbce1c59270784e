#include "dispatch/reporting.hpp"

#include <algorithm>
#include <map>
#include <thread>
#include <unordered_map>

#include "dispatch/tally.hpp"

namespace gridkeeper::dispatch {

dispatch::Result<View> view_of(const dispatch::Center& center, Reports& reports, const dispatch::Actor& actor,
                               const ReportRequest& r) {
  View v;
  v.query.from = r.period.from;
  v.query.to = r.period.to;
  // Each case where it was at the period's end: a redraw since then does not move it.
  if (r.period.to > r.period.from) v.query.places_at = r.period.to - 1;
  // Who sees which figures is the access policy's (dispatch/access.hpp).
  auto grids = center.grids(actor);
  const bool known =
      !r.scope.empty() && (center.jurisdiction(r.scope) ||
                           std::any_of(grids.begin(), grids.end(), [&](const auto& g) { return g.code == r.scope; }));
  auto view = center.report_view(actor, r.scope, known);
  if (!view) return view.error();
  if (!view->assignee.empty()) {
    v.query.assignee = view->assignee;
    v.org.workers = center.workers(actor);
    return v;
  }
  v.scope = view->scope;
  v.query.scope = v.scope;
  auto inside = [&](const std::string& code) { return v.scope.empty() || center.in_scope(v.scope, code); };
  for (auto& j : center.jurisdictions(actor))
    if (inside(j.code)) v.org.jurisdictions.push_back(std::move(j));
  // A period is reported on the grids of its time: those in force at its end, when a
  // redraw has replaced them since (the grids no longer in force keep their rows).
  if (r.period.to > r.period.from) {
    auto past = reports.replaced_grids(r.period.to - 1);
    if (!past) return past.error();
    if (*past) grids = std::move(**past);
  }
  if (v.scope.empty()) v.org.grids = std::move(grids);
  else
    for (auto& g : grids)
      if (inside(g.code)) v.org.grids.push_back(std::move(g));
  for (auto& w : center.workers(actor))
    if (inside(w.community)) v.org.workers.push_back(std::move(w));
  // Names of workers from elsewhere (an emergency pool, a moved worker) who handled cases here.
  v.org.other_workers = center.workers(dispatch::Actor{});
  return v;
}

namespace {
using W = AssessmentRules::Weights;
const WeightField kWeights[kWeightCount] = {{"closure_rate", &W::closure_rate},
                                            {"on_time_closure_rate", &W::on_time_closure_rate},
                                            {"on_time_acceptance_rate", &W::on_time_acceptance_rate},
                                            {"rework", &W::rework},
                                            {"deferral", &W::deferral},
                                            {"satisfaction", &W::satisfaction}};
}  // namespace

// ---- the assessment rules ----

std::span<const WeightField, kWeightCount> weight_fields() { return kWeights; }

Result<AssessmentRules> apply_change(AssessmentRules r, const RulesChange& change) {
  double sum = 0;
  for (std::size_t i = 0; i < kWeightCount; ++i) {
    double& weight = r.weights.*kWeights[i].member;
    if (const auto& n = change.weights[i]) {
      const std::string field = "weights." + std::string(kWeights[i].name);
      if (!(*n >= 0 && *n <= 1000)) return make_error(ErrorCode::invalid_value, field + " must be 0 to 1000", field);
      weight = *n;
    }
    sum += weight;
  }
  if (change.star_thresholds) {
    const auto& t = *change.star_thresholds;
    for (std::size_t i = 0; i < t.size(); ++i)
      if (!(t[i] >= 0 && t[i] <= 100) || (i > 0 && !(t[i] > t[i - 1])))
        return make_error(ErrorCode::invalid_value, "star_thresholds must rise strictly within 0 to 100 points",
                          "star_thresholds");
    r.star_thresholds = t;
  }
  if (const auto& n = change.min_cases) {
    if (*n < 0 || *n > 100'000)
      return make_error(ErrorCode::invalid_value, "min_cases must be 0 to 100000", "min_cases");
    r.min_cases = *n;
  }
  if (const auto& n = change.bottom_min_communities) {
    if (*n < 2 || *n > 1000)
      return make_error(ErrorCode::invalid_value, "bottom_min_communities must be 2 to 1000", "bottom_min_communities");
    r.bottom_min_communities = static_cast<int>(*n);
  }
  if (sum <= 0) return make_error(ErrorCode::invalid_value, "at least one weight must be above 0", "weights");
  return r;
}

Result<AssessmentRules> load_rules(Reports& reports, const RulesReader& read) {
  auto text = reports.setting(std::string(kAssessmentSetting));
  if (!text) return text.error();
  if (!*text) return AssessmentRules{};
  auto change = read(**text);
  if (!change) return change.error();
  return apply_change({}, *change);
}

// ---- reports ----

Reporting::Reporting(const Center& center, Reports& reports, RulesReader read_rules)
    : center_(center), reports_(reports), read_rules_(std::move(read_rules)) {}

Result<View> Reporting::view(const Actor& actor, const ReportRequest& request) const {
  return view_of(center_, reports_, actor, request);
}

Result<AssessmentRules> Reporting::rules() const { return load_rules(reports_, read_rules_); }

Status Reporting::each_case(const Actor& actor, const HistoryQuery& query, Millis as_of,
                            const std::function<bool(const CaseSummary&)>& visit) const {
  // Who may see a case turns on its grid or its assignee alone, or on nothing
  // (dispatch/access.hpp): the center is asked once per grid or assignee, not per case.
  const Sight sight = sight_of(actor);
  std::unordered_map<std::string, bool> seen_by;
  Case seen;
  CaseSummary summary;
  return reports_.each_record(query, [&](const CaseRecord& r) {
    if (sight != Sight::everything) {
      const std::string& key = sight == Sight::by_grid ? r.grid : r.assignee;
      auto it = seen_by.find(key);
      if (it == seen_by.end()) {
        seen.grid = r.grid;
        seen.community = r.community;
        seen.street = r.street;
        seen.district = r.district;
        seen.assignee = r.assignee;
        it = seen_by.emplace(key, center_.case_visible(seen, actor)).first;
      }
      if (!it->second) return true;
    }
    summary_into(r, as_of, summary);
    return visit(summary);
  });
}

namespace {
// A period's reading cut in spans of equal length, each read on a thread of its own (the
// first on the caller's) into a tally of its own; the first error is the answer. Periods
// shorter than two days are read whole. Only the query is cut: the view's organisation is
// not copied per part.
Status in_parts(const HistoryQuery& whole, std::size_t parts,
                const std::function<Status(const HistoryQuery&, std::size_t)>& read) {
  const Millis span = whole.to - whole.from;
  if (span < 2 * 24LL * 3600 * 1000) parts = 1;
  std::vector<HistoryQuery> spans(parts, whole);
  for (std::size_t i = 0; i < parts; ++i) {
    spans[i].from = whole.from + span * static_cast<Millis>(i) / static_cast<Millis>(parts);
    spans[i].to =
        i + 1 == parts ? whole.to : whole.from + span * static_cast<Millis>(i + 1) / static_cast<Millis>(parts);
  }
  std::vector<Status> results(parts);
  auto run = [&](std::size_t i) {
    try {
      results[i] = read(spans[i], i);
    } catch (const std::exception& e) {
      results[i] = make_error(ErrorCode::storage_failed, std::string("reading the period failed: ") + e.what());
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < parts; ++i) threads.emplace_back(run, i);
  run(0);
  for (auto& t : threads) t.join();
  for (auto& r : results)
    if (r) return r;
  return std::nullopt;
}
}  // namespace

Result<AssessmentReport> Reporting::assessment(const Actor& actor, const ReportRequest& request, Millis now) const {
  auto view = view_of(center_, reports_, actor, request);
  if (!view) return view.error();
  auto rules = this->rules();
  if (!rules) return rules.error();
  std::vector<AssessmentTally> tallies(kReadThreads, AssessmentTally(request.period, now));
  if (auto e = in_parts(view->query, kReadThreads, [&](const HistoryQuery& part, std::size_t i) {
        return each_case(actor, part, now, [&](const CaseSummary& c) {
          tallies[i].add(c.facts);
          return true;
        });
      }))
    return *e;
  for (std::size_t i = 1; i < tallies.size(); ++i) tallies[0].merge(std::move(tallies[i]));
  return AssessmentReport{view->scope, *rules, std::move(tallies[0]).finish(view->org, *rules)};
}

Status Reporting::each_case_fact(const Actor& actor, const ReportRequest& request, Millis now,
                                 const std::function<bool(const CaseFacts&)>& visit) const {
  auto view = view_of(center_, reports_, actor, request);
  if (!view) return view.error();
  const Period period = request.period;
  return each_case(actor, view->query, now, [&](const CaseSummary& c) {
    if (c.facts.taken_in_at < period.from || c.facts.taken_in_at >= period.to) return true;
    return visit(c.facts);
  });
}

Result<CaseFactsReport> Reporting::case_facts(const Actor& actor, const ReportRequest& request, Millis now) const {
  auto view = view_of(center_, reports_, actor, request);
  if (!view) return view.error();
  CaseFactsReport report{view->scope, request.period, {}};
  bool too_many = false;
  if (auto e = each_case_fact(actor, request, now, [&](const CaseFacts& f) {
        if (report.cases.size() >= kMaxCaseFacts) return !(too_many = true);
        report.cases.push_back(f);
        return true;
      }))
    return *e;
  if (too_many)
    return make_error(ErrorCode::too_large, "the period holds more than " + std::to_string(kMaxCaseFacts) +
                                                " cases, more than one list holds; choose a shorter period or a "
                                                "smaller scope");
  return report;
}

Result<TrendReport> Reporting::trends(const Actor& actor, const ReportRequest& request, Millis now) const {
  auto view = view_of(center_, reports_, actor, request);
  if (!view) return view.error();
  std::vector<TrendTally> tallies(kReadThreads, TrendTally(request.period, request.bucket, now));
  if (auto e = in_parts(view->query, kReadThreads, [&](const HistoryQuery& part, std::size_t i) {
        return each_case(actor, part, now, [&](const CaseSummary& c) {
          tallies[i].add(c);
          return true;
        });
      }))
    return *e;
  for (std::size_t i = 1; i < tallies.size(); ++i) tallies[0].merge(std::move(tallies[i]));
  TrendReport report{view->scope, now, std::move(tallies[0]).finish(), {}};
  std::map<std::string, std::string> names;
  for (const auto& c : center_.categories()) names[c.id] = c.name;
  for (const auto& id : report.trends.categories) {
    auto it = names.find(id);
    report.category_names.push_back(it == names.end() ? id : it->second);
  }
  return report;
}

}  // namespace gridkeeper::dispatch
