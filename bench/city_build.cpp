#include "bench/city_build.hpp"

#include "demo/in_flight.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>
#include <queue>
#include <random>
#include <thread>
#include <vector>

#include "data/import.hpp"
#include "data/sqlite_ledger.hpp"
#include "demo/synthetic_city.hpp"
#include "dispatch/center.hpp"

namespace gridkeeper::bench {

using namespace dispatch;

namespace {

using Steady = std::chrono::steady_clock;
double seconds_since(Steady::time_point t0) { return std::chrono::duration<double>(Steady::now() - t0).count(); }

constexpr Millis kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr Millis kLocalOffset = 8 * kHour;  // Asia/Shanghai
// Cases by local hour of the day: quiet at night, busy mornings and afternoons.
constexpr double kHourly[24] = {0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.45, 0.8, 1.2, 1.5, 1.5,  1.3,
                                0.9,  1.0, 1.4,  1.5,  1.4, 1.2, 1.0,  0.9, 0.7, 0.5, 0.35, 0.25};
enum class Step : std::uint8_t { accept, resolve, close, reopen, cancel, hand_over, ask_deferral, defer, resume, rate };
// Where a case left open stops: taken in only, accepted, resolved but not closed.
enum class Stop : std::uint8_t { none, after_intake, after_accept, after_resolve };

struct Story {
  CaseId id = 0;
  Millis resolve_at = 0;
  Stop stop = Stop::none;
  bool deferral = false, reworked = false;
};

struct Planned {
  Millis at;
  std::uint64_t order;  // ties keep the order they were planned in
  std::uint32_t story;
  Step step;
  bool operator>(const Planned& o) const { return at != o.at ? at > o.at : order > o.order; }
};

class Player {
 public:
  Player(Center& center, ManualClock& clock, const demo::SyntheticCity& city, const geo::BBox& area,
         const CityBuildOptions& options, const std::function<void(const std::string&)>& progress)
      : center_(center), clock_(clock), area_(area), options_(options), progress_(progress), rng_(options.seed) {
    for (const auto& w : city.workers)
      for (const auto& g : w.backup_of) backups_[g] = w.worker.id;
    for (const auto& c : center.categories()) categories_.push_back(c.id);
    operator_ = Actor{0, "bench-operator", Role::operator_, {}, {}};
    supervisor_ = Actor{0, "bench-supervisor", Role::supervisor, {}, {}};
  }

  void play(CityBuildOutcome& out) {
    const Millis end = options_.end, start = end - options_.days * kDay;
    // Cases taken in during the last `ramp` are left open ever more often, up to all of
    // the newest: about `open` of them in all (fewer when the history is shorter).
    ramp_ = std::min<Millis>(options_.days * kDay,
                             static_cast<Millis>(2.0 * options_.open / std::max(1, options_.per_day) * kDay));
    ramp_start_ = end - ramp_;
    clock_.set(start);
    floor_ = start;
    const auto t0 = Steady::now();
    std::size_t last_cases = 0;
    auto last_report = Steady::now();
    for (int day = 0; day < options_.days; ++day) {
      const Millis day_start = start + day * kDay, day_end = day_start + kDay;
      const auto arrivals = arrival_times(day_start, day_end);
      std::size_t next = 0;
      while (true) {
        const Millis ta = next < arrivals.size() ? arrivals[next] : std::numeric_limits<Millis>::max();
        const Millis tp = plan_.empty() ? std::numeric_limits<Millis>::max() : plan_.top().at;
        const Millis t = std::min(ta, tp);
        if (t >= day_end) break;
        advance(t);
        if (ta <= tp) {
          take_in();
          ++next;
        } else {
          const Planned p = plan_.top();
          plan_.pop();
          act(p);
        }
      }
      advance(day_end);
      // A day's changes are durable before the next day: ratings read closed cases back.
      flight_.drain();
      if (seconds_since(last_report) >= 5 || day + 1 == options_.days) {
        const double s = seconds_since(t0);
        char line[256];
        std::snprintf(line, sizeof line,
                      "day %d/%d: %zu cases taken in, %zu open, %zu escalation steps; %.0f cases/s (%.0f s)", day + 1,
                      options_.days, stories_.size(), center_.open_case_count(), steps_,
                      static_cast<double>(stories_.size() - last_cases) / seconds_since(last_report), s);
        progress_(line);
        last_report = Steady::now();
        last_cases = stories_.size();
      }
    }
    flight_.drain();
    out.cases = stories_.size();
    out.actions = actions_;
    out.refused = flight_.refusals();
    out.first_refusal = flight_.first();
    out.escalation_steps = steps_;
    out.open = center_.open_case_count();
  }

