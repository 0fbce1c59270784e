#include <algorithm>
#include <catch2/catch.hpp>

#include "dispatch/assessment.hpp"
#include "dispatch/center.hpp"
#include "dispatch/escalation.hpp"
#include "dispatch/events.hpp"
#include "same_figures.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {
using testing::kDay;
using testing::kHour;
using testing::kMinute;
using testing::T0;

// Builds one case's history event by event, as the center would have written it.
struct Story {
  CaseHistory h;
  Story(CaseId id, const std::string& worker, const std::string& grid, const std::string& community, Millis at,
        Urgency u = Urgency::yellow) {
    h.c.id = id;
    h.c.category = id % 2 ? "environment" : "safety_hazard";
    h.c.assignee = worker;
    h.c.grid = grid;
    h.c.community = community;
    h.c.street = community == "C3" ? "S2" : "S";
    h.c.district = "D";
    h.c.urgency = u;
    h.c.created_at = at;
    h.c.state = CaseState::dispatched;
    h.c.accept_by = at + kDay;
    h.c.resolve_by = at + 5 * kDay;
    add(at, EventType::created, CaseState::reported, CaseState::reported);
    add(at, EventType::register_case, CaseState::reported, CaseState::dispatched);
  }
  Story& add(Millis at, EventType type, CaseState from, CaseState to, std::string reason = {}) {
    CaseEvent e;
    e.seq = static_cast<std::int64_t>(h.events.size()) + 1;
    e.case_id = h.c.id;
    e.at = at;
    e.type = type;
    e.from_state = from;
    e.to_state = to;
    e.assignee = h.c.assignee;
    e.reason = std::move(reason);
    h.events.push_back(e);
    h.c.state = to;
    return *this;
  }
  Story& accept(Millis at) { return add(at, EventType::accept, CaseState::dispatched, CaseState::accepted); }
  Story& resolve(Millis at) { return add(at, EventType::resolve, CaseState::accepted, CaseState::resolved); }
  Story& reopen(Millis at) {
    add(at, EventType::reopen, CaseState::resolved, CaseState::dispatched);
    return typed([](CaseEvent& e) { e.rework = 1; });
  }
  Story& close(Millis at) { return add(at, EventType::close, CaseState::resolved, CaseState::closed); }
  Story& cancel(Millis at) { return add(at, EventType::cancel, h.c.state, CaseState::cancelled); }
  Story& rate(Millis at, int score) {
    add(at, EventType::rated, CaseState::closed, CaseState::closed);
    return typed([score](CaseEvent& e) { e.score = score; });
  }
  // A missed deadline: colour and tier from and to.
  Story& escalate(Millis at, Deadline missed, Urgency from, Urgency to, Tier tier_from, Tier tier_to) {
    add(at, EventType::escalated, h.c.state, h.c.state);
    return typed([=](CaseEvent& e) {
      e.deadline = missed;
      e.urgency_from = from, e.urgency_to = to;
      e.tier_from = tier_from, e.tier_to = tier_to;
    });
  }
  // Sets the last event's typed fields, and its words from them as the center would.
  template <class F>
  Story& typed(F set) {
    set(h.events.back());
    h.events.back().reason = reason_of(h.events.back());
    return *this;
  }
};

