#include "web/handlers/organisation.hpp"
#include "web/json_codec.hpp"
#include "web/params.hpp"
#include "web/roster_codec.hpp"

// The roster (花名册) and the posts preview (定岗定人) of the organisation's handlers.
namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::ErrorCode;

void OrganisationHandlers::workers(const CallPtr& call) {
  dispatch::RosterQuery query;
  for (auto [name, into] : {std::pair{"street", &query.street}, {"community", &query.community}, {"q", &query.q}}) {
    const auto* v = call->param(name);
    if (!v) continue;
    if (v->size() > 200) return fail(call, ErrorCode::invalid_value, std::string(name) + " is too long", name);
    *into = *v;
  }
  if (const auto* r = call->param("retired")) {
    auto v = parse_flag(*r);
    if (!v) return fail(call, ErrorCode::invalid_value, "retired must be true or false", "retired");
    query.retired = *v;
  }
  auto entries = center.roster(query, call->actor());
  if (!entries) return fail(call, entries.error());
  json::array list;
  for (const auto& e : *entries) list.push_back(roster_entry_json(e));
  ok(call, 200, json::object{{"workers", std::move(list)}});
}

void OrganisationHandlers::add_worker(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_roster)) return fail(call, *e);
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto worker = new_worker_from(*body);
  if (!worker) return fail(call, worker.error());
  center.add_worker(std::move(*worker), call->actor(), answer_later<dispatch::Worker>(call, 201, &worker_json));
}

void OrganisationHandlers::update_worker(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_roster)) return fail(call, *e);
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto edit = worker_edit_from(*body);
  if (!edit) return fail(call, edit.error());
  center.update_worker(call->path[3], *edit, call->actor(), answer_later<dispatch::Worker>(call, 200, &worker_json));
}

void OrganisationHandlers::preview_owners(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_posts)) return fail(call, *e);
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  auto owners = grid_owners_from(*body);
  if (!owners) return fail(call, owners.error());
  auto preview = center.preview_posts(call->path[3], owners->owner, owners->backup, call->actor());
  if (!preview) return fail(call, preview.error());
  ok(call, 200, posts_preview_json(*preview));
}

}  // namespace gridkeeper::web
