#pragma once
// The organisation: who holds each grid, workers and their duty status, jurisdictions and
// their emergency mode, categories, the assessment settings and the Open311 client keys.
#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"
#include "web/handlers/group.hpp"

namespace gridkeeper::web {

class OrganisationHandlers : HandlerGroup {
 public:
  OrganisationHandlers(Router& router, const ApiOptions& options, dispatch::Center& center,
                       const dispatch::Clock& clock);

  void grid_owners(const CallPtr& call);
  void workers(const CallPtr& call);
  void worker_status(const CallPtr& call);
  // The roster and the posts preview (web/handlers/roster.cpp).
  void add_worker(const CallPtr& call);
  void update_worker(const CallPtr& call);
  void preview_owners(const CallPtr& call);
  void jurisdictions(const CallPtr& call);
  void set_mode(const CallPtr& call);
  void categories(const CallPtr& call);
  void put_category(const CallPtr& call);
  void get_rules(const CallPtr& call);
  void put_rules(const CallPtr& call);
  void list_client_keys(const CallPtr& call);
  void add_client_key(const CallPtr& call);
  void revoke_client_key(const CallPtr& call);

 private:
  bool admin_only(const CallPtr& call);

  dispatch::Center& center;
  const dispatch::Clock& clock;
};

}  // namespace gridkeeper::web
