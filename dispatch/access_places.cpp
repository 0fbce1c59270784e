#include "dispatch/access_places.hpp"

namespace gridkeeper::dispatch {

bool may_find_places(const Actor& actor) {
  switch (actor.role) {
    case Role::admin:
    case Role::operator_:
    case Role::supervisor:
    case Role::worker:
    case Role::system:
      return true;
  }
  return false;
}

Status check_find_places(const Actor& actor) {
  if (may_find_places(actor)) return std::nullopt;
  return make_error(ErrorCode::forbidden, "a " + std::string(to_string(actor.role)) + " may not search");
}

bool may_manage_addresses(const Actor& actor) { return actor.role == Role::admin || actor.role == Role::system; }

Status check_manage_addresses(const Actor& actor) {
  if (may_manage_addresses(actor)) return std::nullopt;
  return make_error(ErrorCode::forbidden, "only an admin loads standard addresses");
}

}  // namespace gridkeeper::dispatch
