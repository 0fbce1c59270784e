#include "web/handlers/generations.hpp"

#include <boost/json/parse.hpp>
#include <set>

#include "dispatch/audit.hpp"
#include "dispatch/generation_diff.hpp"
#include "dispatch/text_rules.hpp"
#include "geo/coverage.hpp"
#include "web/dates.hpp"
#include "web/json_reader.hpp"
#include "web/params.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::ErrorCode;

namespace {
constexpr std::size_t kProblemsListed = 200;  // the diff lists the first problems; it counts them all
}

GenerationHandlers::GenerationHandlers(Router& router, const ApiOptions& o, dispatch::Center& c,
                                       const dispatch::Clock& clk)
    : HandlerGroup(router, o), center(c), clock(clk) {}

json::object generation_json(const dispatch::Generation& g, bool diff) {
  json::object o;
  o["id"] = g.id;
  o["state"] = std::string(to_string(g.state));
  o["created_at"] = iso8601(g.created_at);
  o["created_by"] = g.created_by;
  o["effective_at"] = g.effective_at ? json::value(iso8601(*g.effective_at)) : json::value();
  o["applied_at"] = g.applied_at ? json::value(iso8601(*g.applied_at)) : json::value();
  o["open_cases"] = g.open_cases.empty() ? json::value() : json::value(g.open_cases);
  o["grids"] = static_cast<std::int64_t>(g.grids);
  o["problems"] = static_cast<std::int64_t>(g.problems);
  o["applicable"] = g.problems == 0 &&
                    (g.state == dispatch::GenerationState::draft || g.state == dispatch::GenerationState::scheduled);
  if (diff) {
    boost::system::error_code ec;
    auto v = json::parse(g.diff.empty() ? std::string("{}") : g.diff, ec);
    o["diff"] = !ec && v.is_object() ? std::move(v) : json::value(json::object());
  }
  return o;
}

bool GenerationHandlers::ready(const CallPtr& call) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_generations)) {
    fail(call, *e);
    return false;
  }
  if (options.generations) return true;
  fail(call, ErrorCode::overloaded, "grid generations are not available on this server");
  return false;
}

void GenerationHandlers::admit_upload(const CallPtr& call, std::function<void()> admitted) {
  if (auto e = dispatch::check(call->actor(), dispatch::Permission::manage_generations)) return fail(call, *e);
  admitted();
}

void GenerationHandlers::create(const CallPtr& call) {
  if (!ready(call)) return;
  if (call->request.body.empty())
    return fail(call, ErrorCode::bad_request, "the body is the whole city as a grid GeoJSON FeatureCollection");
  offload(call, [this, call] {
    const auto& text = call->request.body;
    geo::ReadOptions read;
    read.max_features = 20'000;
    read.max_vertices_per_feature = 200'000;
    const auto file = geo::read_geojson(text, read);
    if (file.fatal) {
      std::string why = file.problems.empty() ? "the body is not a GeoJSON FeatureCollection"
                                              : geo::format_problem(file.problems.front());
      return fail(call, ErrorCode::bad_request, why);
    }
    auto plan = dispatch::plan_from_areas(file.areas);
    if (plan.grids.empty())
      return fail(call, ErrorCode::invalid_value, "the file holds no grids (features with level \"grid\")");
    // check-grids, and what the import checks beyond it: codes, names, posts.
    std::vector<std::string> problems;
    std::size_t count = 0;
    auto note = [&](std::string p) {
      ++count;
      if (problems.size() < kProblemsListed) problems.push_back(std::move(p));
    };
    const auto report = geo::check_coverage(file);
    for (const auto& p : report.problems)
      if (p.severity == geo::Severity::error) note(geo::format_problem(p));
    for (const auto& a : file.areas) {
      if (!dispatch::valid_identifier(a.code))
        note("feature " + std::to_string(a.index) + ": code is not " + std::string(dispatch::kIdentifierRule));
      if (auto e = dispatch::check_text(a.name, 200, "name"))
        note("feature " + std::to_string(a.index) + " (" + a.code + "): " + e->message);
    }
    std::set<dispatch::WorkerId> workers;
    for (const auto& w : center.workers(call->actor()))
      if (!w.retired) workers.insert(w.id);
    for (auto& p : dispatch::plan_problems(plan, workers)) note(std::move(p));
    std::vector<dispatch::CaseMove> moves;
    if (count == 0) {
      auto index = geo::GridIndex::build(plan.shapes);
      if (index) moves = center.moves_under(*index, plan);
    }
    auto before = options.generations->current_grids();
    if (!before) return fail(call, before.error());
    const auto diff = dispatch::generation_diff({*before, plan, problems, count, moves, 0});
    dispatch::Generation draft;
    draft.created_at = clock.now();
    draft.created_by = call->actor().label();
    draft.grids = plan.grids.size();
    draft.problems = count;
    draft.diff = diff;
    dispatch::AuditEntry audit{draft.created_at,
                               draft.created_by,
                               "generation",
                               {},
                               "draft of " + std::to_string(plan.grids.size()) + " grids (" + std::to_string(count) +
                                   " problems, " + std::to_string(moves.size()) + " open cases would change grid)",
                               {},
                               dispatch::audit_fields({{"state", "draft"}})};
    auto stored = options.generations->add_draft(std::move(draft), text, audit);
    if (!stored) return fail(call, stored.error());
    ok(call, 201, generation_json(*stored, true));
  });
}

