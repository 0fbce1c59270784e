#include "web/handlers/cases.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "dispatch/case_view.hpp"
#include "web/csv.hpp"
#include "web/params.hpp"
#include "web/stats.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::Actor;
using dispatch::ErrorCode;

namespace {
std::string media_type(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}

// The account of an event's actor, "user:<id>:<login>"; none for the system.
std::optional<dispatch::UserId> actor_user(std::string_view actor) {
  if (!actor.starts_with("user:")) return std::nullopt;
  actor.remove_prefix(5);
  auto id = parse_id(actor.substr(0, actor.find(':')));
  if (!id) return std::nullopt;
  return *id;
}

bool looks_like(std::string_view type, std::string_view bytes) {
  if (type == "image/jpeg") return bytes.size() >= 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF";
  if (type == "image/png") return bytes.size() >= 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n";
  return false;
}
}  // namespace

CaseHandlers::CaseHandlers(Router& router, const ApiOptions& o, dispatch::Center& c, dispatch::Accounts& a,
                           const dispatch::Clock& clk)
    : HandlerGroup(router, o), center(c), accounts(a), clock(clk) {}

json::object CaseHandlers::case_for(const CallPtr& call, const dispatch::Case& c) {
  return case_json(c, center.allowed_actions(c, call->actor()), clock.now());
}

void CaseHandlers::route(const CallPtr& call) {
  auto lon = parse_number(call->param("lon"), "lon");
  if (!lon) return fail(call, lon.error());
  auto lat = parse_number(call->param("lat"), "lat");
  if (!lat) return fail(call, lat.error());
  geo::Crs crs = geo::Crs::wgs84;
  if (const auto* c = call->param("crs")) {
    auto parsed = geo::crs_from_string(*c);
    if (!parsed) return fail(call, ErrorCode::invalid_value, "crs must be wgs84, gcj02 or bd09", "crs");
    crs = *parsed;
  }
  // Where it lies, and the worker a case taken in there now would go to, as intake chooses.
  auto placed = center.place({*lon, *lat}, crs);
  if (!placed) return fail(call, placed.error());
  const auto& a = placed->where;
  const auto& chosen = placed->assignment;
  // Geography is open to every user; who holds a post, or would get the case, only to
  // those who see the grid.
  const bool posts = center.grid_visible(a.grid, call->actor());
  auto id_or_null = [&](const dispatch::WorkerId& w) {
    return posts && !w.empty() ? json::value(w) : json::value(nullptr);
  };
  ok(call, 200,
     json::object{{"grid_id", a.grid},
                  {"community", a.community},
                  {"street", a.street},
                  {"district", a.district},
                  {"owner_id", id_or_null(a.owner)},
                  {"worker_id", id_or_null(chosen.worker)},
                  {"assignment", posts ? json::value(to_string(chosen.rule)) : json::value(nullptr)},
                  {"assignment_reason", posts ? json::value(chosen.reason) : json::value(nullptr)},
                  {"emergency", placed->emergency},
                  {"snapped", a.snapped},
                  {"distance_m", a.distance_m}});
}

void CaseHandlers::create_case(const CallPtr& call) {
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto intake = intake_from(*body);
  if (!intake) return fail(call, intake.error());
  center.intake(*intake, call->actor(), [this, call](dispatch::Result<dispatch::Case> r) {
    on_strand(call, [this, call, r = std::move(r)] {
      if (!r) return fail(call, r.error());
      auto response = json_response(201, case_for(call, *r));
      response.headers.emplace_back("Location", "/api/v1/cases/" + std::to_string(r->id));
      respond(call, std::move(response));
    });
  });
}

