// The reporting service: the view each role gets, the rules (validation, loading through
// the Reports port), the reports as typed results, and the tallies that add cases up.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "dispatch/center.hpp"
#include "dispatch/reporting.hpp"
#include "dispatch/tally.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using testing::kDay;
using testing::kHour;
using testing::T0;
const Period kMonth{T0, T0 + 31 * kDay};
constexpr Millis kAsOf = T0 + 20 * kDay;

Actor actor(Role role, std::string scope = {}, std::string worker = {}) {
  return {1, "u", role, std::move(scope), std::move(worker)};
}

CaseEvent event(const Case& c, Millis at, std::string type, CaseState from, CaseState to, std::string reason = {}) {
  CaseEvent e;
  e.case_id = c.id;
  e.at = at;
  e.type = *event_type_from(type);
  e.from_state = from;
  e.to_state = to;
  if (e.type == EventType::escalated) {  // the one kind these histories hold: resolution missed at yellow
    e.deadline = Deadline::resolve;
    e.urgency_from = Urgency::yellow;
    e.urgency_to = Urgency::orange;
    e.tier_from = Tier::worker;
    e.tier_to = Tier::community;
  }
  e.reason = std::move(reason);
  return e;
}

// A case of the small city taken in at `at`: accepted an hour later, then closed, escalated
// or cancelled as asked.
enum class Fate { closed, escalated, cancelled, open };
CaseHistory story(CaseId id, const std::string& grid, const std::string& worker, Millis at, Fate fate,
                  std::string category = "environment") {
  CaseHistory h;
  Case& c = h.c;
  c.id = id;
  c.category = std::move(category);
  c.grid = grid;
  c.community = grid.rfind("G0-", 0) == 0 ? "C1" : "C2";
  c.street = "S";
  c.district = "D";
  c.assignee = worker;
  c.created_at = at;
  c.accept_by = at + kDay;
  c.resolve_by = at + 5 * kDay;
  c.state = CaseState::dispatched;
  h.events.push_back(event(c, at, "register", CaseState::reported, CaseState::dispatched));
  if (fate == Fate::cancelled) {
    h.events.push_back(event(c, at + kHour, "cancel", CaseState::dispatched, CaseState::cancelled));
    c.state = CaseState::cancelled;
    return h;
  }
  h.events.push_back(event(c, at + kHour, "accept", CaseState::dispatched, CaseState::accepted));
  c.state = CaseState::accepted;
  if (fate == Fate::escalated) {
    for (int i = 1; i <= 5; ++i)  // beyond the top the repeats count for nothing
      h.events.push_back(event(c, at + i * kDay, "escalated", CaseState::accepted, CaseState::accepted,
                               "not resolved in time: yellow -> orange, worker -> community"));
  }
  if (fate == Fate::closed) {
    h.events.push_back(event(c, at + 3 * kHour, "resolve", CaseState::accepted, CaseState::resolved));
    h.events.push_back(event(c, at + 4 * kHour, "close", CaseState::resolved, CaseState::closed));
    c.state = CaseState::closed;
  }
  return h;
}

std::vector<CaseHistory> month_history() {
  return {story(1, "G0-0", "W1", T0, Fate::closed),
          story(2, "G0-0", "W1", T0 + kDay, Fate::escalated),
          story(3, "G0-1", "W2", T0 + 2 * kDay, Fate::open, "safety_hazard"),
          story(4, "G1-0", "W4", T0 + 3 * kDay, Fate::closed),
          story(5, "G1-0", "W4", T0 + 4 * kDay, Fate::cancelled),
          story(6, "G0-1", "W2", T0 - kDay, Fate::closed)};  // before the period
}

// The Reports port in memory: the history filtered as storage filters it, settings by key.
class FakeReports final : public Reports {
 public:
  std::vector<CaseHistory> cases;
  std::optional<std::string> stored;
  std::vector<HistoryQuery> queries;