// The fixed history of the tests, in the small city (street S: C1 with G0-0 and G0-1,
// C2 with G1-0; street S2: C3 without cases).
std::vector<CaseHistory> fixed_history() {
  std::vector<CaseHistory> out;
  // 1: on time all the way, rated 5.
  out.push_back(Story(1, "W1", "G0-0", "C1", T0)
                    .accept(T0 + kHour)
                    .resolve(T0 + 10 * kHour)
                    .close(T0 + 12 * kHour)
                    .rate(T0 + 13 * kHour, 5)
                    .h);
  // 2: reworked once, closed on time, rated 3.
  const Millis t2 = T0 + kDay;
  out.push_back(Story(2, "W1", "G0-0", "C1", t2)
                    .accept(t2 + 2 * kHour)
                    .resolve(t2 + 20 * kHour)
                    .reopen(t2 + 22 * kHour)
                    .accept(t2 + 23 * kHour)
                    .resolve(t2 + 30 * kHour)
                    .close(t2 + 31 * kHour)
                    .rate(t2 + 32 * kHour, 3)
                    .h);
  // 3: not accepted in time (escalated while dispatched), then handled and closed late.
  const Millis t3 = T0 + 2 * kDay;
  out.push_back(
      Story(3, "W1", "G0-1", "C1", t3)
          .escalate(t3 + 24 * kHour, Deadline::accept, Urgency::yellow, Urgency::orange, Tier::worker, Tier::community)
          .accept(t3 + 25 * kHour)
          .resolve(t3 + 40 * kHour)
          .close(t3 + 41 * kHour)
          .h);
  // 4: deferred: counts only as a case and a deferral, not even its rating.
  const Millis t4 = T0 + 3 * kDay;
  Story s4(4, "W2", "G0-1", "C1", t4, Urgency::orange);
  s4.accept(t4 + kHour)
      .add(t4 + 2 * kHour, EventType::defer, CaseState::accepted, CaseState::accepted, "waiting for parts");
  s4.add(t4 + 50 * kHour, EventType::resume, CaseState::accepted, CaseState::accepted)
      .resolve(t4 + 60 * kHour)
      .close(t4 + 61 * kHour)
      .rate(t4 + 62 * kHour, 1);
  s4.h.c.deferred = true;
  out.push_back(s4.h);
  // 5: red, accepted at once, not resolved in time, still open.
  const Millis t5 = T0 + 4 * kDay;
  Story s5(5, "W2", "G0-1", "C1", t5, Urgency::red);
  s5.accept(t5 + 10 * kMinute)
      .escalate(t5 + 4 * kHour + 10 * kMinute, Deadline::resolve, Urgency::red, Urgency::red, Tier::worker,
                Tier::community);
  s5.h.c.resolve_by = t5 + 8 * kHour + 10 * kMinute;
  s5.h.c.urgency = Urgency::red;
  out.push_back(s5.h);
  // 6: cancelled (a duplicate): counts nowhere but in `cancelled`.
  const Millis t6 = T0 + 5 * kDay;
  out.push_back(Story(6, "W4", "G1-0", "C2", t6).cancel(t6 + kHour).h);
  // 7: taken in 23 hours before the figures are taken: nothing is due yet.
  out.push_back(Story(7, "W4", "G1-0", "C2", T0 + 29 * kDay + kHour).h);
  // 8: on time, rated 4.
  const Millis t8 = T0 + 6 * kDay;
  out.push_back(Story(8, "W4", "G1-0", "C2", t8)
                    .accept(t8 + 3 * kHour)
                    .resolve(t8 + 2 * kDay)
                    .close(t8 + 2 * kDay + kHour)
                    .rate(t8 + 2 * kDay + 2 * kHour, 4)
                    .h);
  // 9: taken in before the period: left out.
  out.push_back(Story(9, "W1", "G0-0", "C1", T0 - kDay).accept(T0 - kDay + kHour).h);
  return out;
}

Organisation small_organisation() {
  const auto city = testing::small_city();
  Organisation org;
  org.jurisdictions = city.jurisdictions;
  org.grids = city.grids;
  org.workers = city.workers;
  return org;
}

const Period kQuarter{T0, T0 + 90 * kDay};
constexpr Millis kAsOf = T0 + 30 * kDay;

const AssessmentRow& row(const std::vector<AssessmentRow>& rows, const std::string& code) {
  for (const auto& r : rows)
    if (r.code == code) return r;
  FAIL("no row " << code);
  return rows.front();
}
}  // namespace

