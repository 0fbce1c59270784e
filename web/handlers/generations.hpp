#pragma once
// Grid generations (网格调整, admin): POST /api/v1/generations (a whole-city grid file made
// a draft, checked and compared with the generation in force), GET /api/v1/generations and
// /generations/{id}, POST /generations/{id}/apply (now or at a time on the server's clock,
// open cases staying or following). dispatch/generation.hpp has the rules.
#include "dispatch/center.hpp"
#include "dispatch/generation.hpp"
#include "web/handlers/group.hpp"

namespace gridkeeper::web {

class GenerationHandlers : HandlerGroup {
 public:
  GenerationHandlers(Router& router, const ApiOptions& options, dispatch::Center& center, const dispatch::Clock& clock);

  // Before a byte of the (large) body is read: only an admin may send one.
  void admit_upload(const CallPtr& call, std::function<void()> admitted);
  void create(const CallPtr& call);
  void list(const CallPtr& call);
  void get(const CallPtr& call);
  void apply(const CallPtr& call);

 private:
  bool ready(const CallPtr& call);
  dispatch::Center& center;
  const dispatch::Clock& clock;
};

// A generation as JSON; with its diff (an object) when `diff` is set.
boost::json::object generation_json(const dispatch::Generation& g, bool diff);

}  // namespace gridkeeper::web
