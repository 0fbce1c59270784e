#pragma once
// Places and search: the standard addresses (GET /addresses, POST /addresses/import) and
// the search box's answers (GET /search), each narrowed to what the caller sees. They read
// through the address book the server was given (web/address_book_slot.hpp; `serve` passes
// data/addresses_store.hpp) on the blocking pool; without one they answer 503.
#include "dispatch/address_book.hpp"
#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"
#include "web/address_book_slot.hpp"
#include "web/handlers/group.hpp"

namespace gridkeeper::web {

class PlaceHandlers : HandlerGroup {
 public:
  PlaceHandlers(Router& router, const ApiOptions& options, dispatch::Center& center, const dispatch::Clock& clock);

  void addresses(const CallPtr& call);
  void import_addresses(const CallPtr& call);
  void search(const CallPtr& call);

 private:
  bool ready(const CallPtr& call);

  dispatch::Center& center;
  const dispatch::Clock& clock;
};

}  // namespace gridkeeper::web
