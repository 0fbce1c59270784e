#include "demo/history.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <queue>
#include <thread>

#include "demo/cases.hpp"
#include "demo/in_flight.hpp"
#include "demo/names.hpp"
#include "dispatch/escalation.hpp"

namespace gridkeeper::demo {

using namespace dispatch;

namespace {

constexpr Millis kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr Millis kLocalOffset = 8 * kHour;  // Asia/Shanghai

// Cases by local hour of the day: quiet at night, busy mornings and afternoons.
constexpr double kHourly[24] = {0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.45, 0.8, 1.2, 1.5, 1.5,  1.3,
                                0.9,  1.0, 1.4,  1.5,  1.4, 1.2, 1.0,  0.9, 0.7, 0.5, 0.35, 0.25};

enum class Step { accept, resolve, close, reopen, give_back, register_again, cancel, ask_deferral, defer, resume };

struct Story {  // one case and what is still to happen to it
  CaseId id = 0;
  std::string grid;
  Millis resolve_at = 0;
  bool deferral = false, reworked = false;
};

struct Planned {
  Millis at;
  std::uint64_t order;  // ties keep the order they were planned in
  std::size_t story;
  Step step;
  bool operator>(const Planned& o) const { return at != o.at ? at > o.at : order > o.order; }
};

class Player {
 public:
  Player(Center& center, ManualClock& clock, const DemoCity& city, const HistoryPeople& people,
         const HistoryOptions& options)
      : center_(center),
        clock_(clock),
        city_(city),
        people_(people),
        options_(options),
        random_(options.seed),
        writer_(options.seed + 1) {
    std::map<std::string, const geo::Area*> by_code;
    for (const auto& a : city.areas) by_code[a.code] = &a;
    for (const auto& a : city.areas) {
      if (a.level != geo::Level::grid) continue;
      const auto* community = by_code[a.parent];
      grids_.push_back({&a, community->name, geo::bbox_of(a.shape)});
      grid_weights_.push_back(static_cast<double>(a.population.value_or(1000)));
    }
    for (const auto& w : city.workers)
      for (const auto& g : w.backup_of) backups_[g] = w.worker.id;
    for (auto& c : center.categories()) categories_[c.id] = c;
  }

  HistoryOutcome play() {
    const Millis end = options_.end, start = end - options_.days * kDay;
    clock_.set(start);
    floor_ = start;
    organisation_changes(start);
    const auto arrivals = arrival_times(start, end);
    std::size_t next_arrival = 0;
    while (true) {
      const Millis ta = next_arrival < arrivals.size() ? arrivals[next_arrival] : std::numeric_limits<Millis>::max();
      const Millis tp = plan_.empty() ? std::numeric_limits<Millis>::max() : plan_.top().at;
      const Millis t = std::min(ta, tp);
      if (t >= end) break;
      advance(t);
      if (ta <= tp) {
        take_in();
        ++next_arrival;
      } else {
        const Planned p = plan_.top();
        plan_.pop();
        act(p);
      }
    }
    advance(end);
    flight_.drain();
    HistoryOutcome out;
    out.cases = stories_.size();
    out.actions = actions_;
    out.refused = flight_.refusals();
    out.first_refusal = flight_.first();
    return out;
  }

 private:
  struct GridInfo {
    const geo::Area* area;
    std::string community;
    geo::BBox box;
  };

  // Moves the clock to `t`: the escalation engine acts on everything due until then (at
  // the true due times), then the organisation's own events of that moment.
  void advance(Millis t) {
    clock_.set(t);
    floor_ = t;
    center_.tick_until_idle();
    organisation_events(t);
  }

  Millis minutes(double lo, double hi) { return static_cast<Millis>(random_.uniform(lo, hi) * kMinute); }

  void push(std::size_t story, Step step, Millis at) {
    plan_.push({std::max(at, floor_ + kSecond), order_++, story, step});
  }

  // When cases come in: a Poisson process whose rate follows the hour of the day.
  std::vector<Millis> arrival_times(Millis start, Millis end) {
    double mean = 0, peak = 0;
    for (double h : kHourly) mean += h / 24, peak = std::max(peak, h);
    const double peak_per_ms = options_.cases_per_day / kDay * peak / mean;
    std::vector<Millis> out;
    double t = static_cast<double>(start);
    while (true) {
      t += -std::log(1 - random_.uniform()) / peak_per_ms;
      if (t >= static_cast<double>(end)) break;
      const auto local_hour = ((static_cast<Millis>(t) + kLocalOffset) / kHour) % 24;
      if (random_.uniform() * peak < kHourly[local_hour]) out.push_back(static_cast<Millis>(t));
    }
    return out;
  }

