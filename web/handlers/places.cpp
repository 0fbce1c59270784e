#include "web/handlers/places.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <unordered_map>

#include "dispatch/access_places.hpp"
#include "dispatch/address_import.hpp"
#include "dispatch/text_rules.hpp"
#include "web/params.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::ErrorCode;

namespace {

constexpr std::size_t kSearchResults = 10;  // of each kind in GET /search

// "1234" or "#1234": a case number.
std::optional<dispatch::CaseId> case_number(const std::string& q) {
  std::string_view s = q;
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  return parse_id(s);
}

// The query text: required, trimmed of spaces, up to kMaxQueryBytes bytes of one line of
// well-formed text (dispatch/text_rules.hpp), at least two characters (or, for the search,
// a case number of any length).
dispatch::Result<std::string> query_text(const CallPtr& call, bool case_numbers = false) {
  const std::string* q = call->param("q");
  if (!q) return dispatch::make_error(ErrorCode::bad_request, "q is required", "q");
  if (q->size() > dispatch::kMaxQueryBytes)
    return dispatch::make_error(ErrorCode::invalid_value,
                                "q is longer than " + std::to_string(dispatch::kMaxQueryBytes) + " bytes", "q");
  if (auto e = dispatch::check_text(*q, dispatch::kMaxQueryBytes, "q")) return *e;
  std::string text = *q;
  const auto first = text.find_first_not_of(" \t\u3000");
  if (first == std::string::npos) text.clear();
  else text = text.substr(first, text.find_last_not_of(" \t\u3000") - first + 1);
  std::size_t chars = 0;
  for (unsigned char b : text)
    if ((b & 0xC0) != 0x80) ++chars;
  if (chars < 2 && !(case_numbers && case_number(text)))
    return dispatch::make_error(ErrorCode::invalid_value, "q needs two or more characters", "q");
  return text;
}

dispatch::Result<std::size_t> limit_of(const CallPtr& call) {
  const std::string* s = call->param("limit");
  if (!s) return dispatch::kDefaultAddressResults;
  auto n = parse_id(*s);
  if (!n || *n > static_cast<std::int64_t>(dispatch::kMaxAddressResults))
    return dispatch::make_error(ErrorCode::invalid_value,
                                "limit must be 1 to " + std::to_string(dispatch::kMaxAddressResults), "limit");
  return static_cast<std::size_t>(*n);
}

bool holds(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// What the caller sees of the organisation, to name an address's grid, community and worker.
struct Names {
  std::unordered_map<std::string, dispatch::Grid> grids;
  std::unordered_map<std::string, std::string> places;   // jurisdiction code -> name
  std::unordered_map<std::string, std::string> workers;  // id -> name

  Names(const dispatch::Center& center, const dispatch::Actor& actor) {
    for (auto& g : center.grids(actor)) grids.emplace(g.code, std::move(g));
    for (const auto& j : center.jurisdictions(actor)) places.emplace(j.code, j.name);
    for (const auto& w : center.workers(actor)) workers.emplace(w.id, w.name);
  }
  std::string place(const std::string& code) const {
    auto it = places.find(code);
    return it == places.end() ? std::string() : it->second;
  }
  std::string worker(const std::string& id) const {
    auto it = workers.find(id);
    return it == workers.end() ? std::string() : it->second;
  }
};

json::value text_or_null(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

json::object address_json(const dispatch::Address& a, const Names& names) {
  json::object o{{"id", a.id},   {"address", a.address}, {"building", a.building},
                 {"lon", a.lon}, {"lat", a.lat},         {"grid_id", text_or_null(a.grid_id)}};
  std::string community = a.community;
  auto g = names.grids.find(a.grid_id);
  if (g != names.grids.end()) {
    o["grid_name"] = g->second.name;
    o["community_code"] = g->second.community;
    if (community.empty()) community = names.place(g->second.community);
    o["owner_id"] = text_or_null(g->second.owner);
    o["owner_name"] = text_or_null(names.worker(g->second.owner));
  }
  o["community"] = community;
  return o;
}

json::object grid_json(const dispatch::Grid& g, const Names& names, const geo::GridIndex* index) {
  json::object o{{"id", g.code},
                 {"name", g.name},
                 {"community", g.community},
                 {"community_name", names.place(g.community)},
                 {"owner_id", text_or_null(g.owner)},
                 {"owner_name", text_or_null(names.worker(g.owner))}};
  if (index)
    for (std::size_t i = 0; i < index->size(); ++i)
      if (index->code(i) == g.code) {
        const auto b = index->bbox(i);
        o["lon"] = (b.min_lon + b.max_lon) / 2;
        o["lat"] = (b.min_lat + b.max_lat) / 2;
        break;
      }
  return o;
}

}  // namespace

PlaceHandlers::PlaceHandlers(Router& router, const ApiOptions& options, dispatch::Center& center,
                             const dispatch::Clock& clock)
    : HandlerGroup(router, options), center(center), clock(clock) {}

namespace {
std::atomic<dispatch::AddressBook*> the_book{nullptr};
}  // namespace

void use_address_book(dispatch::AddressBook* book) { the_book.store(book); }
dispatch::AddressBook* address_book() { return the_book.load(); }

bool PlaceHandlers::ready(const CallPtr& call) {
  if (address_book()) return true;
  fail(call, ErrorCode::overloaded, "addresses are not available on this server");
  return false;
}

void PlaceHandlers::addresses(const CallPtr& call) {
  if (auto e = dispatch::check_find_places(call->actor())) return fail(call, *e);
  auto q = query_text(call);
  if (!q) return fail(call, q.error());
  auto limit = limit_of(call);
  if (!limit) return fail(call, limit.error());
  if (!ready(call)) return;
  offload(call, [this, call, q = std::move(*q), limit = *limit] {
    auto found = address_book()->find_addresses(q, limit);
    if (!found) return fail(call, found.error());
    const Names names(center, call->actor());
    json::array items;
    for (const auto& a : *found) items.push_back(address_json(a, names));
    ok(call, 200, json::object{{"items", std::move(items)}});
  });
}

void PlaceHandlers::import_addresses(const CallPtr& call) {
  if (auto e = dispatch::check_manage_addresses(call->actor())) return fail(call, *e);
  geo::Crs crs = geo::Crs::wgs84;
  if (const std::string* c = call->param("crs")) {
    auto parsed = geo::crs_from_string(*c);
    if (!parsed) return fail(call, ErrorCode::invalid_value, "crs must be wgs84, gcj02 or bd09", "crs");
    crs = *parsed;
  }
  if (!ready(call)) return;
  offload(call, [this, call, crs] {
    auto parsed = dispatch::parse_address_csv(call->request.body, crs, dispatch::grid_of(center.grid_index()));
    if (!parsed) return fail(call, parsed.error());
    auto loaded = address_book()->load_addresses(parsed->rows, clock.now(), call->actor().label());
    if (!loaded) return fail(call, loaded.error());
    json::array problems;
    for (const auto& p : parsed->problems)
      problems.push_back(json::object{{"line", p.line}, {"field", p.field}, {"message", p.message}});
    ok(call, 200,
       json::object{{"added", loaded->added},
                    {"updated", loaded->updated},
                    {"unchanged", loaded->unchanged},
                    {"rejected", parsed->rejected},
                    {"problems", std::move(problems)}});
  });
}

void PlaceHandlers::search(const CallPtr& call) {
  if (auto e = dispatch::check_find_places(call->actor())) return fail(call, *e);
  auto q = query_text(call, /*case_numbers=*/true);
  if (!q) return fail(call, q.error());
  if (!ready(call)) return;
  offload(call, [this, call, q = std::move(*q)] {
    const auto& actor = call->actor();
    json::array cases, addresses, grids, communities, workers;
    // Cases: by number, then by words of the title or address and the reporter's phone's
    // last four digits, within the caller's view, newest first; each one checked again.
    std::vector<dispatch::CaseId> ids;
    if (auto n = case_number(q)) ids.push_back(*n);
    auto view = center.report_view(actor, "", true);
    if (!view) return fail(call, view.error());
    dispatch::CaseSearch search{q, {}, *view, kSearchResults};
    if (q.size() == 4 && std::all_of(q.begin(), q.end(), [](char c) { return c >= '0' && c <= '9'; }))
      search.phone_tail = q;
    auto found = address_book()->find_case_ids(search);
    if (!found) return fail(call, found.error());
    ids.insert(ids.end(), found->begin(), found->end());
    std::vector<dispatch::CaseId> shown;
    for (auto id : ids) {
      if (cases.size() >= kSearchResults) break;
      if (std::find(shown.begin(), shown.end(), id) != shown.end()) continue;
      auto c = center.get_case(id, actor);
      if (!c) continue;  // not there, or not in the caller's sight
      shown.push_back(id);
      cases.push_back(case_json(*c, center.allowed_actions(*c, actor)));
    }
    const Names names(center, actor);
    auto places = address_book()->find_addresses(q, kSearchResults);
    if (!places) return fail(call, places.error());
    for (const auto& a : *places) addresses.push_back(address_json(a, names));
    const auto index = center.grid_index();
    for (const auto& [code, g] : names.grids) {
      if (grids.size() >= kSearchResults) break;
      if (holds(g.name, q) || code == q || holds(names.place(g.community) + " " + g.name, q))
        grids.push_back(grid_json(g, names, index.get()));
    }
    for (const auto& j : center.jurisdictions(actor)) {
      if (communities.size() >= kSearchResults) break;
      if (j.level != dispatch::Level::grid && (holds(j.name, q) || j.code == q))
        communities.push_back(json::object{{"code", j.code}, {"name", j.name}, {"level", to_string(j.level)}});
    }
    for (const auto& w : center.workers(actor)) {
      if (workers.size() >= kSearchResults) break;
      if (holds(w.name, q) || w.id == q)
        workers.push_back(json::object{{"id", w.id}, {"name", w.name}, {"community", w.community}});
    }
    ok(call, 200,
       json::object{{"cases", std::move(cases)},
                    {"addresses", std::move(addresses)},
                    {"grids", std::move(grids)},
                    {"communities", std::move(communities)},
                    {"workers", std::move(workers)}});
  });
}

}  // namespace gridkeeper::web
