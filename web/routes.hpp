#pragma once
// The route table: every endpoint of the API, its metrics label, whether it needs a user,
// and the handler (a member function of one of the groups in web/handlers/) that answers
// it. A new endpoint is one line in web/routes.cpp and a handler in its group. Internal
// to web/.
#include <string_view>
#include <vector>

#include "web/handlers/cases.hpp"
#include "web/handlers/leave.hpp"
#include "web/handlers/maps.hpp"
#include "web/handlers/open311.hpp"
#include "web/handlers/operations.hpp"
#include "web/handlers/organisation.hpp"
#include "web/handlers/places.hpp"
#include "web/handlers/reports.hpp"
#include "web/handlers/users.hpp"
#include "web/message.hpp"
#include "web/router.hpp"

namespace gridkeeper::web {

// The handler groups, one per resource, each holding what its handlers need.
struct Handlers {
  Handlers(Router& router, const ApiOptions& options, dispatch::Center& center, dispatch::Accounts& accounts,
           const dispatch::Clock& clock, Metrics& metrics, LiveFeed& feed);

  OperationsHandlers operations;
  CaseHandlers cases;
  OrganisationHandlers organisation;
  LeaveHandlers leave;
  MapHandlers maps;
  ReportHandlers reports;
  Open311Handlers open311;
  UserHandlers users;
  PlaceHandlers places;
};

using Handler = void (*)(Handlers&, const CallPtr&);

struct Route {
  Method method;
  std::vector<std::string_view> pattern;  // "*" matches one segment
  std::string_view name;                  // the metrics label
  bool needs_user;
  Handler handler;
  // A photo upload: its larger body limit, and whether the user may add a photo to the
  // case is checked before the body is read (CaseHandlers::admit_photo).
  bool photo = false;
};

// In order; a call's `route` is its index, routes().size() a static file or no route.
const std::vector<Route>& routes();

}  // namespace gridkeeper::web