  geo::Point point_in(const GridInfo& g) {
    for (int attempt = 0; attempt < 200; ++attempt) {
      const geo::Point p{random_.uniform(g.box.min_lon, g.box.max_lon), random_.uniform(g.box.min_lat, g.box.max_lat)};
      if (geo::inside_rings(g.area->shape, p)) return p;
    }
    const auto& ring = g.area->shape.front().rings.front();
    return {(ring[0].lon + ring[ring.size() / 2].lon) / 2, (ring[0].lat + ring[ring.size() / 2].lat) / 2};
  }

  void take_in() {
    const auto& grid = grids_[random_.weighted(grid_weights_)];
    const auto p = point_in(grid);
    const auto r = writer_.write({std::round(p.lon * 1e6) / 1e6, std::round(p.lat * 1e6) / 1e6}, grid.community);
    // The center holds the new case in memory as soon as intake returns (storage confirms
    // it later): the open case with the highest id.
    ++actions_;
    flight_.add();
    center_.intake(r, people_.operator_, [this](Result<Case> c) { flight_.done(c ? Status{} : Status{c.error()}); });
    Case newest;
    center_.for_each_open_case(Actor{}, [&](const Case& c) {
      if (c.id > newest.id) newest = c;
    });
    if (newest.id <= last_case_) return;  // refused; counted by the callback
    last_case_ = newest.id;
    stories_.push_back({newest.id, grid.area->code, 0, false, false});
    plan_new(stories_.size() - 1, newest);
  }

  // What will happen to a new case: a few are duplicates, a few go back to the operator,
  // the rest are worked on.
  void plan_new(std::size_t s, const Case& c) {
    const double r = random_.uniform();
    if (r < 0.025) return push(s, Step::cancel, c.created_at + minutes(5, 90));
    if (r < 0.065)
      return push(s, Step::give_back,
                  c.created_at + static_cast<Millis>(random_.uniform(0.05, 0.4) *
                                                     static_cast<double>(*c.accept_by - c.created_at)));
    plan_work(s, c, c.created_at);
  }

  // When a worker acts on a clock that runs from `from` to `deadline`: most in time, some
  // only after the warning, some late — then mostly soon after the escalation (the next
  // tier chases them), a few after a second one.
  Millis act_at(const Case& c, Millis from, Millis deadline, bool resolving, double in_time, double warned) {
    const double x = random_.uniform();
    const auto span = static_cast<double>(deadline - from);
    if (x < in_time) return from + static_cast<Millis>(random_.uniform(0.03, 0.6) * span);
    if (x < in_time + warned) return from + static_cast<Millis>(random_.uniform(0.76, 0.98) * span);
    auto window = [&](Urgency u) {
      auto cat = categories_.find(c.category);
      const Deadlines d =
          cat == categories_.end() ? default_sla()[static_cast<std::size_t>(u)] : cat->second.deadlines(u);
      return static_cast<double>((resolving ? d.resolve_s : d.accept_s) * kSecond);
    };
    const Urgency once = raised(c.urgency), twice = raised(once);
    Millis at = deadline + static_cast<Millis>(random_.uniform(0.05, 0.9) * window(once));
    if (random_.chance(0.25))
      at = deadline + static_cast<Millis>(window(once) + random_.uniform(0.05, 0.9) * window(twice));
    return at;
  }

  void plan_work(std::size_t s, const Case& c, Millis from) {
    if (!c.accept_by || !c.resolve_by) return;
    const Millis accept_at = act_at(c, from, *c.accept_by, false, 0.72, 0.14);
    auto& story = stories_[s];
    story.resolve_at = std::max(accept_at + minutes(10, 120), act_at(c, from, *c.resolve_by, true, 0.70, 0.15));
    if (!story.deferral && random_.chance(0.03)) story.deferral = true;
    push(s, Step::accept, accept_at);
  }

