#include "web/roster_codec.hpp"

#include "web/json_codec.hpp"
#include "web/json_reader.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using Reader = JsonReader;

dispatch::Result<dispatch::Worker> new_worker_from(const json::object& body) {
  Reader r(body);
  r.only({"id", "name", "phone", "community"});
  dispatch::Worker w;
  if (auto v = r.text("id", true)) w.id = *v;
  if (auto v = r.text("name", true)) w.name = *v;
  if (auto v = r.text("phone", true)) w.phone = *v;
  if (auto v = r.text("community", true)) w.community = *v;
  if (r.error) return *r.error;
  return w;
}

dispatch::Result<dispatch::WorkerEdit> worker_edit_from(const json::object& body) {
  Reader r(body);
  r.only({"name", "phone", "community", "retired"});
  dispatch::WorkerEdit e;
  e.name = r.text("name");
  e.phone = r.text("phone");
  e.community = r.text("community");
  e.retired = r.boolean("retired");
  if (r.error) return *r.error;
  return e;
}

json::array flags_json(const std::vector<std::string>& flags) {
  json::array out;
  for (const auto& f : flags) out.emplace_back(f);
  return out;
}

json::object roster_entry_json(const dispatch::RosterEntry& e) {
  auto o = worker_json(e.worker);
  o["community_name"] = e.community_name;
  json::array posts;
  for (const auto& p : e.posts)
    posts.push_back(json::object{{"grid", p.grid}, {"grid_name", p.grid_name}, {"post", p.backup ? "B" : "A"}});
  o["posts"] = std::move(posts);
  o["open_cases"] = e.open_cases;
  o["flags"] = flags_json(e.flags);
  return o;
}

json::object posts_preview_json(const dispatch::PostsPreview& p) {
  json::array moving;
  for (const auto& m : p.moving)
    moving.push_back(json::object{{"id", m.id},
                                  {"title", m.title},
                                  {"urgency", to_string(m.urgency)},
                                  {"from", m.from.empty() ? json::value(nullptr) : json::value(m.from)},
                                  {"to", m.to.empty() ? json::value(nullptr) : json::value(m.to)}});
  json::object by;
  for (auto u : dispatch::kUrgencies) by[to_string(u)] = p.by_urgency[static_cast<std::size_t>(u)];
  auto before = grid_properties(p.before);
  before["flags"] = flags_json(p.flags_before);
  auto after = grid_properties(p.after);
  after["flags"] = flags_json(p.flags_after);
  return json::object{{"grid", p.before.code},           {"before", std::move(before)}, {"after", std::move(after)},
                      {"moving_count", p.moving.size()}, {"by_urgency", std::move(by)}, {"moving", std::move(moving)}};
}

}  // namespace gridkeeper::web