void GenerationHandlers::list(const CallPtr& call) {
  if (!ready(call)) return;
  offload(call, [this, call] {
    auto all = options.generations->list();
    if (!all) return fail(call, all.error());
    json::array items;
    for (const auto& g : *all) items.push_back(generation_json(g, false));
    ok(call, 200, json::object{{"items", std::move(items)}});
  });
}

void GenerationHandlers::get(const CallPtr& call) {
  if (!ready(call)) return;
  auto id = parse_id(call->path[3]);
  if (!id) return fail(call, ErrorCode::not_found, "no generation " + call->path[3]);
  offload(call, [this, call, id = *id] {
    auto g = options.generations->find(id);
    if (!g) return fail(call, g.error());
    if (!*g) return fail(call, ErrorCode::not_found, "no generation " + std::to_string(id));
    ok(call, 200, generation_json(**g, true));
  });
}

void GenerationHandlers::apply(const CallPtr& call) {
  if (!ready(call)) return;
  auto id = parse_id(call->path[3]);
  if (!id) return fail(call, ErrorCode::not_found, "no generation " + call->path[3]);
  auto body = body_object(call);
  if (!body) return fail(call, body.error());
  JsonReader r(*body);
  r.only({"effective_at", "open_cases"});
  auto at_text = r.text("effective_at");
  auto mode_text = r.text("open_cases", true);
  if (r.error) return fail(call, *r.error);
  const auto mode = dispatch::open_cases_from(*mode_text);
  if (!mode) return fail(call, ErrorCode::invalid_value, "open_cases is \"stay\" or \"follow\"", "open_cases");
  std::optional<dispatch::Millis> at;
  if (at_text) {
    bool date_only = false;
    at = at_text->size() <= 64 ? parse_datetime(*at_text, &date_only) : std::nullopt;
    if (!at || date_only)
      return fail(call, ErrorCode::bad_request, "effective_at must be an ISO 8601 time, e.g. 2026-03-01T00:00:00+08:00",
                  "effective_at");
  }
  offload(call, [this, call, id = *id, mode = *mode, at] {
    auto g = options.generations->find(id);
    if (!g) return fail(call, g.error());
    if (!*g) return fail(call, ErrorCode::not_found, "no generation " + std::to_string(id));
    const auto& gen = **g;
    if (gen.state != dispatch::GenerationState::draft && gen.state != dispatch::GenerationState::scheduled)
      return fail(call, ErrorCode::conflict,
                  "generation " + std::to_string(id) + " is " + std::string(to_string(gen.state)) +
                      "; only a draft or a scheduled generation can be applied");
    if (gen.problems > 0)
      return fail(call, ErrorCode::conflict,
                  "generation " + std::to_string(id) + " has " + std::to_string(gen.problems) +
                      " problems; upload a corrected file as a new draft");
    auto file = options.generations->file_of(id);
    if (!file) return fail(call, file.error());
    const auto read = geo::read_geojson(*file);
    auto plan = dispatch::plan_from_areas(read.areas);
    plan.id = id;
    auto answer = answer_later<json::object>(
        call, 200, +[](const json::object& o) { return o; });
    center.apply_generation(std::move(plan), mode, at, call->actor(),
                            [answer = std::move(answer)](dispatch::Result<dispatch::GenerationApplied> r) {
                              if (!r) return answer(r.error());
                              answer(json::object{{"id", r->id},
                                                  {"state", to_string(r->state)},
                                                  {"effective_at", iso8601(r->at)},
                                                  {"open_cases", to_string(r->open_cases)},
                                                  {"cases_moved", static_cast<std::int64_t>(r->cases_moved)},
                                                  {"grids_retired", static_cast<std::int64_t>(r->grids_retired)}});
                            });
  });
}

}  // namespace gridkeeper::web
