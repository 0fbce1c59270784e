// The Api is the router (web/router.*) over the route table (web/routes.*) and the
// handler groups (web/handlers/): this file builds them and answers what the transport
// asks of the API without a call (paths, feeds, transport errors, route names).
#include "web/api.hpp"

#include "web/json_codec.hpp"
#include "web/open311.hpp"
#include "web/params.hpp"
#include "web/router.hpp"
#include "web/routes.hpp"
#include "web/ui_policy.hpp"

namespace gridkeeper::web {

using dispatch::make_error;

struct Api::Impl {
  Impl(dispatch::Center& c, dispatch::Accounts& a, const dispatch::Clock& clk, Metrics& m, LiveFeed& f, ApiOptions o)
      : options(std::move(o)), router(a, clk, m, options), handlers(router, options, c, a, clk, m, f) {
    router.serve(handlers);
  }
  // The pools finish what they accepted while the handlers they run are still there.
  ~Impl() { router.drain(); }

  ApiOptions options;
  Router router;
  Handlers handlers;
};

Api::Api(dispatch::Center& center, dispatch::Accounts& accounts, const dispatch::Clock& clock, Metrics& metrics,
         LiveFeed& feed, ApiOptions options)
    : impl_(std::make_unique<Impl>(center, accounts, clock, metrics, feed, std::move(options))) {}

Api::~Api() = default;

void Api::handle(Request request, Reply reply, Resume resume) {
  auto call = std::make_shared<Call>();
  call->request = std::move(request);
  call->reply = std::move(reply);
  call->resume = std::move(resume);
  call->route = routes().size();
  impl_->router.guarded(call, [&] { impl_->router.dispatch_call(call); });
}

void Api::admit(const Request& head, std::function<void(Admission)> done) {
  auto call = std::make_shared<Call>();
  call->request = head;
  call->reply = [done](Response r) {
    Admission refused;
    refused.refusal = std::move(r);
    done(std::move(refused));
  };
  call->resume = [](std::function<void()> f) { f(); };
  call->route = routes().size();
  impl_->router.guarded(call, [&] { impl_->router.admit(call, done); });
}

void Api::handle(Request request, Admission admitted, Reply reply, Resume resume) {
  auto call = std::make_shared<Call>();
  call->request = std::move(request);
  call->reply = std::move(reply);
  call->resume = std::move(resume);
  call->route = admitted.route;
  call->user = std::move(admitted.user);
  call->token_hash = std::move(admitted.token_hash);
  impl_->router.guarded(call, [&] { impl_->router.dispatch_admitted(call); });
}

std::string Api::route_path(std::string_view target) {
  auto path = parse_path(target);
  if (!path) return {};
  std::string out;
  for (const auto& segment : *path) out += "/" + segment;
  return out.empty() ? "/" : out;
}

bool Api::is_feed(std::string_view target) {
  const auto path = target.substr(0, target.find('?'));
  return path == "/ws" || path == "/api/v1/ws";
}

void Api::authenticate_feed(const Request& request, std::function<void(dispatch::Result<FeedIdentity>)> done) {
  impl_->router.authenticate_feed(request, std::move(done));
}

bool Api::is_photo_upload(Method method, std::string_view target) {
  if (method != Method::post) return false;
  const auto path = target.substr(0, target.find('?'));
  constexpr std::string_view kPrefix = "/api/v1/cases/", kSuffix = "/photos";
  return path.size() > kPrefix.size() + kSuffix.size() && path.substr(0, kPrefix.size()) == kPrefix &&
         path.substr(path.size() - kSuffix.size()) == kSuffix;
}

Response Api::transport_error(std::string_view target, dispatch::ErrorCode code, std::string message) {
  auto r = target.substr(0, 9) == "/open311/" ? open311::error(make_error(code, std::move(message)))
                                              : error_response(code, std::move(message));
  add_common_headers(r);
  return r;
}

void Api::drain() { impl_->router.drain(); }

std::vector<std::string> Api::route_names() {
  std::vector<std::string> names;
  for (const auto& r : routes()) names.emplace_back(r.name);
  return names;
}

}  // namespace gridkeeper::web
