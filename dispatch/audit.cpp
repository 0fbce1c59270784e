#include "dispatch/audit.hpp"

#include <boost/json.hpp>

namespace gridkeeper::dispatch {

namespace json = boost::json;

bool known_audit_kind(std::string_view kind) {
  for (auto k : kAuditKinds)
    if (k == kind) return true;
  return false;
}

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
  return json::serialize(json::object{{"name", category.name},
                                      {"sla", std::move(sla)},
                                      {"working_time", category.working_time},
                                      {"after_photo", category.after_photo_required ? "required" : "optional"},
                                      {"callback", category.callback}});
}

std::string setting_fields(const std::string& value) {
  if (value.empty()) return {};
  boost::system::error_code ec;
  auto parsed = json::parse(value, ec);
  if (!ec && parsed.is_object()) return value;
  return json::serialize(json::object{{"value", value}});
}

std::string client_key_fields(std::int64_t id, std::string_view name, std::string_view scope, bool revoked) {
  return json::serialize(json::object{{"id", id}, {"name", name}, {"scope", scope}, {"revoked", revoked}});
}

}  // namespace gridkeeper::dispatch