TEST_CASE("each case's facts are read from its events", "[assessment]") {
  const auto history = fixed_history();
  auto f = [&](CaseId id) { return facts_of(history[static_cast<std::size_t>(id - 1)], kAsOf); };

  const auto c1 = f(1);
  CHECK(c1.handled);
  CHECK(c1.closed);
  CHECK(c1.due);
  CHECK(c1.closed_on_time);
  CHECK(c1.accepted_on_time);
  CHECK(*c1.time_to_accept == kHour);
  CHECK(*c1.time_to_resolve == 10 * kHour);
  CHECK(*c1.rating == 5);

  const auto c2 = f(2);
  CHECK(c2.reworked);
  CHECK(c2.closed_on_time);
  CHECK(*c2.time_to_accept == 2 * kHour);    // the first acceptance
  CHECK(*c2.time_to_resolve == 30 * kHour);  // the resolution that stood

  const auto c3 = f(3);
  CHECK(c3.overdue);
  CHECK(*c3.overdue_colour == Urgency::yellow);
  CHECK(c3.acceptance_due);
  CHECK_FALSE(c3.accepted_on_time);
  CHECK(c3.closed);
  CHECK_FALSE(c3.closed_on_time);

  CHECK(f(4).deferred);

  const auto c5 = f(5);
  CHECK(c5.overdue);
  CHECK(*c5.overdue_colour == Urgency::red);
  CHECK(c5.due);
  CHECK(c5.accepted_on_time);
  CHECK_FALSE(c5.handled);
  CHECK_FALSE(c5.time_to_resolve);

  CHECK(f(6).cancelled);

  const auto c7 = f(7);
  CHECK_FALSE(c7.due);
  CHECK_FALSE(c7.acceptance_due);
  // A day later its acceptance deadline has passed: due for acceptance, not accepted on time.
  const auto later = facts_of(history[6], kAsOf + kDay);
  CHECK(later.acceptance_due);
  CHECK_FALSE(later.accepted_on_time);

  // A reworked case whose new resolution is still missing has no time to resolve.
  Story open_rework(20, "W1", "G0-0", "C1", T0);
  open_rework.accept(T0 + kHour).resolve(T0 + 2 * kHour).reopen(T0 + 3 * kHour);
  const auto r = facts_of(open_rework.h, kAsOf);
  CHECK(r.handled);
  CHECK(r.reworked);
  CHECK_FALSE(r.time_to_resolve);
}

// The hand-computed scores below are of areas with two or three cases: scored from one case on,
// where the default asks for five.
AssessmentRules from_one_case() {
  AssessmentRules rules;
  rules.min_cases = 1;
  return rules;
}