 private:
  double uniform(double lo = 0, double hi = 1) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  bool chance(double p) { return uniform() < p; }
  Millis minutes(double lo, double hi) { return static_cast<Millis>(uniform(lo, hi) * kMinute); }

  void advance(Millis t) {
    clock_.set(t);
    floor_ = t;
    steps_ += center_.tick_until_idle();
  }

  void push(std::size_t story, Step step, Millis at) {
    plan_.push({std::max(at, floor_ + kSecond), order_++, static_cast<std::uint32_t>(story), step});
  }

  // A Poisson process whose rate follows the local hour of the day.
  std::vector<Millis> arrival_times(Millis start, Millis end) {
    double mean = 0, peak = 0;
    for (double h : kHourly) mean += h / 24, peak = std::max(peak, h);
    const double peak_per_ms = options_.per_day / static_cast<double>(kDay) * peak / mean;
    std::vector<Millis> out;
    double t = static_cast<double>(start);
    while (true) {
      t += -std::log(1 - uniform()) / peak_per_ms;
      if (t >= static_cast<double>(end)) break;
      const auto local_hour = ((static_cast<Millis>(t) + kLocalOffset) / kHour) % 24;
      if (uniform() * peak < kHourly[local_hour]) out.push_back(static_cast<Millis>(t));
    }
    return out;
  }

  void take_in() {
    static const char* kTitles[] = {"占道经营", "垃圾堆放", "违章搭建", "邻里纠纷", "路灯损坏", "井盖缺失"};
    IntakeRequest r;
    // Every point of the tessellation's extent lies in a grid; stay clear of the outline.
    r.lon = std::round(uniform(area_.min_lon + 1e-4, area_.max_lon - 1e-4) * 1e6) / 1e6;
    r.lat = std::round(uniform(area_.min_lat + 1e-4, area_.max_lat - 1e-4) * 1e6) / 1e6;
    const auto k = stories_.size();
    r.category = categories_[k % categories_.size()];
    const double u = uniform();
    r.urgency = u < 0.7 ? Urgency::yellow : u < 0.93 ? Urgency::orange : Urgency::red;
    r.title = kTitles[k % std::size(kTitles)];
    r.description = "沿街商铺占用人行道摆放货物，影响通行";
    r.address = "翔安南路 " + std::to_string(k % 1000) + " 号";
    r.source = "hotline";
    r.reporter = {"市民", "13900000000"};
    ++actions_;
    flight_.add();
    bool refused = false;
    const auto caller = std::this_thread::get_id();
    center_.intake(r, operator_, [this, &refused, caller](Result<Case> c) {
      if (!c && std::this_thread::get_id() == caller) refused = true;
      flight_.done(c ? Status{} : Status{c.error()});
    });
    if (refused) return;
    // The center numbers cases in the order they are taken in and holds the new one in
    // memory as soon as intake returns.
    const CaseId id = ++last_case_;
    auto c = center_.get_case(id, Actor{});
    if (!c) return flight_.refused("case " + std::to_string(id) + " not found after intake");
    stories_.push_back({id, 0, Stop::none, false, false});
    plan_new(stories_.size() - 1, *c);
  }

  void plan_new(std::size_t s, const Case& c) {
    auto& story = stories_[s];
    if (c.created_at >= ramp_start_ && ramp_ > 0 &&
        chance(static_cast<double>(c.created_at - ramp_start_) / static_cast<double>(ramp_))) {
      const double r = uniform();
      story.stop = r < 0.35 ? Stop::after_intake : r < 0.85 ? Stop::after_accept : Stop::after_resolve;
      if (story.stop == Stop::after_intake) return;
    }
    const double r = uniform();
    if (story.stop == Stop::none && r < 0.025) return push(s, Step::cancel, c.created_at + minutes(5, 90));
    if (r < 0.065) return push(s, Step::hand_over, c.created_at + minutes(10, 120));
    plan_work(s, c, c.created_at);
  }

