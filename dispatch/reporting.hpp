#pragma once
// The reporting service: what the assessment and trend reports show a user. Given the
// actor and a request it decides the view (the cases and the rows the actor may see), loads
// the assessment rules through the Reports port, reads the cases and adds them up into
// typed results; the web layer only parses requests and encodes the answers (JSON, CSV).
// Every call may block on storage: keep it off network threads.
#include <array>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/assessment.hpp"
#include "dispatch/center.hpp"
#include "dispatch/errors.hpp"
#include "dispatch/reports.hpp"

namespace gridkeeper::dispatch {

struct ReportRequest {
  std::string scope;  // empty: the actor's own scope
  Period period;
  Bucket bucket = Bucket::day;  // trends
};

// What the actor's report covers: the cases and the rows of its tables.
struct View {
  std::string scope;
  HistoryQuery query;
  Organisation org;
};

// The view of an actor: a worker sees its own cases and row, whatever the scope asked for;
// others their jurisdiction, or the part of it that `r.scope` names (not_found for an
// unknown code, forbidden for one outside the jurisdiction). A period whose grids a redraw
// has replaced since lists the grids of its time (Reports::replaced_grids).
Result<View> view_of(const Center& center, Reports& reports, const Actor& actor, const ReportRequest& r);

// ---- the assessment rules ----

// The settings key the rules are stored under (JSON text; defaults when none is stored).
inline constexpr std::string_view kAssessmentSetting = "assessment";

// The weights by name, in the order the settings list them.
struct WeightField {
  std::string_view name;
  double AssessmentRules::Weights::*member;
};
inline constexpr std::size_t kWeightCount = 6;
std::span<const WeightField, kWeightCount> weight_fields();

// A change of the rules, as a request or the stored settings name it: what is given
// replaces, the rest is kept. Only the shape is the reader's; values are judged here.
struct RulesChange {
  std::array<std::optional<double>, kWeightCount> weights;  // in the order of weight_fields()
  std::optional<std::array<double, 4>> star_thresholds;
  std::optional<std::int64_t> min_cases;
  std::optional<std::int64_t> bottom_min_communities;
};

// `base` with the change applied, every value checked: weights 0-1000 and at least one above
// 0, star thresholds rising strictly within 0-100, min_cases 0-100000,
// bottom_min_communities 2-1000 (invalid_value, naming the field).
Result<AssessmentRules> apply_change(AssessmentRules base, const RulesChange& change);

// Reads stored settings text into a change of the defaults. The text is the web layer's
// JSON; text it cannot read at all is storage_failed.
using RulesReader = std::function<Result<RulesChange>(std::string_view text)>;

// The rules in force: the stored settings applied to the defaults (blocking).
Result<AssessmentRules> load_rules(Reports& reports, const RulesReader& read);

// ---- reports ----

struct AssessmentReport {
  std::string scope;  // empty: everything
  AssessmentRules rules;
  Assessment assessment;
};

// The cases of the period in view with what each contributed, newest first.
inline constexpr std::size_t kMaxCaseFacts = 200'000;
struct CaseFactsReport {
  std::string scope;
  Period period;
  std::vector<CaseFacts> cases;
};

struct TrendReport {
  std::string scope;
  Millis as_of = 0;
  Trends trends;
  std::vector<std::string> category_names;  // by trends.categories; the id when the category is gone
};

class Reporting {
 public:
  Reporting(const Center& center, Reports& reports, RulesReader read_rules);

  Result<View> view(const Actor& actor, const ReportRequest& request) const;
  Result<AssessmentRules> rules() const;

  Result<AssessmentReport> assessment(const Actor& actor, const ReportRequest& request, Millis now) const;
  // The case table: what each case of the view contributed, newest first, handed to `visit`
  // one at a time (it returns false to stop). An error of the view (forbidden, not_found)
  // comes before any visit; a storage error may come after some.
  Status each_case_fact(const Actor& actor, const ReportRequest& request, Millis now,
                        const std::function<bool(const CaseFacts&)>& visit) const;
  // The same, collected (at most kMaxCaseFacts cases, or too_large).
  Result<CaseFactsReport> case_facts(const Actor& actor, const ReportRequest& request, Millis now) const;
  Result<TrendReport> trends(const Actor& actor, const ReportRequest& request, Millis now) const;

 private:
  // The assessment and the trends read a period in this many spans at once, one thread each.
  static constexpr std::size_t kReadThreads = 2;

  // Hands each case of the view that the actor may see to `visit`, judged as of `as_of`,
  // newest first, from the rows storage keeps per case (Reports::each_record). The summary
  // is lent for the call; `visit` returns false to stop.
  Status each_case(const Actor& actor, const HistoryQuery& query, Millis as_of,
                   const std::function<bool(const CaseSummary&)>& visit) const;

  const Center& center_;
  Reports& reports_;
  RulesReader read_rules_;
};

}  // namespace gridkeeper::dispatch