void CaseHandlers::list_cases(const CallPtr& call) {
  dispatch::CaseQuery q;
  if (const auto* s = call->param("state")) {
    q.state = dispatch::case_state_from(*s);
    if (!q.state) return fail(call, ErrorCode::invalid_value, "unknown state " + *s, "state");
  }
  if (const auto* u = call->param("urgency")) {
    q.urgency = dispatch::urgency_from(*u);
    if (!q.urgency) return fail(call, ErrorCode::invalid_value, "urgency must be yellow, orange or red", "urgency");
  }
  for (auto [name, slot] : {std::pair{"overdue", &q.overdue}, {"open", &q.open}})
    if (const auto* v = call->param(name)) {
      *slot = parse_flag(*v);
      if (!*slot) return fail(call, ErrorCode::invalid_value, std::string(name) + " must be true or false", name);
    }
  if (const auto* g = call->param("grid")) q.grid = *g;
  if (const auto* a = call->param("assignee")) q.assignee = *a;
  if (const auto* s = call->param("scope")) q.scope = *s;
  if (const auto* l = call->param("limit")) {
    auto n = parse_id(*l);
    if (!n || *n > 500) return fail(call, ErrorCode::invalid_value, "limit must be between 1 and 500", "limit");
    q.limit = static_cast<int>(*n);
  }
  if (const auto* a = call->param("after")) {
    q.after = parse_id(*a);
    if (!q.after) return fail(call, ErrorCode::invalid_value, "after must be a case id", "after");
  }
  bool csv = false;
  if (const auto* f = call->param("format")) {
    if (*f != "json" && *f != "csv")
      return fail(call, ErrorCode::invalid_value, "format must be json or csv", "format");
    csv = *f == "csv";
  }
  dispatch::CaseSort sort;
  if (const auto* s = call->param("sort")) {
    auto parsed = dispatch::case_sort_from(*s);
    if (!parsed)
      return fail(call, ErrorCode::invalid_value,
                  "sort must be id, time_left, urgency, state, tier, grid, assignee, title or created_at, "
                  "with - before it for the reverse order",
                  "sort");
    sort = *parsed;
  }
  std::optional<std::size_t> offset;
  if (const auto* o = call->param("offset")) {
    auto n = *o == "0" ? std::optional<std::int64_t>(0) : parse_id(*o);
    if (!n || *n > 100000) return fail(call, ErrorCode::invalid_value, "offset must be between 0 and 100000", "offset");
    offset = static_cast<std::size_t>(*n);
  }
  const bool sorted = sort.key != dispatch::SortKey::id || sort.descending || offset;
  if (sorted) {
    // Sorted lists are of open cases, paged by offset.
    const bool open_only = q.open == true || (q.state && *q.state != dispatch::CaseState::closed &&
                                              *q.state != dispatch::CaseState::cancelled);
    if (!open_only)
      return fail(call, ErrorCode::invalid_value, "a sorted list holds open cases: add open=true", "sort");
    if (q.after) return fail(call, ErrorCode::invalid_value, "a sorted list is paged by offset, not after", "after");
    if (csv) return fail(call, ErrorCode::invalid_value, "a sorted list is JSON", "format");
    return offload(call, [this, call, q, sort, offset] {
      const auto page = center.sorted_open_cases(q, sort, offset.value_or(0), call->actor());
      const auto now = clock.now();
      json::array list;
      list.reserve(page.cases.size());
      const auto allowed = center.allowed_actions(page.cases, call->actor());
      for (std::size_t i = 0; i < page.cases.size(); ++i) list.push_back(case_json(page.cases[i], allowed[i], now));
      const auto next = offset.value_or(0) + page.cases.size();
      ok(call, 200,
         json::object{
             {"cases", std::move(list)},
             {"next_after", nullptr},
             {"next_offset", next < page.total ? json::value(static_cast<std::int64_t>(next)) : json::value(nullptr)},
             {"total", static_cast<std::int64_t>(page.total)},
             {"sort", std::string(sort.descending ? "-" : "") + std::string(to_string(sort.key))}});
    });
  }
  auto work = [this, call, q, csv] {
    const auto cases = center.find_cases(q, call->actor());
    if (csv) return respond(call, csv_response(cases_csv(cases), "cases.csv"));
    json::array list;
    list.reserve(cases.size());
    const auto allowed = center.allowed_actions(cases, call->actor());
    const auto now = clock.now();
    for (std::size_t i = 0; i < cases.size(); ++i) list.push_back(case_json(cases[i], allowed[i], now));
    json::value next = nullptr;
    if (!cases.empty() && static_cast<int>(cases.size()) >= std::clamp(q.limit, 1, 500)) next = cases.back().id;
    ok(call, 200, json::object{{"cases", std::move(list)}, {"next_after", next}});
  };
  if (csv) return offload_heavy(call, std::move(work));
  offload(call, std::move(work));
}

std::optional<dispatch::CaseId> CaseHandlers::case_id(const CallPtr& call) {
  auto id = parse_id(call->path[3]);
  if (!id) fail(call, ErrorCode::not_found, "no case " + call->path[3]);
  return id;
}

void CaseHandlers::get_case(const CallPtr& call) {
  auto id = case_id(call);
  if (!id) return;
  offload(call, [this, call, id = *id] {
    auto c = center.get_case(id, call->actor());
    if (!c) return fail(call, c.error());
    auto body = case_for(call, *c);
    json::array events, photos;
    // People's names, not logins: each account acting in the history looked up once.
    std::map<dispatch::UserId, std::optional<dispatch::User>> people;
    for (const auto& e : center.case_events(id)) {
      auto o = event_json(e);
      if (auto user_id = actor_user(e.actor)) {
        auto [it, fresh] = people.try_emplace(*user_id);
        if (fresh) it->second = accounts.user_by_id(*user_id);
        if (const auto& u = it->second) {
          o["actor_name"] = u->display_name.empty() ? u->username : u->display_name;
          if (!u->worker_id.empty()) o["actor_worker_id"] = u->worker_id;
        }
      }
      events.push_back(std::move(o));
    }
    for (const auto& p : accounts.photos(id, false)) {
      auto o = photo_json(p);
      o["stage"] = dispatch::is_after_photo(*c, p.at) ? "after" : "before";
      photos.push_back(std::move(o));
    }
    body["events"] = std::move(events);
    body["photos"] = std::move(photos);
    ok(call, 200, body);
  });
}