  // When a worker acts on a clock running from `from` to `deadline`: most in time, some
  // after the warning, some late (after the escalation).
  Millis act_at(Millis from, Millis deadline, double in_time, double warned) {
    const double x = uniform();
    const auto span = static_cast<double>(deadline - from);
    if (x < in_time) return from + static_cast<Millis>(uniform(0.03, 0.6) * span);
    if (x < in_time + warned) return from + static_cast<Millis>(uniform(0.76, 0.98) * span);
    return deadline + static_cast<Millis>(uniform(0.05, 1.5) * span);
  }

  void plan_work(std::size_t s, const Case& c, Millis from) {
    if (!c.accept_by || !c.resolve_by) return;
    const Millis accept_at = act_at(from, std::max(from + kMinute, *c.accept_by), 0.74, 0.14);
    auto& story = stories_[s];
    story.resolve_at =
        std::max(accept_at + minutes(10, 120), act_at(from, std::max(from + kMinute, *c.resolve_by), 0.72, 0.15));
    if (!story.deferral && chance(0.03)) story.deferral = true;
    push(s, Step::accept, accept_at);
  }

  void act(const Planned& p) {
    auto& story = stories_[p.story];
    const Millis now = clock_.now();
    if (p.step == Step::rate) {
      ++actions_;
      flight_.add();
      center_.rate(story.id, 3 + static_cast<int>(uniform() * 2.99), "回访群众，对处置结果表示认可", operator_,
                   [this](Result<CaseEvent> e) { flight_.done(e ? Status{} : Status{e.error()}); });
      return;
    }
    auto now_case = center_.get_case(story.id, Actor{});
    if (!now_case || !now_case->open()) return;
    const Case& c = *now_case;
    switch (p.step) {
      case Step::accept:
        if (c.state == CaseState::accepted) return push(p.story, Step::resolve, story.resolve_at);
        if (c.state != CaseState::dispatched || c.paused_at || !by_worker(c, Action::accept, "")) return;
        if (story.stop == Stop::after_accept) return;
        if (story.deferral) return push(p.story, Step::ask_deferral, now + minutes(30, 180));
        return push(p.story, Step::resolve, story.resolve_at);
      case Step::resolve:
        if (c.state == CaseState::dispatched) {  // handed over meanwhile: the new holder accepts first
          story.resolve_at = std::max(story.resolve_at, now + minutes(60, 240));
          return push(p.story, Step::accept, now + minutes(10, 60));
        }
        if (c.state != CaseState::accepted || c.paused_at ||
            !by_worker(c, Action::resolve, "已处置完毕，现场已拍照留档"))
          return;
        if (story.stop == Stop::after_resolve) return;
        if (!story.reworked && chance(0.06)) return push(p.story, Step::reopen, now + minutes(30, 360));
        return push(p.story, Step::close, now + minutes(20, 360));
      case Step::close:
        if (c.state != CaseState::resolved || !by_operator(c, Action::close, "核查属实，予以结案")) return;
        if (chance(0.2)) push(p.story, Step::rate, now + kDay + minutes(0, 2 * 24 * 60));
        return;
      case Step::reopen:
        if (c.state != CaseState::resolved || !by_operator(c, Action::reopen, "回访群众不满意，退回重新处置")) return;
        story.reworked = true;
        return replan(p.story, now);
      case Step::cancel:
        if (c.state != CaseState::resolved) by_operator(c, Action::cancel, "重复上报，已合并处理");
        return;
      case Step::hand_over: {
        // 转派: the operator gives the case to the grid's B post, who then takes it up.
        auto b = backups_.find(c.grid);
        if (b == backups_.end() || b->second == c.assignee ||
            (c.state != CaseState::dispatched && c.state != CaseState::accepted))
          return plan_work(p.story, c, now);
        if (!send(c.id, {Action::reassign, c.version, "转派网格B岗处置", b->second}, operator_)) return;
        return replan(p.story, now);
      }
      case Step::ask_deferral:
        if (c.state != CaseState::accepted || c.paused_at ||
            !by_worker(c, Action::request_deferral, "需协调相关职能部门，申请延期办理"))
          return;
        return push(p.story, Step::defer, now + minutes(20, 120));
      case Step::defer:
        if (c.paused_at) return;
        if (!send(c.id, {Action::defer, c.version, "同意延期", std::nullopt}, supervisor_)) return;
        return push(p.story, Step::resume, now + minutes(360, 1800));
      case Step::resume:
        if (!c.paused_at) return;
        if (!send(c.id, {Action::resume, c.version, "协调完毕，恢复办理", std::nullopt}, supervisor_)) return;
        story.resolve_at = now + minutes(60, 480);
        return push(p.story, Step::resolve, story.resolve_at);
      case Step::rate:
        return;
    }
  }