  Result<std::vector<CaseHistory>> history(const HistoryQuery& q) override {
    queries.push_back(q);
    std::vector<CaseHistory> out;
    for (const auto& h : cases) {
      const auto& c = h.c;
      if (c.created_at < q.from || c.created_at >= q.to) continue;
      if (!q.assignee.empty() && c.assignee != q.assignee) continue;
      if (!q.scope.empty() && c.grid != q.scope && c.community != q.scope && c.street != q.scope &&
          c.district != q.scope)
        continue;
      out.push_back(h);
    }
    return out;
  }
  // The records as storage keeps them: the histories folded whole, newest first.
  Status each_record(const HistoryQuery& q, const std::function<bool(const CaseRecord&)>& visit) override {
    auto found = history(q);
    std::sort(found->begin(), found->end(), [](const CaseHistory& x, const CaseHistory& y) {
      return x.c.created_at != y.c.created_at ? x.c.created_at > y.c.created_at : x.c.id > y.c.id;
    });
    for (const auto& h : *found)
      if (!visit(record_of(h, std::numeric_limits<Millis>::max()))) break;
    return std::nullopt;
  }
  Result<std::vector<Case>> requests(const RequestQuery&) override { return std::vector<Case>{}; }
  Result<std::optional<std::string>> setting(const std::string& key) override {
    if (key != kAssessmentSetting) return std::optional<std::string>{};
    return stored;
  }
  Status put_setting(const std::string&, const std::string& value, Millis, const std::string&) override {
    stored = value;
    return std::nullopt;
  }
  Result<ClientKey> add_client_key(ClientKey key) override { return key; }
  Result<std::vector<ClientKey>> client_keys() override { return std::vector<ClientKey>{}; }
  Result<std::optional<ClientKey>> find_client_key(const std::string&) override { return std::optional<ClientKey>{}; }
  Status revoke_client_key(std::int64_t, Millis, const std::string&) override { return std::nullopt; }
  Status each_audit(const AuditQuery&, const std::function<bool(const AuditRecord&)>&) override { return std::nullopt; }
};

// Stored settings in a format of the test's own: "min_cases N", or "unreadable".
Result<RulesChange> read_test_rules(std::string_view text) {
  if (text == "unreadable")
    return make_error(ErrorCode::storage_failed, "the stored assessment settings are unreadable");
  RulesChange change;
  change.min_cases = std::stoll(std::string(text.substr(text.find(' ') + 1)));
  return change;
}

struct Fixture {
  testing::MemoryLedger ledger;
  ManualClock clock{kAsOf};
  std::unique_ptr<Center> center;
  FakeReports reports;
  std::unique_ptr<Reporting> reporting;

  Fixture() {
    ledger.initial = testing::small_city();
    center = std::make_unique<Center>(ledger, clock);
    center->start();
    reports.cases = month_history();
    reporting = std::make_unique<Reporting>(*center, reports, &read_test_rules);
  }
};

ReportRequest request(std::string scope = {}) {
  ReportRequest r;
  r.scope = std::move(scope);
  r.period = kMonth;
  return r;
}