void CaseHandlers::transition(const CallPtr& call) {
  auto id = case_id(call);
  if (!id) return;
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto req = transition_from(*body);
  if (!req) return fail(call, req.error());
  // A case no longer open is looked up in storage: start on the pool.
  offload(call, [this, call, id = *id, req = std::move(*req)] {
    // A category may require an after-photo to resolve: the center judges by the latest.
    std::optional<dispatch::Millis> latest_photo;
    if (req.action == dispatch::Action::resolve)
      for (const auto& p : accounts.photos(id, false))
        if (!latest_photo || p.at > *latest_photo) latest_photo = p.at;
    center.transition(id, req, call->actor(), latest_photo, [this, call](dispatch::Result<dispatch::Case> r) {
      on_strand(call, [this, call, r = std::move(r)] {
        if (!r) return fail(call, r.error());
        ok(call, 200, case_for(call, *r));
      });
    });
  });
}

void CaseHandlers::admit_photo(const CallPtr& call, std::function<void()> admitted) {
  offload(call, [this, call, admitted = std::move(admitted)] {
    auto id = parse_id(call->path[3]);
    if (!id) return fail(call, ErrorCode::not_found, "no case " + call->path[3]);
    auto allowed = center.photo_allowed(*id, call->actor(), 0, 0, 0);
    if (!allowed) return fail(call, allowed.error());
    admitted();
  });
}

void CaseHandlers::add_photo(const CallPtr& call) {
  auto id = case_id(call);
  if (!id) return;
  const Actor actor = call->actor();
  const auto type = media_type(call->request.content_type);
  if (type != "image/jpeg" && type != "image/png")
    return fail(call, ErrorCode::invalid_value, "a photo must be image/jpeg or image/png", "content_type");
  if (call->request.body.empty()) return fail(call, ErrorCode::bad_request, "the photo is empty");
  if (!looks_like(type, call->request.body))
    return fail(call, ErrorCode::invalid_value, "the body is not a " + type + " image", "content_type");
  offload(call, [this, call, id = *id, type, actor] {
    const auto size = static_cast<std::int64_t>(call->request.body.size());
    const auto now = clock.now();
    constexpr dispatch::Millis kDay = 24LL * 3600 * 1000;
    auto allowed = center.photo_allowed(id, actor, accounts.photos(id, false).size(),
                                        accounts.photo_bytes_since(actor.label(), now - kDay), size);
    if (!allowed) return fail(call, allowed.error());
    dispatch::Photo photo;
    photo.case_id = id;
    photo.content_type = type;
    photo.data = std::move(call->request.body);
    photo.at = now;
    photo.actor = actor.label();
    const bool after = dispatch::is_after_photo(*allowed, now);
    auto stored = accounts.add_photo(std::move(photo));
    if (!stored) return fail(call, stored.error());
    // Every photo is in the case's history; the answer waits for that event to be durable.
    center.record_photo(
        id, actor, [this, call, stored = std::move(*stored), size, after](dispatch::Result<dispatch::CaseEvent> e) {
          on_strand(call, [this, call, stored, size, after, e = std::move(e)] {
            if (!e) return fail(call, e.error());
            auto body = photo_json(stored);
            body["size"] = size;
            body["stage"] = after ? "after" : "before";
            ok(call, 201, body);
          });
        });
  });
}

void CaseHandlers::get_photo(const CallPtr& call) {
  auto id = case_id(call);
  if (!id) return;
  auto photo_id = parse_id(call->path[5]);
  if (!photo_id) return fail(call, ErrorCode::not_found, "no photo " + call->path[5]);
  offload(call, [this, call, id = *id, photo_id = *photo_id] {
    auto c = center.get_case(id, call->actor());
    if (!c) return fail(call, c.error());
    auto p = accounts.photo(photo_id);
    if (!p || p->case_id != id) return fail(call, ErrorCode::not_found, "no photo " + std::to_string(photo_id));
    Response r;
    r.content_type = p->content_type;
    r.body = std::move(p->data);
    r.headers.emplace_back("Cache-Control", "private, max-age=86400");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    respond(call, std::move(r));
  });
}

void CaseHandlers::rate_case(const CallPtr& call) {
  auto id = case_id(call);
  if (!id) return;
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto rating = rating_from(*body);
  if (!rating) return fail(call, rating.error());
  // A closed case is read from storage: start on the pool.
  offload(call, [this, call, id = *id, rating = std::move(*rating)] {
    center.rate(id, rating.score, rating.note, call->actor(),
                answer_later<dispatch::CaseEvent>(call, 201, &rating_json));
  });
}

}  // namespace gridkeeper::web
