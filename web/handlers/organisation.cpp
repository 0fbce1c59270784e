#include "web/handlers/organisation.hpp"

#include "web/auth.hpp"
#include "web/params.hpp"
#include "web/stats.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::ErrorCode;

OrganisationHandlers::OrganisationHandlers(Router& router, const ApiOptions& o, dispatch::Center& c,
                                           const dispatch::Clock& clk)
    : HandlerGroup(router, o), center(c), clock(clk) {}

// ---- grids, workers, jurisdictions, categories ----

void OrganisationHandlers::grid_owners(const CallPtr& call) {
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto owners = grid_owners_from(*body);
  if (!owners) return fail(call, owners.error());
  center.reassign_grid(call->path[3], owners->owner, owners->backup, call->actor(),
                       answer_later<dispatch::Grid>(call, 200, &grid_properties));
}

void OrganisationHandlers::worker_status(const CallPtr& call) {
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto status = duty_status_from_body(*body);
  if (!status) return fail(call, status.error());
  center.set_worker_status(call->path[3], *status, call->actor(),
                           answer_later<dispatch::Worker>(call, 200, &worker_json));
}

void OrganisationHandlers::jurisdictions(const CallPtr& call) {
  json::array list;
  for (const auto& j : center.jurisdictions(call->actor())) list.push_back(jurisdiction_json(j));
  ok(call, 200, json::object{{"jurisdictions", std::move(list)}});
}

void OrganisationHandlers::set_mode(const CallPtr& call) {
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto emergency = emergency_mode_from(*body);
  if (!emergency) return fail(call, emergency.error());
  center.set_mode(call->path[3], *emergency, call->actor(),
                  answer_later<dispatch::Jurisdiction>(call, 200, &jurisdiction_json));
}

void OrganisationHandlers::categories(const CallPtr& call) {
  json::array list;
  for (const auto& c : center.categories()) list.push_back(category_json(c));
  ok(call, 200, json::object{{"categories", std::move(list)}});
}

void OrganisationHandlers::put_category(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_categories)) return fail(call, *e);
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  dispatch::Category base{call->path[3], {}, dispatch::default_sla()};
  for (const auto& c : center.categories())
    if (c.id == base.id) base = c;
  auto category = category_from(std::move(base), *body);
  if (!category) return fail(call, category.error());
  center.update_category(std::move(*category), call->actor(),
                         answer_later<dispatch::Category>(call, 200, &category_json));
}

// ---- the assessment settings ----

void OrganisationHandlers::get_rules(const CallPtr& call) {
  if (!reports_ready(call)) return;
  offload(call, [this, call] {
    auto rules = stored_rules(*options.reports);
    if (!rules) return fail(call, rules.error());
    ok(call, 200, rules_json(*rules));
  });
}

void OrganisationHandlers::put_rules(const CallPtr& call) {
  if (!reports_ready(call)) return;
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_settings)) return fail(call, *e);
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  offload(call, [this, call, body = std::move(*body)] {
    auto current = stored_rules(*options.reports);
    if (!current) return fail(call, current.error());
    auto rules = rules_from(*current, body);
    if (!rules) return fail(call, rules.error());
    const auto value = rules_json(*rules);
    if (auto e = options.reports->put_setting(std::string(kAssessmentSetting), to_json_text(value), clock.now(),
                                              call->actor().label()))
      return fail(call, *e);
    ok(call, 200, value);
  });
}

// ---- Open311 client keys ----

bool OrganisationHandlers::admin_only(const CallPtr& call) {
  if (!reports_ready(call)) return false;
  auto e = dispatch::check(call->actor(), dispatch::Permission::manage_client_keys);
  if (!e) return true;
  fail(call, *e);
  return false;
}

void OrganisationHandlers::list_client_keys(const CallPtr& call) {
  if (!admin_only(call)) return;
  offload(call, [this, call] {
    auto keys = options.reports->client_keys();
    if (!keys) return fail(call, keys.error());
    json::array list;
    for (const auto& k : *keys) list.push_back(client_key_json(k));
    ok(call, 200, json::object{{"keys", std::move(list)}});
  });
}

void OrganisationHandlers::add_client_key(const CallPtr& call) {
  if (!admin_only(call)) return;
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto wanted = client_key_from(*body);
  if (!wanted) return fail(call, wanted.error());
  if (!wanted->scope.empty() && !center.jurisdiction(wanted->scope))
    return fail(call, ErrorCode::invalid_value, "no jurisdiction " + wanted->scope, "scope");
  offload(call, [this, call, wanted = std::move(*wanted)] {
    const std::string key = new_token();
    dispatch::ClientKey k;
    k.name = wanted.name;
    k.scope = wanted.scope;
    k.key_hash = token_hash(key);
    k.created_at = clock.now();
    k.created_by = call->actor().label();
    auto stored = options.reports->add_client_key(std::move(k));
    if (!stored) return fail(call, stored.error());
    auto out = client_key_json(*stored);
    out["api_key"] = key;  // shown this once; only its hash is kept
    ok(call, 201, out);
  });
}

void OrganisationHandlers::revoke_client_key(const CallPtr& call) {
  if (!admin_only(call)) return;
  auto id = parse_id(call->path[3]);
  if (!id) return fail(call, ErrorCode::not_found, "no Open311 key " + call->path[3]);
  offload(call, [this, call, id = *id] {
    if (auto e = options.reports->revoke_client_key(id, clock.now(), call->actor().label())) return fail(call, *e);
    Response r;
    r.status = 204;
    r.content_type.clear();
    respond(call, std::move(r));
  });
}

}  // namespace gridkeeper::web