  void replan(std::size_t s, Millis now) {
    auto c = center_.get_case(stories_[s].id, Actor{});
    if (c) plan_work(s, *c, now);
  }

  bool by_worker(const Case& c, Action action, const std::string& note) {
    if (c.assignee.empty()) return false;  // waiting in the unassigned queue
    return send(c.id, {action, c.version, note, std::nullopt},
                Actor{0, "w-" + c.assignee, Role::worker, {}, c.assignee});
  }
  bool by_operator(const Case& c, Action action, const std::string& note) {
    return send(c.id, {action, c.version, note, std::nullopt}, operator_);
  }

  // Asks the center; false when it refuses at once (storage answers later).
  bool send(CaseId id, const TransitionRequest& r, const Actor& actor) {
    ++actions_;
    flight_.add();
    bool refused = false;
    const auto caller = std::this_thread::get_id();
    center_.transition(id, r, actor, [this, &refused, caller](Result<Case> c) {
      if (!c && std::this_thread::get_id() == caller) refused = true;
      flight_.done(c ? Status{} : Status{c.error()});
    });
    return !refused;
  }

  Center& center_;
  ManualClock& clock_;
  geo::BBox area_;
  const CityBuildOptions& options_;
  const std::function<void(const std::string&)>& progress_;
  std::mt19937_64 rng_;
  Actor operator_, supervisor_;
  std::map<std::string, WorkerId> backups_;  // grid -> B post holder
  std::vector<std::string> categories_;
  std::vector<Story> stories_;
  std::priority_queue<Planned, std::vector<Planned>, std::greater<>> plan_;
  std::uint64_t order_ = 0;
  Millis floor_ = 0, ramp_ = 0, ramp_start_ = 0;
  CaseId last_case_ = 0;
  std::size_t actions_ = 0, steps_ = 0;
  // Past 20,000 waiting it waits for 5,000: the center refuses intakes past 50,000 open.
  demo::InFlight flight_{20'000, 5'000};
};

}  // namespace

CityBuildOutcome build_city(const std::string& db, const CityBuildOptions& options,
                            const std::function<void(const std::string&)>& progress) {
  CityBuildOutcome out;
  demo::SyntheticCityOptions city_options;
  city_options.columns = std::max(2, static_cast<int>(std::lround(std::sqrt(std::max(4, options.grids)))));
  city_options.rows =
      std::max(2, static_cast<int>(std::lround(static_cast<double>(options.grids) / city_options.columns)));
  // Grids of about 300 m x 300 m.
  city_options.area = {118.0, 24.4, 118.0 + 0.003 * city_options.columns, 24.4 + 0.0027 * city_options.rows};
  city_options.seed = options.seed;
  auto t0 = Steady::now();
  const auto city = demo::synthetic_city(city_options);
  const auto imported = data::import_organisation(db, city.areas, city.workers, options.end - options.days * kDay);
  if (!imported.ok) {
    out.error = "import: " + (imported.problems.empty() ? std::string("failed") : imported.problems.front());
    return out;
  }
  out.import_s = seconds_since(t0);
  out.grids = static_cast<std::size_t>(city_options.columns * city_options.rows);
  out.communities = city.communities;
  out.streets = city.streets;
  out.workers = city.workers.size();
  char line[256];
  std::snprintf(line, sizeof line, "city: %zu grids, %zu communities, %zu streets, %zu workers (%.1f s)", out.grids,
                out.communities, out.streets, out.workers, out.import_s);
  progress(line);

  auto ledger = data::SqliteLedger::open(db);
  if (!ledger) {
    out.error = ledger.error().message;
    return out;
  }
  ManualClock clock(options.end - options.days * kDay);
  t0 = Steady::now();
  {
    Center center(**ledger, clock);
    center.start();
    Player player(center, clock, city, city_options.area, options, progress);
    player.play(out);
  }
  ledger->reset();
  out.history_s = seconds_since(t0);
  out.ok = true;
  return out;
}

}  // namespace gridkeeper::bench
