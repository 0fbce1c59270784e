#pragma once
// The access policy of places and search (standard addresses, GET /search), beside the
// one in dispatch/access.hpp, whose rules it follows: addresses are public places, so every
// staff role finds them, and what the search shows of cases, grids, areas and workers is
// narrowed to the caller's sight by access.hpp's `sees` and `report_view`; only an admin
// loads addresses.
#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// GET /addresses and GET /search: admins, operators, supervisors, workers (and the system).
bool may_find_places(const Actor& actor);
Status check_find_places(const Actor& actor);
// POST /addresses/import: admins (and the system).
bool may_manage_addresses(const Actor& actor);
Status check_manage_addresses(const Actor& actor);

}  // namespace gridkeeper::dispatch