  void act(const Planned& p) {
    auto& story = stories_[p.story];
    if (story.id == 0) return;
    const Actor system{};
    auto now_case = center_.get_case(story.id, system);
    if (!now_case || !now_case->open()) return;
    const Case& c = *now_case;
    const Millis now = clock_.now();
    switch (p.step) {
      case Step::accept:
        if (c.state == CaseState::accepted) return push(p.story, Step::resolve, story.resolve_at);
        if (c.state != CaseState::dispatched) return;
        if (!by_worker(c, Action::accept, "")) return;
        if (story.deferral) return push(p.story, Step::ask_deferral, now + minutes(30, 180));
        return push(p.story, Step::resolve, story.resolve_at);
      case Step::resolve:
        if (c.state == CaseState::dispatched) {  // handed over meanwhile: the new holder accepts first
          story.resolve_at = std::max(story.resolve_at, now + minutes(60, 240));
          return push(p.story, Step::accept, now + minutes(10, 60));
        }
        if (c.state != CaseState::accepted || !by_worker(c, Action::resolve, "已处置完毕，现场已拍照留档")) return;
        if (!story.reworked && random_.chance(0.06)) return push(p.story, Step::reopen, now + minutes(30, 360));
        return push(p.story, Step::close, now + minutes(20, 360));
      case Step::close:
        if (c.state == CaseState::resolved) by_operator(c, Action::close, "核查属实，予以结案");
        return;
      case Step::reopen:
        if (c.state != CaseState::resolved) return;
        if (!by_operator(c, Action::reopen, "回访群众不满意，退回重新处置")) return;
        story.reworked = true;
        return replan(p.story, now);
      case Step::give_back:
        if (c.state != CaseState::dispatched && c.state != CaseState::accepted) return;
        if (by_worker(c, Action::return_case,
                      random_.chance(0.5) ? "经核实不属于本网格范围" : "非网格职责，建议转交执法部门"))
          push(p.story, Step::register_again, now + minutes(30, 960));
        return;
      case Step::register_again: {
        if (c.state != CaseState::reported) return;
        // The operator sends it to the grid's B post (or lets assignment choose).
        auto b = backups_.find(story.grid);
        TransitionRequest r{Action::register_case, c.version, "已核实，重新派遣", std::nullopt};
        if (b != backups_.end()) r.assignee = b->second;
        if (!send(c.id, r, people_.operator_)) return;
        return replan(p.story, now);
      }
      case Step::cancel:
        if (c.state != CaseState::resolved) by_operator(c, Action::cancel, "重复上报，已合并处理");
        return;
      case Step::ask_deferral:
        if (c.state != CaseState::accepted ||
            !by_worker(c, Action::request_deferral, "需协调相关职能部门，申请延期办理"))
          return;
        return push(p.story, Step::defer, now + minutes(20, 120));
      case Step::defer:
        if (c.paused_at) return;
        if (!send(c.id, {Action::defer, c.version, "同意延期", std::nullopt}, people_.supervisor)) return;
        return push(p.story, Step::resume, now + minutes(360, 1800));
      case Step::resume:
        if (!c.paused_at) return;
        if (!send(c.id, {Action::resume, c.version, "协调完毕，恢复办理", std::nullopt}, people_.supervisor)) return;
        story.resolve_at = now + minutes(60, 480);
        return push(p.story, Step::resolve, story.resolve_at);
    }
  }

  // Plans the work again from the case as it is now (after a reopen or re-dispatch).
  void replan(std::size_t s, Millis now) {
    auto c = center_.get_case(stories_[s].id, Actor{});
    if (c) plan_work(s, *c, now);
  }

  bool by_worker(const Case& c, Action action, const std::string& note) {
    auto w = people_.workers.find(c.assignee);
    if (w == people_.workers.end()) return false;  // waiting in the unassigned queue
    return send(c.id, {action, c.version, note, std::nullopt}, w->second);
  }
  bool by_operator(const Case& c, Action action, const std::string& note) {
    return send(c.id, {action, c.version, note, std::nullopt}, people_.operator_);
  }

  // Asks the center; false when it refuses at once (storage answers later).
  bool send(CaseId id, const TransitionRequest& r, const Actor& actor) {
    ++actions_;
    flight_.add();
    bool refused = false;
    // A refusal on the caller's thread is immediate (`refused` is still alive then); storage
    // answers later on its own thread and only counts.
    center_.transition(id, r, actor, [this, &refused, caller = std::this_thread::get_id()](Result<Case> c) {
      if (!c && std::this_thread::get_id() == caller) refused = true;
      flight_.done(c ? Status{} : Status{c.error()});
    });
    return !refused;
  }

