#include "web/handlers/open311.hpp"

#include "web/auth.hpp"
#include "web/open311.hpp"

namespace gridkeeper::web {

using dispatch::ErrorCode;

Open311Handlers::Open311Handlers(Router& router, const ApiOptions& o, dispatch::Center& c, const dispatch::Clock& clk)
    : HandlerGroup(router, o), center(c), clock(clk) {}

void Open311Handlers::services(const CallPtr& call) {
  offload_public(call, [this, call] { respond(call, open311::services(center)); });
}

void Open311Handlers::service(const CallPtr& call) {
  offload_public(call, [this, call] { respond(call, open311::service_definition(center, call->path[3])); });
}

void Open311Handlers::requests(const CallPtr& call) {
  if (!reports_ready(call)) return;
  auto q = open311::requests_query(center, call->query, clock.now());
  if (!q) return fail(call, q.error());
  offload_public(call,
                 [this, call, q = std::move(*q)] { respond(call, open311::requests(center, *options.reports, q)); });
}

void Open311Handlers::request(const CallPtr& call) {
  if (!reports_ready(call)) return;
  offload_public(call, [this, call] { respond(call, open311::request(center, *options.reports, call->path[3])); });
}

void Open311Handlers::post_request(const CallPtr& call) {
  if (!reports_ready(call)) return;
  auto submission = open311::submission_from(center, call->request);
  if (!submission) return fail(call, submission.error());
  offload(call, [this, call, submission = std::move(*submission)] {
    auto key = options.reports->find_client_key(token_hash(submission.api_key));
    if (!key) return fail(call, key.error());
    if (!*key) return fail(call, ErrorCode::forbidden, "api_key is invalid", "api_key");
    center.intake(submission.intake, open311::client_actor(**key), [this, call](dispatch::Result<dispatch::Case> r) {
      on_strand(call, [this, call, r = std::move(r)] {
        if (!r) return fail(call, r.error());
        respond(call, open311::created(*r));
      });
    });
  });
}

}  // namespace gridkeeper::web
