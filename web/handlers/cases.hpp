#pragma once
// Cases: routing a point to its grid (GET /api/v1/route), intake, the list and one case,
// transitions, photos (the check before a photo's body is read included) and the
// follow-up rating.
#include <functional>
#include <optional>

#include "dispatch/accounts.hpp"
#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"
#include "web/handlers/group.hpp"

namespace gridkeeper::web {

class CaseHandlers : HandlerGroup {
 public:
  CaseHandlers(Router& router, const ApiOptions& options, dispatch::Center& center, dispatch::Accounts& accounts,
               const dispatch::Clock& clock);

  void route(const CallPtr& call);
  void create_case(const CallPtr& call);
  void list_cases(const CallPtr& call);
  void get_case(const CallPtr& call);
  void transition(const CallPtr& call);
  void add_photo(const CallPtr& call);
  void get_photo(const CallPtr& call);
  void rate_case(const CallPtr& call);
  // 催办 and the overdue list (cases_supervision.cpp).
  void urge_case(const CallPtr& call);
  void overdue_cases(const CallPtr& call);

  // Admission of a photo upload, before its body is read: runs `admitted` when the user
  // may attach a photo to the case, else answers the call (403, 404, 409).
  void admit_photo(const CallPtr& call, std::function<void()> admitted);

 private:
  // A case as its reader gets it: with what the reader may do to it now.
  boost::json::object case_for(const CallPtr& call, const dispatch::Case& c);
  // The case id of the path (/api/v1/cases/{id}/...); nullopt, with the call answered 404.
  std::optional<dispatch::CaseId> case_id(const CallPtr& call);

  dispatch::Center& center;
  dispatch::Accounts& accounts;
  const dispatch::Clock& clock;
};

}  // namespace gridkeeper::web
