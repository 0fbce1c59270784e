#include "web/routes.hpp"

namespace gridkeeper::web {

namespace {
// The handler `member` of the group `group`, as an entry of the table.
template <auto group, auto member>
void on(Handlers& handlers, const CallPtr& call) {
  ((handlers.*group).*member)(call);
}

using H = Handlers;
using Cases = CaseHandlers;
using Maps = MapHandlers;
using Open311 = Open311Handlers;
using Ops = OperationsHandlers;
using Org = OrganisationHandlers;
using Leave = LeaveHandlers;
using Reports = ReportHandlers;
using Users = UserHandlers;
using Places = PlaceHandlers;
}  // namespace

Handlers::Handlers(Router& router, const ApiOptions& options, dispatch::Center& center, dispatch::Accounts& accounts,
                   const dispatch::Clock& clock, Metrics& metrics, LiveFeed& feed)
    : operations(router, options, center, metrics, feed),
      cases(router, options, center, accounts, clock),
      organisation(router, options, center, clock),
      leave(router, options, center, clock),
      maps(router, options, center),
      reports(router, options, center, clock),
      open311(router, options, center, clock),
      users(router, options, center, accounts, clock, feed),
      places(router, options, center, clock) {}

const std::vector<Route>& routes() {
  // clang-format off
  static const std::vector<Route> table = {
      {Method::get, {"healthz"}, "GET /healthz", false, on<&H::operations, &Ops::healthz>},
      {Method::get, {"metrics"}, "GET /metrics", false, on<&H::operations, &Ops::metrics_text>},
      {Method::get, {"api", "v1", "openapi.json"}, "GET /api/v1/openapi.json", false,
       on<&H::operations, &Ops::openapi>},
      {Method::post, {"api", "v1", "auth", "login"}, "POST /api/v1/auth/login", false, on<&H::operations, &Ops::login>},
      {Method::post, {"api", "v1", "auth", "logout"}, "POST /api/v1/auth/logout", true,
       on<&H::operations, &Ops::logout>},
      {Method::get, {"api", "v1", "auth", "me"}, "GET /api/v1/auth/me", true, on<&H::operations, &Ops::me>},
      {Method::get, {"api", "v1", "route"}, "GET /api/v1/route", true, on<&H::cases, &Cases::route>},
      {Method::post, {"api", "v1", "cases"}, "POST /api/v1/cases", true, on<&H::cases, &Cases::create_case>},
      {Method::get, {"api", "v1", "cases"}, "GET /api/v1/cases", true, on<&H::cases, &Cases::list_cases>},
      {Method::get, {"api", "v1", "cases", "*"}, "GET /api/v1/cases/{id}", true, on<&H::cases, &Cases::get_case>},
      {Method::post, {"api", "v1", "cases", "*", "transitions"}, "POST /api/v1/cases/{id}/transitions", true,
       on<&H::cases, &Cases::transition>},
      {Method::post, {"api", "v1", "cases", "*", "photos"}, "POST /api/v1/cases/{id}/photos", true,
       on<&H::cases, &Cases::add_photo>, /*photo=*/true},
      {Method::get, {"api", "v1", "cases", "*", "photos", "*"}, "GET /api/v1/cases/{id}/photos/{photo}", true,
       on<&H::cases, &Cases::get_photo>},
      {Method::get, {"api", "v1", "grids"}, "GET /api/v1/grids", true, on<&H::maps, &Maps::grids>},
      {Method::put, {"api", "v1", "grids", "*", "owners"}, "PUT /api/v1/grids/{id}/owners", true,
       on<&H::organisation, &Org::grid_owners>},
      {Method::post, {"api", "v1", "grids", "*", "owners", "preview"}, "POST /api/v1/grids/{id}/owners/preview", true,
       on<&H::organisation, &Org::preview_owners>},
      {Method::get, {"api", "v1", "overdue-map"}, "GET /api/v1/overdue-map", true, on<&H::maps, &Maps::overdue_map>},
      {Method::get, {"api", "v1", "map", "basemap"}, "GET /api/v1/map/basemap", true, on<&H::maps, &Maps::basemap>},
      {Method::get, {"api", "v1", "workers"}, "GET /api/v1/workers", true, on<&H::organisation, &Org::workers>},
      {Method::post, {"api", "v1", "workers"}, "POST /api/v1/workers", true, on<&H::organisation, &Org::add_worker>},
      {Method::put, {"api", "v1", "workers", "*"}, "PUT /api/v1/workers/{id}", true,
       on<&H::organisation, &Org::update_worker>},
      {Method::put, {"api", "v1", "workers", "*", "status"}, "PUT /api/v1/workers/{id}/status", true,
       on<&H::organisation, &Org::worker_status>},
      {Method::get, {"api", "v1", "workers", "*", "leave"}, "GET /api/v1/workers/{id}/leave", true,
       on<&H::leave, &Leave::list_leave>},
      {Method::post, {"api", "v1", "workers", "*", "leave"}, "POST /api/v1/workers/{id}/leave", true,
       on<&H::leave, &Leave::add_leave>},
      {Method::delete_, {"api", "v1", "workers", "*", "leave", "*"}, "DELETE /api/v1/workers/{id}/leave/{leave_id}", true,
       on<&H::leave, &Leave::end_leave>},
      {Method::get, {"api", "v1", "calendar"}, "GET /api/v1/calendar", true, on<&H::leave, &Leave::calendar>},
      {Method::get, {"api", "v1", "jurisdictions"}, "GET /api/v1/jurisdictions", true,
       on<&H::organisation, &Org::jurisdictions>},
      {Method::put, {"api", "v1", "jurisdictions", "*", "mode"}, "PUT /api/v1/jurisdictions/{code}/mode", true,
       on<&H::organisation, &Org::set_mode>},
      {Method::get, {"api", "v1", "categories"}, "GET /api/v1/categories", true,
       on<&H::organisation, &Org::categories>},
      {Method::put, {"api", "v1", "categories", "*"}, "PUT /api/v1/categories/{id}", true,
       on<&H::organisation, &Org::put_category>},
      {Method::post, {"api", "v1", "cases", "*", "rating"}, "POST /api/v1/cases/{id}/rating", true,
       on<&H::cases, &Cases::rate_case>},
      {Method::get, {"api", "v1", "stats", "assessment"}, "GET /api/v1/stats/assessment", true,
       on<&H::reports, &Reports::assessment>},
      {Method::get, {"api", "v1", "stats", "trends"}, "GET /api/v1/stats/trends", true,
       on<&H::reports, &Reports::trends>},
      {Method::get, {"api", "v1", "settings", "assessment"}, "GET /api/v1/settings/assessment", true,
       on<&H::organisation, &Org::get_rules>},
      {Method::put, {"api", "v1", "settings", "assessment"}, "PUT /api/v1/settings/assessment", true,
       on<&H::organisation, &Org::put_rules>},
      {Method::get, {"api", "v1", "open311-keys"}, "GET /api/v1/open311-keys", true,
       on<&H::organisation, &Org::list_client_keys>},
      {Method::post, {"api", "v1", "open311-keys"}, "POST /api/v1/open311-keys", true,
       on<&H::organisation, &Org::add_client_key>},
      {Method::delete_, {"api", "v1", "open311-keys", "*"}, "DELETE /api/v1/open311-keys/{id}", true,
       on<&H::organisation, &Org::revoke_client_key>},
      {Method::get, {"api", "v1", "audit"}, "GET /api/v1/audit", true, on<&H::reports, &Reports::audit>},
      {Method::get, {"api", "v1", "users"}, "GET /api/v1/users", true, on<&H::users, &Users::list>},
      {Method::post, {"api", "v1", "users"}, "POST /api/v1/users", true, on<&H::users, &Users::create>},
      {Method::post, {"api", "v1", "users", "import"}, "POST /api/v1/users/import", true,
       on<&H::users, &Users::import_csv>},
      {Method::put, {"api", "v1", "users", "*"}, "PUT /api/v1/users/{id}", true, on<&H::users, &Users::update>},
      {Method::post, {"api", "v1", "users", "*", "password"}, "POST /api/v1/users/{id}/password", true,
       on<&H::users, &Users::reset_password>},
      {Method::post, {"api", "v1", "auth", "password"}, "POST /api/v1/auth/password", true,
       on<&H::users, &Users::change_own_password>},
      {Method::get, {"api", "v1", "addresses"}, "GET /api/v1/addresses", true, on<&H::places, &Places::addresses>},
      {Method::post, {"api", "v1", "addresses", "import"}, "POST /api/v1/addresses/import", true,
       on<&H::places, &Places::import_addresses>},
      {Method::get, {"api", "v1", "search"}, "GET /api/v1/search", true, on<&H::places, &Places::search>},
      {Method::get, {"open311", "v2", "services.json"}, "GET /open311/v2/services.json", false,
       on<&H::open311, &Open311::services>},
      {Method::get, {"open311", "v2", "services", "*"}, "GET /open311/v2/services/{code}.json", false,
       on<&H::open311, &Open311::service>},
      {Method::get, {"open311", "v2", "requests.json"}, "GET /open311/v2/requests.json", false,
       on<&H::open311, &Open311::requests>},
      {Method::post, {"open311", "v2", "requests.json"}, "POST /open311/v2/requests.json", false,
       on<&H::open311, &Open311::post_request>},
      {Method::get, {"open311", "v2", "requests", "*"}, "GET /open311/v2/requests/{id}.json", false,
       on<&H::open311, &Open311::request>},
      {Method::post, {"api", "v1", "test", "clock"}, "POST /api/v1/test/clock", true,
       on<&H::operations, &Ops::test_clock>},
      {Method::get, {"api", "v1", "ws"}, "GET /api/v1/ws", false, on<&H::operations, &Ops::feed_needs_upgrade>},
      {Method::get, {"ws"}, "GET /ws", false, on<&H::operations, &Ops::feed_needs_upgrade>},
  };
  // clang-format on
  return table;
}

}  // namespace gridkeeper::web