  // Workers on leave, a typhoon warning for the islands' street, two grids whose A and B
  // posts swap (岗位变动).
  void organisation_changes(Millis start) {
    for (std::size_t i = 0; i < city_.workers.size(); i += 67) {
      ++actions_;
      flight_.add();
      center_.set_worker_status(city_.workers[i].worker.id, DutyStatus::leave, people_.operator_,
                                [this](Result<Worker> w) { flight_.done(w ? Status{} : Status{w.error()}); });
    }
    typhoon_at_ = start + kDay + 6 * kHour - kLocalOffset;  // day 2, 06:00 local
    handover_at_ = start + kDay + 10 * kHour - kLocalOffset;
  }

 public:
  // Organisation events on the timeline, between the cases.
  void organisation_events(Millis t) {
    const std::string islands = city_.district + "003";  // 大嶝街道
    if (!typhoon_on_ && t >= typhoon_at_) {
      typhoon_on_ = true;
      mode(islands, true);
    }
    if (typhoon_on_ && !typhoon_off_ && t >= typhoon_at_ + 10 * kHour) {
      typhoon_off_ = true;
      mode(islands, false);
    }
    if (!handed_over_ && t >= handover_at_) {
      handed_over_ = true;
      std::size_t done = 0;
      for (const auto& g : grids_) {
        auto b = backups_.find(g.area->code);
        const auto owner = owner_of(g.area->code);
        if (b == backups_.end() || owner.empty() || done == 2) continue;
        if ((done == 0 && g.area->code.rfind(city_.district + "001", 0) == 0) ||
            (done == 1 && g.area->code.rfind(city_.district + "002", 0) == 0)) {
          ++actions_;
          ++done;
          auto r = center_.reassign_grid_and_wait(g.area->code, b->second, owner, people_.operator_);
          if (!r) flight_.refused("handover: " + r.error().message);
          backups_[g.area->code] = owner;
        }
      }
    }
  }

 private:
  std::string owner_of(const std::string& grid) const {
    for (const auto& w : city_.workers)
      for (const auto& g : w.owner_of)
        if (g == grid) return w.worker.id;
    return {};
  }

  void mode(const std::string& street, bool emergency) {
    ++actions_;
    flight_.add();
    center_.set_mode(street, emergency, people_.supervisor,
                     [this](Result<Jurisdiction> j) { flight_.done(j ? Status{} : Status{j.error()}); });
  }

  Center& center_;
  ManualClock& clock_;
  const DemoCity& city_;
  const HistoryPeople& people_;
  const HistoryOptions& options_;
  Random random_;
  std::vector<GridInfo> grids_;
  std::vector<double> grid_weights_;
  DemoCaseWriter writer_;
  std::map<std::string, WorkerId> backups_;  // grid -> B post holder
  std::map<std::string, Category> categories_;
  std::vector<Story> stories_;
  std::priority_queue<Planned, std::vector<Planned>, std::greater<>> plan_;
  std::uint64_t order_ = 0;
  Millis floor_ = 0;  // nothing may be planned before this
  CaseId last_case_ = 0;
  std::size_t actions_ = 0;
  InFlight flight_;
  Millis typhoon_at_ = 0, handover_at_ = 0;
  bool typhoon_on_ = false, typhoon_off_ = false, handed_over_ = false;
};

}  // namespace

std::vector<Category> demo_extra_categories() {
  const auto standard = default_sla();
  auto minutes = [](std::int64_t m) { return m * 60; };
  auto hours = [](std::int64_t h) { return h * 3600; };
  return {
      {"municipal_facilities", "市政设施", standard, false},
      // Fire hazards are taken up faster than the defaults.
      {"fire_safety",
       "消防安全",
       {Deadlines{hours(4), hours(48)}, {hours(1), hours(12)}, {minutes(15), hours(2)}},
       false},
      {"special_groups", "特殊人群关爱", standard, false},
      // An emergency drill runs on minutes.
      {kDrillCategory,
       "应急演练",
       {Deadlines{minutes(10), minutes(40)}, {minutes(5), minutes(20)}, {minutes(2), minutes(10)}},
       false},
  };
}

HistoryOutcome play_history(Center& center, ManualClock& clock, const DemoCity& city, const HistoryPeople& people,
                            const HistoryOptions& options) {
  Player player(center, clock, city, people, options);
  return player.play();
}

}  // namespace gridkeeper::demo
