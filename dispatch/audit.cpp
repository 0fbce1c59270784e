#include "dispatch/audit.hpp"

#include <boost/json.hpp>

namespace gridkeeper::dispatch {

namespace json = boost::json;

std::string audit_fields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  json::object o;
  for (const auto& [name, value] : fields) o[name] = value;
  return json::serialize(o);
}

std::string category_fields(const Category& category) {
  json::object sla;
  for (auto u : kUrgencies) {
    const auto& d = category.deadlines(u);
    sla[to_string(u)] = json::object{{"accept_s", d.accept_s}, {"resolve_s", d.resolve_s}};
  }
  return json::serialize(
      json::object{{"name", category.name}, {"sla", std::move(sla)}, {"working_time", category.working_time}});
}

}  // namespace gridkeeper::dispatch
