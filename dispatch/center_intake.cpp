#include "dispatch/center.hpp"

#include <algorithm>
#include <cmath>

#include "dispatch/center_internal.hpp"
#include "dispatch/text_rules.hpp"

// The Center's intake: routing a location to its grid, placing a case there (who gets
// it, whether emergency mode applies) and taking a new case in.
namespace gridkeeper::dispatch {

using namespace detail;

Result<RouteAnswer> Center::route(geo::Point p, geo::Crs crs) const {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || p.lon < -180 || p.lon > 180)
    return make_error(ErrorCode::invalid_value, "longitude must be a number between -180 and 180", "lon");
  if (p.lat < -90 || p.lat > 90)
    return make_error(ErrorCode::invalid_value, "latitude must be a number between -90 and 90", "lat");
  const auto index = index_.current();
  if (!index) return make_error(ErrorCode::not_in_any_grid, "no grids are loaded");
  const auto r = index->route(geo::to_wgs84(p, crs));
  if (!r.found()) return make_error(ErrorCode::not_in_any_grid, "no grid contains this location", "lon");
  RouteAnswer answer;
  answer.grid = index->code(static_cast<std::size_t>(r.grid));
  answer.snapped = r.snapped;
  answer.distance_m = r.distance_m;
  std::lock_guard lock(mutex_);
  const auto loc = locate(answer.grid);
  answer.community = loc.community;
  answer.street = loc.street;
  answer.district = loc.district;
  if (auto g = grids_.find(answer.grid); g != grids_.end()) answer.owner = g->second.owner;
  return answer;
}

Result<Placement> Center::place(geo::Point p, geo::Crs crs) const {
  auto where = route(p, crs);
  if (!where) return where.error();
  std::lock_guard lock(mutex_);
  return place_locked(std::move(*where));
}

Placement Center::place_locked(RouteAnswer where) const {
  Placement out;
  out.emergency = emergency_at_locked(where.street, where.district);
  if (auto g = grids_.find(where.grid); g != grids_.end())
    out.assignment = assign_locked(g->second, where.street, out.emergency);
  out.where = std::move(where);
  return out;
}

void Center::intake(const IntakeRequest& req, const Actor& actor, CaseCallback done) {
  if (auto e = check(actor, Permission::take_in)) return done(std::move(*e));
  for (auto [value, limit, field, kind] : {std::tuple{&req.title, kMaxTitle, "title", TextKind::line},
                                           {&req.description, kMaxText, "description", TextKind::multiline},
                                           {&req.address, kMaxShort, "address", TextKind::line},
                                           {&req.source, kMaxShort, "source", TextKind::line},
                                           {&req.reporter.name, kMaxShort, "reporter.name", TextKind::line},
                                           {&req.reporter.phone, kMaxShort, "reporter.phone", TextKind::line}})
    if (auto e = check_text(*value, limit, field, kind)) return done(std::move(*e));
  // Only the Open311 endpoint takes in citizens' requests: their text is what Open311
  // shows back, so no one else may mark a case as theirs.
  const bool citizen = actor.channel == Channel::open311;
  if (!citizen && req.source == kOpen311Source)
    return done(make_error(ErrorCode::invalid_value, "source open311 is set only by the Open311 endpoint", "source"));
  if (req.title.empty()) return done(make_error(ErrorCode::invalid_value, "a case needs a title", "title"));
  auto where = route({req.lon, req.lat}, req.crs);
  if (!where) {
    auto e = where.error();
    if (e.code == ErrorCode::not_in_any_grid)
      e.code = ErrorCode::invalid_value, e.message = "no grid contains this location (not_in_any_grid)";
    return done(std::move(e));
  }
  if (in_flight_.load() >= options_.max_in_flight)
    return done(make_error(ErrorCode::overloaded, "the command center is busy; try again shortly"));
  const geo::Point wgs = geo::to_wgs84({req.lon, req.lat}, req.crs);

  std::lock_guard lock(mutex_);
  auto category = categories_.find(req.category);
  if (category == categories_.end())
    return done(make_error(ErrorCode::invalid_value, "unknown category " + req.category, "category"));
  if (!covers(actor, where->grid, places()))
    return done(make_error(ErrorCode::forbidden, "this location is outside your jurisdiction", "lon"));
  const Millis now = clock_.now();
  Case c;
  c.id = next_id_++;
  c.urgency = req.urgency;
  c.category = req.category;
  c.title = req.title;
  c.description = req.description;
  c.address = req.address;
  c.source = citizen ? std::string(kOpen311Source) : req.source.empty() ? "operator" : req.source;
  c.reporter = req.reporter;
  c.lon = wgs.lon;
  c.lat = wgs.lat;
  c.grid = where->grid;
  c.community = where->community;
  c.street = where->street;
  c.district = where->district;
  c.created_at = c.updated_at = now;
  Change change;
  CaseNotice notice{"case.created", {}, {}, {}, {}};
  change.events.push_back(
      event_for(c, EventType::created, actor, CaseState::reported, {}, "taken in from " + c.source));

  // Registered and dispatched at once: the case has a location and so a grid; it goes
  // where `place` says. Emergency mode raises new cases to at least orange.
  const auto placement = place_locked(std::move(*where));
  std::string raised_note;
  if (placement.emergency && c.urgency == Urgency::yellow) {
    c.urgency = Urgency::orange;
    raised_note = "emergency mode: raised to orange";
    change.events.back().urgency_from = Urgency::yellow;
    change.events.back().urgency_to = Urgency::orange;
  }
  const auto& assignment = placement.assignment;
  set_assignee_locked(c, assignment.worker);
  c.state = CaseState::dispatched;
  start_clocks(c, category->second, now, Clocks::both, rules_locked(c));
  if (!raised_note.empty()) change.events.back().note = raised_note;
  change.events.push_back(event_for(c, EventType::register_case, actor, CaseState::reported, {}, assignment.reason));
  open_[c.id] = c;
  schedule_locked(c);
  change.cases.push_back(c);
  notice.current = c;
  notice.events = change.events;
  submit_locked(std::move(change), {std::move(notice)}, [this, c, done = std::move(done)](Status status) {
    if (status) {
      std::lock_guard lock(mutex_);
      if (auto it = open_.find(c.id); it != open_.end() && it->second.version == c.version) {
        set_assignee_locked(it->second, {});
        open_.erase(it);
        recount_locked(c.id, nullptr);
      }
      return done(std::move(*status));
    }
    done(c);
  });
}

std::vector<std::string> Center::street_communities_locked(const std::string& street) const {
  std::vector<std::string> out;
  for (const auto& [code, j] : jurisdictions_)
    if (j.level == Level::community && j.parent == street) out.push_back(code);
  std::sort(out.begin(), out.end());
  return out;
}

int Center::load_of_locked(const WorkerId& w) const {
  auto it = load_.find(w);
  return it == load_.end() ? 0 : it->second;
}

// The one choice of a worker, for intake (through place_locked), re-dispatch and handover.
Assignment Center::assign_locked(const Grid& grid, const std::string& street, bool emergency) const {
  return choose_assignee(
      grid, workers_, [this](const WorkerId& w) { return load_of_locked(w); },
      emergency ? street_communities_locked(street) : std::vector<std::string>{});
}

Assignment Center::assign_locked(const Case& c, const Grid& grid) const {
  return assign_locked(grid, c.street, emergency_locked(c));
}

}  // namespace gridkeeper::dispatch