TEST_CASE("figures per worker against hand-computed values", "[assessment]") {
  const auto a = assess(fixed_history(), small_organisation(), from_one_case(), kQuarter, kAsOf);
  REQUIRE(a.total.cases + a.total.cancelled == 8);  // case 9 lies before the period

  // W1: cases 1, 2, 3.
  const auto& w1 = row(a.workers, "W1");
  CHECK(w1.name == "工作者1");
  CHECK(w1.parent == "C1");
  const auto& f1 = w1.figures;
  CHECK(f1.cases == 3);
  CHECK(f1.assessed == 3);
  CHECK(f1.handled == 3);
  CHECK(f1.closed == 3);
  CHECK(f1.due == 3);
  CHECK(f1.closed_on_time == 2);
  CHECK(f1.reworked == 1);
  CHECK(*f1.closure_rate == Approx(1.0));
  CHECK(*f1.on_time_closure_rate == Approx(2.0 / 3));
  CHECK(*f1.on_time_acceptance_rate == Approx(2.0 / 3));
  CHECK(*f1.rework_rate == Approx(1.0 / 3));
  CHECK(*f1.deferral_rate == Approx(0.0));
  CHECK(f1.overdue == 1);
  CHECK(f1.overdue_by_colour == std::array<std::int64_t, 3>{1, 0, 0});
  CHECK(f1.escalations == 1);
  CHECK(f1.time_to_accept.count == 3);
  CHECK(*f1.time_to_accept.mean_s == Approx(33'600));   // (1 h + 2 h + 25 h) / 3
  CHECK(*f1.time_to_accept.p90_s == Approx(90'000));    // the 3rd of 3: 25 h
  CHECK(*f1.time_to_resolve.mean_s == Approx(96'000));  // (10 h + 30 h + 40 h) / 3
  CHECK(*f1.time_to_resolve.p90_s == Approx(144'000));
  CHECK(f1.rated == 2);
  CHECK(*f1.satisfaction == Approx(4.0));
  CHECK(*f1.satisfied_rate == Approx(0.5));
  CHECK(f1.ratings == std::array<std::int64_t, 5>{0, 0, 1, 0, 1});
  // (1 x 20 + 2/3 x 30 + 2/3 x 15 + 2/3 x 10 + 0.75 x 25) / 100 weights
  CHECK(*w1.score == Approx(75.42));
  CHECK(*w1.stars == 3);

  // W2: case 4 deferred, case 5 overdue red and open.
  const auto& w2 = row(a.workers, "W2");
  const auto& f2 = w2.figures;
  CHECK(f2.cases == 2);
  CHECK(f2.deferred == 1);
  CHECK(f2.assessed == 1);
  CHECK(f2.handled == 0);
  CHECK(f2.due == 1);
  CHECK(*f2.closure_rate == Approx(0.0));
  CHECK(*f2.on_time_closure_rate == Approx(0.0));
  CHECK(*f2.on_time_acceptance_rate == Approx(1.0));
  CHECK_FALSE(f2.rework_rate);  // nothing handled
  CHECK(*f2.deferral_rate == Approx(0.5));
  CHECK(f2.overdue_by_colour == std::array<std::int64_t, 3>{0, 0, 1});
  CHECK(f2.rated == 0);  // the deferred case's rating is left out
  CHECK(*f2.time_to_accept.mean_s == Approx(600));
  CHECK(f2.time_to_resolve.count == 0);
  CHECK_FALSE(f2.time_to_resolve.mean_s);
  CHECK(*w2.score == Approx(23.08));  // only on-time acceptance (15 of 65 weights) is there
  CHECK(*w2.stars == 1);

  // W4: one cancelled, one not yet due, one closed on time and rated 4.
  const auto& f4 = row(a.workers, "W4").figures;
  CHECK(f4.cancelled == 1);
  CHECK(f4.cases == 2);
  CHECK(f4.assessed == 2);
  CHECK(*f4.closure_rate == Approx(0.5));
  CHECK(*f4.on_time_closure_rate == Approx(1.0));
  CHECK(*f4.on_time_acceptance_rate == Approx(1.0));
  CHECK(*f4.rework_rate == Approx(0.0));
  // (0.5 x 20 + 1 x 30 + 1 x 15 + 1 x 10 + 0.75 x 25) / 100 weights
  CHECK(*row(a.workers, "W4").score == Approx(83.75));
  CHECK(*row(a.workers, "W4").stars == 4);

  // A worker without cases has a row of zeros and no score.
  const auto& w7 = row(a.workers, "W7");
  CHECK(w7.figures.cases == 0);
  CHECK_FALSE(w7.figures.closure_rate);
  CHECK_FALSE(w7.score);
  CHECK_FALSE(w7.stars);
}

TEST_CASE("figures per grid, community and street, ranking and the bottom warning", "[assessment]") {
  AssessmentRules rules = from_one_case();
  const auto a = assess(fixed_history(), small_organisation(), rules, kQuarter, kAsOf);

  CHECK(row(a.grids, "G0-0").figures.cases == 2);
  CHECK(row(a.grids, "G0-1").figures.cases == 3);
  CHECK(row(a.grids, "G0-1").figures.deferred == 1);
  CHECK(row(a.grids, "G1-0").figures.cancelled == 1);

  const auto& c1 = row(a.communities, "C1");
  const auto& f = c1.figures;
  CHECK(c1.parent == "S");
  CHECK(f.cases == 5);
  CHECK(f.deferred == 1);
  CHECK(f.assessed == 4);
  CHECK(*f.closure_rate == Approx(0.75));
  CHECK(*f.on_time_closure_rate == Approx(0.5));
  CHECK(*f.on_time_acceptance_rate == Approx(0.75));
  CHECK(*f.rework_rate == Approx(1.0 / 3));
  CHECK(*f.deferral_rate == Approx(0.2));
  CHECK(f.overdue == 2);
  CHECK(f.overdue_by_colour == std::array<std::int64_t, 3>{1, 0, 1});
  CHECK(*f.time_to_accept.mean_s == Approx(25'350));  // (10 min + 1 h + 2 h + 25 h) / 4
  CHECK(*f.time_to_accept.p90_s == Approx(90'000));   // the 4th of 4
  // (0.75 x 20 + 0.5 x 30 + 0.75 x 15 + 2/3 x 10 + 0.75 x 25) / 100 weights
  CHECK(*c1.score == Approx(66.67));
  CHECK(*c1.stars == 2);

  const auto& c2 = row(a.communities, "C2");
  CHECK(*c2.score == Approx(83.75));
  CHECK(*c2.stars == 4);
  CHECK(*c2.rank == 1);
  CHECK(*c1.rank == 2);
  CHECK(c1.ranked == 2);
  // Two communities are too few for 末位告诫 under the default of three.
  CHECK_FALSE(c1.bottom_warning);
  // Sorted by street, then rank.
  REQUIRE(a.communities.size() == 3);
  CHECK(a.communities[0].code == "C2");
  CHECK(a.communities[1].code == "C1");
  const auto& c3 = row(a.communities, "C3");
  CHECK(c3.figures.cases == 0);
  CHECK_FALSE(c3.rank);

  const auto& s = row(a.streets, "S").figures;
  CHECK(s.cases == 7);
  CHECK(s.cancelled == 1);
  CHECK(s.assessed == 6);
  CHECK(s.closed == 4);
  CHECK(s.due == 5);
  CHECK(*s.closure_rate == Approx(4.0 / 6));
  CHECK(*s.on_time_closure_rate == Approx(3.0 / 5));
  CHECK(*s.on_time_acceptance_rate == Approx(4.0 / 5));
  CHECK(*s.rework_rate == Approx(1.0 / 4));
  CHECK(*s.deferral_rate == Approx(1.0 / 7));
  CHECK(*s.satisfaction == Approx(4.0));
  CHECK(a.total.cases == 7);
  CHECK(row(a.streets, "S2").figures.cases == 0);

  SECTION("a street of at least bottom_min_communities warns its last community") {
    rules.bottom_min_communities = 2;
    const auto b = assess(fixed_history(), small_organisation(), rules, kQuarter, kAsOf);
    CHECK(row(b.communities, "C1").bottom_warning);
    CHECK_FALSE(row(b.communities, "C2").bottom_warning);
  }
  SECTION("equal scores share a rank and nobody is last") {
    rules.bottom_min_communities = 2;
    rules.weights = {};
    rules.weights.closure_rate = 0;
    rules.weights.on_time_closure_rate = 0;
    rules.weights.on_time_acceptance_rate = 0;
    rules.weights.rework = 0;
    rules.weights.satisfaction = 1;  // both communities: mean 4
    const auto b = assess(fixed_history(), small_organisation(), rules, kQuarter, kAsOf);
    CHECK(*row(b.communities, "C1").rank == 1);
    CHECK(*row(b.communities, "C2").rank == 1);
    CHECK_FALSE(row(b.communities, "C1").bottom_warning);
    CHECK_FALSE(row(b.communities, "C2").bottom_warning);
  }
  SECTION("too few cases: no score, no stars, no rank") {
    rules.min_cases = 3;
    const auto b = assess(fixed_history(), small_organisation(), rules, kQuarter, kAsOf);
    CHECK_FALSE(row(b.communities, "C2").score);  // 2 assessed cases
    CHECK_FALSE(row(b.communities, "C2").rank);
    CHECK(*row(b.communities, "C1").rank == 1);
  }
  SECTION("by default an area needs five assessed cases to be scored, starred or ranked") {
    const auto b = assess(fixed_history(), small_organisation(), AssessmentRules{}, kQuarter, kAsOf);
    CHECK(AssessmentRules{}.min_cases == 5);
    CHECK(row(b.communities, "C1").figures.assessed < 5);
    for (const auto& c : b.communities) {
      CHECK_FALSE(c.score);
      CHECK_FALSE(c.stars);
      CHECK_FALSE(c.rank);
      CHECK_FALSE(c.bottom_warning);
    }
    // The street, with all of them, is scored.
    REQUIRE(row(b.streets, "S").figures.assessed >= 5);
    CHECK(row(b.streets, "S").score);
  }
  SECTION("weights change the stars") {
    rules.star_thresholds = {10, 20, 30, 75};
    const auto b = assess(fixed_history(), small_organisation(), rules, kQuarter, kAsOf);
    CHECK(*row(b.communities, "C1").stars == 4);
  }
}

TEST_CASE("scores drop missing figures and rescale the others", "[assessment]") {
  Figures f;
  f.assessed = 5;
  f.closure_rate = 0.5;
  AssessmentRules rules;
  REQUIRE(score_of(f, rules));
  CHECK(*score_of(f, rules) == Approx(50.0));
  f.satisfaction = 5.0;  // counts 1.0
  CHECK(*score_of(f, rules) == Approx((0.5 * 20 + 1.0 * 25) / 45 * 100).epsilon(1e-4));
  f.assessed = 4;  // fewer than the default five
  CHECK_FALSE(score_of(f, rules));
  f.assessed = 0;
  rules.min_cases = 0;  // and never from no case at all
  CHECK_FALSE(score_of(f, rules));
  CHECK(stars_of(59.99, rules) == 1);
  CHECK(stars_of(60, rules) == 2);
  CHECK(stars_of(100, rules) == 5);
}

TEST_CASE("trends by local day: cases by category, closures and the overdue trend", "[assessment]") {
  const auto t = trends(fixed_history(), kQuarter, Bucket::day, kAsOf);
  // Days start at 00:00 in Shanghai, 16:00 UTC the day before.
  REQUIRE(t.points.size() == 91);
  CHECK(t.points[0].start == T0 - 8 * kHour);
  CHECK(t.categories == std::vector<std::string>{"environment", "safety_hazard"});
  CHECK(t.points[0].taken_in == 1);
  CHECK(t.points[0].by_category == std::vector<std::int64_t>{1, 0});
  CHECK(t.points[1].by_category == std::vector<std::int64_t>{0, 1});
  CHECK(t.points[5].taken_in == 0);  // case 6 was cancelled
  CHECK(t.points[0].closed == 1);
  CHECK(t.points[0].closed_on_time == 1);
  CHECK(t.points[3].became_overdue == 1);  // case 3, at T0 + 3 d
  CHECK(t.points[3].became_overdue_by_colour == std::array<std::int64_t, 3>{1, 0, 0});
  CHECK(t.points[3].escalations == 1);
  CHECK(*t.points[3].overdue_open == 1);  // case 3 closes after the day ends
  CHECK(*t.points[4].overdue_open == 1);  // case 3 closed, case 5 overdue
  CHECK(t.points[4].became_overdue_by_colour == std::array<std::int64_t, 3>{0, 0, 1});
  CHECK(*t.points[2].overdue_open == 0);
  CHECK(*t.points[30].overdue_open == 1);  // the day that holds as_of
  CHECK_FALSE(t.points[31].overdue_open);  // after as_of: unknown

  const auto w = trends(fixed_history(), kQuarter, Bucket::week, kAsOf);
  // 2026-01-01 is a Thursday: its week began on Monday 2025-12-29, 00:00 in Shanghai.
  CHECK(w.points[0].start == T0 - 3 * kDay - 8 * kHour);
  CHECK(w.points[0].taken_in == 4);  // cases 1, 2, 3, 4 (Thu-Sun)
  CHECK(bucket_start(T0, Bucket::week) == T0 - 3 * kDay - 8 * kHour);
}

TEST_CASE("an escalation carries what it missed as typed fields; a rating counts by its score", "[assessment]") {
  const Category env{"environment", "环境卫生", default_sla()};
  Case c;
  c.state = CaseState::dispatched;
  start_clocks(c, env, 0);
  const auto step = apply_due(c, {*c.accept_by, DueKind::accept_deadline}, env);
  CHECK(step.type == EventType::escalated);
  CHECK(step.deadline == Deadline::accept);
  CHECK(step.urgency_from == Urgency::yellow);
  CHECK(step.urgency_to == Urgency::orange);
  CHECK(step.tier_from == Tier::worker);
  CHECK(step.tier_to == Tier::community);
  CHECK(step.reason == "not accepted in time: yellow -> orange, worker -> community");  // words for people

  // The figures read the typed fields only: words that say otherwise change nothing.
  Story s(1, "W1", "G0-0", "C1", T0);
  s.escalate(T0 + kDay, Deadline::accept, Urgency::yellow, Urgency::orange, Tier::worker, Tier::community)
      .accept(T0 + kDay + kHour)
      .resolve(T0 + 2 * kDay)
      .close(T0 + 2 * kDay + kHour)
      .rate(T0 + 3 * kDay, 4);
  s.h.events[2].reason = "not resolved in time: red -> red, street -> district";
  s.h.events.back().reason = "score 1";
  auto f = facts_of(s.h, kAsOf);
  CHECK(f.overdue_colour == Urgency::yellow);
  CHECK_FALSE(f.accepted_on_time);
  CHECK(f.rating == 4);
  s.h.events.back().score.reset();  // a rated event without a score is no rating
  CHECK_FALSE(facts_of(s.h, kAsOf).rating);
}

TEST_CASE("the figures of histories the center wrote: rework, deferral, escalation, ratings", "[assessment]") {
  testing::MemoryLedger ledger;
  ledger.initial = testing::small_city();
  ManualClock clock(T0);
  Center center(ledger, clock);
  center.start();
  const Actor op{1, "op", Role::operator_, {}, {}};
  const Actor w1{10, "w1", Role::worker, {}, "W1"};
  const Actor sup{2, "sup", Role::supervisor, "C1", {}};
  IntakeRequest in;
  in.lon = 118.305;
  in.lat = 24.605;
  in.category = "environment";
  in.title = "垃圾堆放";
  auto step = [](Action a, std::int64_t v, std::string note = {}) {
    TransitionRequest t;
    t.action = a;
    t.version = v;
    t.note = std::move(note);
    return t;
  };

  // A: accepted, resolved, reopened, resolved again, closed, rated 2 and then 4.
  auto a = center.intake_and_wait(in, op);
  REQUIRE(a.ok());
  clock.advance(kHour);
  REQUIRE(center.transition_and_wait(a->id, step(Action::accept, 1), w1).ok());
  clock.advance(kHour);
  REQUIRE(center.transition_and_wait(a->id, step(Action::resolve, 2), w1).ok());
  REQUIRE(center.transition_and_wait(a->id, step(Action::reopen, 3, "not clean"), op).ok());
  REQUIRE(center.transition_and_wait(a->id, step(Action::accept, 4), w1).ok());
  clock.advance(kHour);
  REQUIRE(center.transition_and_wait(a->id, step(Action::resolve, 5), w1).ok());
  REQUIRE(center.rate_and_wait(a->id, 4, "", op).error().code == ErrorCode::illegal_transition);  // not closed yet
  REQUIRE(center.transition_and_wait(a->id, step(Action::close, 6), op).ok());
  REQUIRE(center.rate_and_wait(a->id, 2, "回访不满意", op).ok());
  REQUIRE(center.rate_and_wait(a->id, 4, "复访满意", op).ok());

  // B: deferred by the supervisor.
  auto b = center.intake_and_wait(in, op);
  REQUIRE(b.ok());
  REQUIRE(center.transition_and_wait(b->id, step(Action::defer, 1, "等待业主"), sup).ok());

  // C: never accepted: escalated when its acceptance deadline passes.
  auto c = center.intake_and_wait(in, op);
  REQUIRE(c.ok());
  clock.advance(25 * kHour);
  while (center.tick() > 0) {
  }
  ledger.drain();

  std::vector<CaseHistory> history;
  for (CaseId id : {a->id, b->id, c->id}) history.push_back({*ledger.find_case(id), ledger.case_events(id)});
  const auto now = clock.now();
  const auto fa = facts_of(history[0], now);
  CHECK(fa.closed);
  CHECK(fa.reworked);
  CHECK(fa.closed_on_time);
  CHECK(*fa.rating == 4);  // the last rating replaces the first
  CHECK(*fa.time_to_accept == kHour);
  CHECK(*fa.time_to_resolve == 3 * kHour);
  CHECK(facts_of(history[1], now).deferred);
  const auto fc = facts_of(history[2], now);
  CHECK(fc.overdue);
  CHECK(*fc.overdue_colour == Urgency::yellow);
  CHECK(fc.acceptance_due);
  CHECK_FALSE(fc.accepted_on_time);

  const auto as = assess(history, small_organisation(), AssessmentRules{}, {T0, now + 1}, now);
  const auto& f = row(as.workers, "W1").figures;
  CHECK(f.cases == 3);
  CHECK(f.deferred == 1);
  CHECK(f.assessed == 2);
  CHECK(*f.closure_rate == Approx(0.5));
  CHECK(*f.rework_rate == Approx(1.0));
  CHECK(f.overdue_by_colour == std::array<std::int64_t, 3>{1, 0, 0});
  CHECK(*f.satisfaction == Approx(4.0));

  // Ratings: only an operator or admin, only 1 to 5, only cases in view.
  CHECK(center.rate_and_wait(a->id, 5, "", w1).error().code == ErrorCode::forbidden);
  CHECK(center.rate_and_wait(a->id, 5, "", sup).error().code == ErrorCode::forbidden);
  CHECK(center.rate_and_wait(a->id, 6, "", op).error().code == ErrorCode::invalid_value);
  CHECK(center.rate_and_wait(a->id, 5, "", Actor{3, "op2", Role::operator_, "S2", {}}).error().code ==
        ErrorCode::not_found);
  CHECK(center.rate_and_wait(9999, 5, "", op).error().code == ErrorCode::not_found);

  // The histories folded whole, as storage keeps each case's row, give the same figures.
  testing::check_same(testing::folded_assessment(history, small_organisation(), AssessmentRules{}, {T0, now + 1}, now),
                      as);
  for (auto bucket : {Bucket::day, Bucket::week})
    testing::check_same(testing::folded_trends(history, {T0, now + 1}, bucket, now),
                        trends(history, {T0, now + 1}, bucket, now));
}

TEST_CASE("the fixed history folded into records gives the replay's figures", "[assessment][oracle]") {
  const auto history = fixed_history();
  Millis last = 0;
  for (const auto& h : history)
    for (const auto& e : h.events) last = std::max(last, e.at);
  // As of the last event and later: the records hold every event, the replay those up to as_of.
  for (Millis as_of : {last, last + 100 * kDay}) {
    INFO("as of " << as_of);
    for (const auto& rules : {AssessmentRules{}, [] {
                                AssessmentRules r;
                                r.min_cases = 2;
                                r.bottom_min_communities = 2;
                                return r;
                              }()}) {
      testing::check_same(testing::folded_assessment(history, small_organisation(), rules, kQuarter, as_of),
                          assess(history, small_organisation(), rules, kQuarter, as_of));
    }
    for (auto bucket : {Bucket::day, Bucket::week})
      testing::check_same(testing::folded_trends(history, kQuarter, bucket, as_of),
                          trends(history, kQuarter, bucket, as_of));
  }
}

TEST_CASE("an old history's repeated escalations at the top count as nothing new", "[assessment][ceiling]") {
  // Written before escalation stopped at the top: red -> red, district -> district every
  // 30 minutes for two days, then the case was accepted, resolved and closed.
  Story s(7, "W1", "G0-0", "C1", T0, Urgency::red);
  const auto red = Urgency::red;
  s.escalate(T0 + 30 * kMinute, Deadline::accept, red, red, Tier::worker, Tier::community)
      .escalate(T0 + 60 * kMinute, Deadline::accept, red, red, Tier::community, Tier::street)
      .escalate(T0 + 90 * kMinute, Deadline::accept, red, red, Tier::street, Tier::district);
  Story plain = s;  // the same case as the engine now writes it: reminders only
  for (Millis at = T0 + 120 * kMinute; at < T0 + 2 * kDay; at += 30 * kMinute)
    s.escalate(at, Deadline::accept, red, red, Tier::district, Tier::district);
  for (Millis at = T0 + 120 * kMinute; at < T0 + 2 * kDay; at += kDay)
    plain.add(at, EventType::reminded, CaseState::dispatched, CaseState::dispatched).typed([](CaseEvent& e) {
      e.deadline = Deadline::accept;
    });
  for (auto* story : {&s, &plain})
    story->accept(T0 + 2 * kDay).resolve(T0 + 2 * kDay + kHour).close(T0 + 2 * kDay + 2 * kHour);
  REQUIRE(s.h.events.size() > 90);

  const auto old_facts = facts_of(s.h, kAsOf);
  const auto new_facts = facts_of(plain.h, kAsOf);
  CHECK(old_facts.escalations == 3);
  CHECK(new_facts.escalations == 3);
  CHECK(*old_facts.overdue_at == T0 + 30 * kMinute);
  CHECK(old_facts.overdue_colour == Urgency::red);
  CHECK(old_facts.closed);
  CHECK_FALSE(old_facts.closed_on_time);
  CHECK_FALSE(old_facts.accepted_on_time);
  CHECK(*old_facts.time_to_accept == 2 * kDay);

  const auto old_trend = trends({s.h}, kQuarter, Bucket::day, kAsOf);
  const auto new_trend = trends({plain.h}, kQuarter, Bucket::day, kAsOf);
  std::int64_t old_total = 0, new_total = 0;
  for (const auto& p : old_trend.points) old_total += p.escalations;
  for (const auto& p : new_trend.points) new_total += p.escalations;
  CHECK(old_total == 3);
  CHECK(new_total == 3);
}
