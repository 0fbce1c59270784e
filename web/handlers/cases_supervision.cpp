// Supervision of cases: 催办 (POST /api/v1/cases/{id}/urge) and the list of overdue cases
// longest overdue first (GET /api/v1/overdue-cases).
#include <algorithm>

#include "dispatch/access.hpp"
#include "dispatch/overdue_colour.hpp"
#include "web/handlers/cases.hpp"
#include "web/json_codec.hpp"
#include "web/json_reader.hpp"
#include "web/params.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::ErrorCode;

void CaseHandlers::urge_case(const CallPtr& call) {
  auto id = case_id(call);
  if (!id) return;
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  JsonReader r(*body);
  r.only({"note"});
  dispatch::TransitionRequest req;
  req.action = dispatch::Action::urge;
  req.any_version = true;
  if (auto note = r.text("note", true)) req.note = std::move(*note);
  if (r.error) return fail(call, *r.error);
  // Who may urge which case, and the note it needs, are the lifecycle's and the access
  // policy's; the center checks the note's text.
  offload(call, [this, call, id = *id, req = std::move(req)] {
    center.transition(id, req, call->actor(), [this, call](dispatch::Result<dispatch::Case> r) {
      on_strand(call, [this, call, r = std::move(r)] {
        if (!r) return fail(call, r.error());
        ok(call, 200, case_for(call, *r));
      });
    });
  });
}

void CaseHandlers::overdue_cases(const CallPtr& call) {
  if (auto refused = dispatch::check(call->actor(), dispatch::Permission::list_overdue)) return fail(call, *refused);
  std::int64_t limit = 50, offset = 0;
  if (const auto* l = call->param("limit")) {
    auto n = parse_id(*l);
    if (!n || *n > 500) return fail(call, ErrorCode::invalid_value, "limit must be between 1 and 500", "limit");
    limit = *n;
  }
  if (const auto* o = call->param("offset")) {
    auto n = parse_id(*o);
    if (*o == "0") n = 0;
    if (!n || *n > 1'000'000)
      return fail(call, ErrorCode::invalid_value, "offset must be between 0 and 1000000", "offset");
    offset = *n;
  }
  std::string scope;
  if (const auto* s = call->param("scope")) {
    if (s->empty() || s->size() > 64) return fail(call, ErrorCode::invalid_value, "scope must be a code", "scope");
    scope = *s;
  }
  offload(call, [this, call, limit, offset, scope] {
    const auto actor = call->actor();
    std::vector<dispatch::Case> overdue;
    center.for_each_open_case(actor, [&](const dispatch::Case& c) {
      if (c.overdue) overdue.push_back(c);
    });
    if (!scope.empty())
      std::erase_if(overdue, [&](const dispatch::Case& c) {
        return !center.in_scope(scope, c.grid.empty() ? c.community : c.grid);
      });
    const auto total = static_cast<std::int64_t>(overdue.size());
    const auto begin = std::min(offset, total), end = std::min(offset + limit, total);
    std::partial_sort(overdue.begin(), overdue.begin() + end, overdue.end(), dispatch::overdue_longer);
    const auto now = clock.now();
    json::array items;
    for (auto i = begin; i < end; ++i) {
      const auto& c = overdue[static_cast<std::size_t>(i)];
      auto o = case_for(call, c);
      const auto colour = dispatch::overdue_colour_of(c);
      o["overdue_colour"] = colour ? json::value(to_string(*colour)) : json::value(nullptr);
      o["overdue_at"] = c.overdue_at ? json::value(iso8601(*c.overdue_at)) : json::value(nullptr);
      o["overdue_ms"] =
          c.overdue_at ? json::value(std::max<std::int64_t>(0, now - *c.overdue_at)) : json::value(nullptr);
      items.push_back(std::move(o));
    }
    ok(call, 200, json::object{{"items", std::move(items)}, {"total", total}, {"offset", offset}, {"limit", limit}});
  });
}

}  // namespace gridkeeper::web