template <class T>
std::vector<std::string> codes(const std::vector<T>& list) {
  std::vector<std::string> out;
  for (const auto& x : list) {
    if constexpr (requires { x.code; }) out.push_back(x.code);
    else out.push_back(x.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}
using Codes = std::vector<std::string>;
}  // namespace

TEST_CASE("the view: what each role and scope may see", "[reporting]") {
  Fixture f;
  SECTION("an admin of the whole system sees everything") {
    auto v = f.reporting->view(actor(Role::admin), request());
    REQUIRE(v);
    CHECK(v->scope.empty());
    CHECK(v->query.scope.empty());
    CHECK(v->query.from == kMonth.from);
    CHECK(v->query.to == kMonth.to);
    CHECK(codes(v->org.jurisdictions) == Codes{"C1", "C2", "C3", "D", "S", "S2"});
    CHECK(codes(v->org.grids).size() == 6);
    CHECK(codes(v->org.workers) == Codes{"W1", "W2", "W3", "W4", "W5", "W6", "W7", "W9"});
  }
  SECTION("an operator sees its street; a narrower scope narrows the rows") {
    auto v = f.reporting->view(actor(Role::operator_, "S"), request());
    REQUIRE(v);
    CHECK(v->scope == "S");
    CHECK(v->query.scope == "S");
    CHECK(codes(v->org.jurisdictions) == Codes{"C1", "C2", "S"});
    CHECK(codes(v->org.workers) == Codes{"W1", "W2", "W3", "W4", "W5", "W6", "W7"});  // not W9 of S2
    auto c1 = f.reporting->view(actor(Role::operator_, "S"), request("C1"));
    REQUIRE(c1);
    CHECK(c1->scope == "C1");
    CHECK(codes(c1->org.jurisdictions) == Codes{"C1"});
    CHECK(codes(c1->org.grids) == Codes{"G0-0", "G0-1", "G0-2"});
    CHECK(codes(c1->org.workers) == Codes{"W1", "W2", "W3", "W7"});
    // Names of workers from elsewhere stay at hand for cases they handled here.
    CHECK(codes(c1->org.other_workers).size() == 8);
  }
  SECTION("a supervisor: a grid of its community narrows; wider or unknown scopes are refused") {
    auto grid = f.reporting->view(actor(Role::supervisor, "C1"), request("G0-0"));
    REQUIRE(grid);
    CHECK(grid->scope == "G0-0");
    CHECK(codes(grid->org.grids) == Codes{"G0-0"});
    CHECK(grid->org.jurisdictions.empty());

    auto wider = f.reporting->view(actor(Role::supervisor, "C1"), request("S"));
    REQUIRE_FALSE(wider);
    CHECK(wider.error().code == ErrorCode::forbidden);
    CHECK(wider.error().field == "scope");
    auto sideways = f.reporting->view(actor(Role::supervisor, "C1"), request("C2"));
    REQUIRE_FALSE(sideways);
    CHECK(sideways.error().code == ErrorCode::forbidden);
    // A grid outside the jurisdiction is not even admitted to exist.
    auto other_grid = f.reporting->view(actor(Role::supervisor, "C1"), request("G1-0"));
    REQUIRE_FALSE(other_grid);
    CHECK(other_grid.error().code == ErrorCode::not_found);
    auto unknown = f.reporting->view(actor(Role::supervisor, "C1"), request("NOWHERE"));
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == ErrorCode::not_found);
    CHECK(unknown.error().field == "scope");
  }
  SECTION("a worker sees its own row and cases, whatever scope it asks for") {
    auto v = f.reporting->view(actor(Role::worker, {}, "W1"), request("D"));
    REQUIRE(v);
    CHECK(v->scope.empty());
    CHECK(v->query.assignee == "W1");
    CHECK(v->query.scope.empty());
    CHECK(codes(v->org.workers) == Codes{"W1"});
    CHECK(v->org.jurisdictions.empty());
    CHECK(v->org.grids.empty());
    auto unlinked = f.reporting->view(actor(Role::worker), request());
    REQUIRE_FALSE(unlinked);
    CHECK(unlinked.error().code == ErrorCode::forbidden);
  }
}

