#include "dispatch/reporting.hpp"

#include <algorithm>
#include <map>

#include "dispatch/tally.hpp"

namespace gridkeeper::dispatch {

dispatch::Result<View> view_of(const dispatch::Center& center, const dispatch::Actor& actor, const ReportRequest& r) {
  View v;
  v.query.from = r.period.from;
  v.query.to = r.period.to;
  // Who sees which figures is the access policy's (dispatch/access.hpp).
  const auto grids = center.grids(actor);
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
  for (const auto& g : grids)
    if (inside(g.code)) v.org.grids.push_back(g);
  for (auto& w : center.workers(actor))
    if (inside(w.community)) v.org.workers.push_back(std::move(w));
  // Names of workers from elsewhere (an emergency pool, a moved worker) who handled cases here.
  v.org.other_workers = center.workers(dispatch::Actor{});
  return v;
}

namespace {
dispatch::Result<std::vector<dispatch::CaseHistory>> visible_history(const dispatch::Center& center,
                                                                     dispatch::Reports& reports,
                                                                     const dispatch::Actor& actor, const View& v) {
  auto history = reports.history(v.query);
  if (!history) return history.error();
  std::erase_if(*history, [&](const dispatch::CaseHistory& h) { return !center.case_visible(h.c, actor); });
  return history;
}

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
  return view_of(center_, actor, request);
}

Result<AssessmentRules> Reporting::rules() const { return load_rules(reports_, read_rules_); }

Status Reporting::each_case(const Actor& actor, const View& view, Millis as_of,
                            const std::function<void(CaseSummary&&)>& visit) const {
  auto history = visible_history(center_, reports_, actor, view);
  if (!history) return history.error();
  for (const auto& h : *history) visit(summary_of(h, as_of));
  return std::nullopt;
}

Result<AssessmentReport> Reporting::assessment(const Actor& actor, const ReportRequest& request, Millis now) const {
  auto view = view_of(center_, actor, request);
  if (!view) return view.error();
  auto rules = this->rules();
  if (!rules) return rules.error();
  AssessmentTally tally(request.period, now);
  if (auto e = each_case(actor, *view, now, [&](CaseSummary&& c) { tally.add(std::move(c.facts)); })) return *e;
  return AssessmentReport{view->scope, *rules, std::move(tally).finish(view->org, *rules)};
}

Result<CaseFactsReport> Reporting::case_facts(const Actor& actor, const ReportRequest& request, Millis now) const {
  auto view = view_of(center_, actor, request);
  if (!view) return view.error();
  AssessmentTally tally(request.period, now);
  if (auto e = each_case(actor, *view, now, [&](CaseSummary&& c) { tally.add(std::move(c.facts)); })) return *e;
  return CaseFactsReport{view->scope, request.period, std::move(tally).cases()};
}

Status Reporting::each_case_fact(const Actor& actor, const ReportRequest& request, Millis now,
                                 const std::function<bool(const CaseFacts&)>& visit) const {
  auto report = case_facts(actor, request, now);
  if (!report) return report.error();
  for (const auto& f : report->cases)
    if (!visit(f)) break;
  return std::nullopt;
}

Result<TrendReport> Reporting::trends(const Actor& actor, const ReportRequest& request, Millis now) const {
  auto view = view_of(center_, actor, request);
  if (!view) return view.error();
  TrendTally tally(request.period, request.bucket, now);
  if (auto e = each_case(actor, *view, now, [&](CaseSummary&& c) { tally.add(c); })) return *e;
  TrendReport report{view->scope, now, std::move(tally).finish(), {}};
  std::map<std::string, std::string> names;
  for (const auto& c : center_.categories()) names[c.id] = c.name;
  for (const auto& id : report.trends.categories) {
    auto it = names.find(id);
    report.category_names.push_back(it == names.end() ? id : it->second);
  }
  return report;
}

}  // namespace gridkeeper::dispatch