TEST_CASE("the reports: the view's cases added up into typed results", "[reporting]") {
  Fixture f;
  SECTION("the assessment of a community: its rows, its cases, the stored rules") {
    f.reports.stored = "min_cases 2";
    auto r = f.reporting->assessment(actor(Role::operator_, "D"), request("C1"), kAsOf);
    REQUIRE(r);
    CHECK(r->scope == "C1");
    CHECK(r->rules.min_cases == 2);
    CHECK(f.reports.queries.back().scope == "C1");
    const auto& a = r->assessment;
    CHECK(a.as_of == kAsOf);
    CHECK(a.total.cases == 3);  // 1, 2, 3; 6 is older, 4 and 5 are in C2
    CHECK(a.total.closed == 1);
    CHECK(a.total.escalations == 3);  // case 2's first three
    CHECK(codes(a.communities) == Codes{"C1"});
    CHECK(codes(a.grids) == Codes{"G0-0", "G0-1", "G0-2"});
    // W2 has one assessed case: fewer than min_cases, so no score.
    for (const auto& w : a.workers)
      if (w.code == "W2") CHECK_FALSE(w.score);
    auto cases = f.reporting->case_facts(actor(Role::operator_, "D"), request("C1"), kAsOf);
    REQUIRE(cases);
    REQUIRE(cases->cases.size() == 3);
    CHECK(cases->cases.front().id == 3);  // newest first
  }
  SECTION("a worker's report holds its own cases only") {
    auto r = f.reporting->assessment(actor(Role::worker, {}, "W4"), request(), kAsOf);
    REQUIRE(r);
    CHECK(r->assessment.total.cases == 1);
    CHECK(r->assessment.total.cancelled == 1);
    CHECK(codes(r->assessment.workers) == Codes{"W4"});
  }
  SECTION("the per-case table needs no rules") {
    f.reports.stored = "unreadable";
    auto refused = f.reporting->assessment(actor(Role::admin), request(), kAsOf);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::storage_failed);
    auto cases = f.reporting->case_facts(actor(Role::admin), request(), kAsOf);
    REQUIRE(cases);
    REQUIRE(cases->cases.size() == 5);
    CHECK(cases->cases.front().id == 5);
    CHECK(cases->cases.back().id == 1);
  }
  SECTION("trends: categories with their names, buckets, counted escalations") {
    auto r = f.reporting->trends(actor(Role::operator_, "S"), request(), kAsOf);
    REQUIRE(r);
    CHECK(r->as_of == kAsOf);
    CHECK(r->trends.categories == Codes{"environment", "safety_hazard"});
    CHECK(r->category_names == Codes{"环境卫生", "安全隐患"});
    std::int64_t taken_in = 0, escalations = 0;
    for (const auto& p : r->trends.points) taken_in += p.taken_in, escalations += p.escalations;
    CHECK(taken_in == 4);  // the cancelled case left out
    CHECK(escalations == 3);
  }
  SECTION("a refused view reads nothing") {
    CHECK_FALSE(f.reporting->trends(actor(Role::supervisor, "C1"), request("S"), kAsOf));
    CHECK(f.reports.queries.empty());
  }
}

TEST_CASE("the assessment rules: a change is checked value by value", "[reporting][rules]") {
  const AssessmentRules base;
  auto refused = [&](const RulesChange& c, const std::string& field) {
    auto r = apply_change(base, c);
    INFO(field);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_value);
    CHECK(r.error().field == field);
  };
  for (double bad : {-1.0, 1000.5, std::nan("")}) {
    RulesChange c;
    c.weights[1] = bad;
    refused(c, "weights.on_time_closure_rate");
  }
  RulesChange zero;
  zero.weights.fill(0.0);
  refused(zero, "weights");
  RulesChange falling;
  falling.star_thresholds = std::array<double, 4>{90, 80, 70, 60};
  refused(falling, "star_thresholds");
  RulesChange equal;
  equal.star_thresholds = std::array<double, 4>{60, 60, 70, 80};
  refused(equal, "star_thresholds");
  RulesChange above;
  above.star_thresholds = std::array<double, 4>{10, 20, 30, 100.5};
  refused(above, "star_thresholds");
  for (std::int64_t n : {-1LL, 100'001LL}) {
    RulesChange c;
    c.min_cases = n;
    refused(c, "min_cases");
  }
  for (std::int64_t n : {1LL, 1001LL, 4'294'967'298LL}) {  // the last would wrap to 2 as an int
    RulesChange c;
    c.bottom_min_communities = n;
    refused(c, "bottom_min_communities");
  }

  // What the change names replaces; the rest is kept. One weight above 0 is enough.
  RulesChange ok;
  ok.weights.fill(0.0);
  ok.weights[5] = 1000;
  ok.star_thresholds = std::array<double, 4>{0, 1, 2, 100};
  ok.min_cases = 0;
  auto r = apply_change(base, ok);
  REQUIRE(r);
  CHECK(r->weights.satisfaction == 1000);
  CHECK(r->weights.closure_rate == 0);
  CHECK(r->star_thresholds[3] == 100);
  CHECK(r->min_cases == 0);
  CHECK(r->bottom_min_communities == 3);
  CHECK(apply_change(base, RulesChange{})->weights.on_time_closure_rate == 30);

  // Every weight is named once, in the settings' order.
  std::set<std::string_view> names;
  for (const auto& w : weight_fields()) names.insert(w.name);
  CHECK(names.size() == kWeightCount);
  CHECK(weight_fields()[0].name == "closure_rate");
  CHECK(weight_fields()[5].name == "satisfaction");
}

TEST_CASE("the assessment rules are loaded through the Reports port", "[reporting][rules]") {
  FakeReports reports;
  auto none = load_rules(reports, &read_test_rules);
  REQUIRE(none);
  CHECK(none->min_cases == AssessmentRules{}.min_cases);
  reports.stored = "min_cases 5";
  CHECK(load_rules(reports, &read_test_rules)->min_cases == 5);
  reports.stored = "min_cases -5";  // stored values are judged like a request's
  auto bad = load_rules(reports, &read_test_rules);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "min_cases");
  reports.stored = "unreadable";
  CHECK(load_rules(reports, &read_test_rules).error().code == ErrorCode::storage_failed);
}

TEST_CASE("the tallies add facts up as the replay of whole histories does", "[reporting][tally]") {
  const auto history = month_history();
  const auto city = testing::small_city();
  Organisation org;
  org.jurisdictions = city.jurisdictions;
  org.grids = city.grids;
  org.workers = city.workers;

  // Fed in any order, with cases outside the period: the tally keeps to the period.
  AssessmentTally tally(kMonth, kAsOf);
  for (auto it = history.rbegin(); it != history.rend(); ++it) tally.add(facts_of(*it, kAsOf));
  const auto fed = std::move(tally).finish(org, AssessmentRules{});
  const auto replayed = assess(history, org, AssessmentRules{}, kMonth, kAsOf);
  CHECK(fed.total.cases == replayed.total.cases);
  CHECK(fed.total.on_time_closure_rate == replayed.total.on_time_closure_rate);
  REQUIRE(fed.communities.size() == replayed.communities.size());
  for (std::size_t i = 0; i < fed.communities.size(); ++i) {
    CHECK(fed.communities[i].code == replayed.communities[i].code);
    CHECK(fed.communities[i].score == replayed.communities[i].score);
    CHECK(fed.communities[i].rank == replayed.communities[i].rank);
  }

  TrendTally trend(kMonth, Bucket::week, kAsOf);
  for (const auto& h : history) trend.add(summary_of(h, kAsOf));
  const auto t = std::move(trend).finish();
  const auto u = trends(history, kMonth, Bucket::week, kAsOf);
  CHECK(t.categories == u.categories);
  REQUIRE(t.points.size() == u.points.size());
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    INFO(i);
    CHECK(t.points[i].taken_in == u.points[i].taken_in);
    CHECK(t.points[i].by_category == u.points[i].by_category);
    CHECK(t.points[i].escalations == u.points[i].escalations);
    CHECK(t.points[i].overdue_open == u.points[i].overdue_open);
  }

  // A summary counts a case's first three escalations only, up to as_of.
  CHECK(summary_of(history[1], kAsOf).escalated_at.size() == 3);
  CHECK(summary_of(history[1], T0 + kDay + 2 * kDay + kHour).escalated_at.size() == 2);
}
