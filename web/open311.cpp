#include "web/open311.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <cmath>
#include <set>

#include "web/dates.hpp"
#include "web/json_codec.hpp"
#include "web/params.hpp"
#include "web/text.hpp"

namespace gridkeeper::web::open311 {

namespace json = boost::json;
using dispatch::ErrorCode;
using dispatch::make_error;
using dispatch::Millis;

namespace {
constexpr std::size_t kMaxField = 4000;

// "environment.json" -> "environment"; anything but .json is not served.
std::optional<std::string> json_file(std::string_view file) {
  constexpr std::string_view kExt = ".json";
  if (file.size() <= kExt.size() || file.substr(file.size() - kExt.size()) != kExt) return std::nullopt;
  return std::string(file.substr(0, file.size() - kExt.size()));
}

Response json_array_response(int status, json::array body) {
  return json_response(status, json::value(std::move(body)));
}

std::string jurisdiction_name(const dispatch::Center& center, const std::string& code) {
  if (code.empty()) return {};
  auto j = center.jurisdiction(code);
  return j ? j->name : code;
}

const std::string* category_name(const std::vector<dispatch::Category>& categories, const std::string& id) {
  for (const auto& c : categories)
    if (c.id == id) return &c.name;
  return nullptr;
}

// The urgency attribute of every service: how pressing the reporter says it is.
json::object urgency_attribute() {
  json::array values;
  for (auto [key, name] : {std::pair{"yellow", "一般"}, {"orange", "较急"}, {"red", "紧急"}})
    values.push_back(json::object{{"key", key}, {"name", name}});
  return json::object{{"variable", true},
                      {"code", "urgency"},
                      {"datatype", "singlevaluelist"},
                      {"required", false},
                      {"datatype_description", "yellow (一般, the default), orange (较急) or red (紧急)"},
                      {"order", 1},
                      {"description", "紧急程度 urgency"},
                      {"values", std::move(values)}};
}
}  // namespace

Response error(int status, std::string description) {
  return json_array_response(status,
                             json::array{json::object{{"code", status}, {"description", std::move(description)}}});
}

Response error(const dispatch::Error& error_in) {
  const auto e = client_error(error_in);
  // Open311 clients know 400, 403 and 404; the finer codes of the JSON API fold into them.
  int status = dispatch::http_status(e.code);
  if (status == 401) status = 403;
  if (status == 409 || status == 422) status = 400;
  std::string description = e.message;
  if (!e.field.empty() && description.find(e.field) == std::string::npos) description += " (" + e.field + ")";
  return error(status, std::move(description));
}

Response services(const dispatch::Center& center) {
  json::array out;
  for (const auto& c : center.categories())
    out.push_back(json::object{{"service_code", c.id},
                               {"service_name", c.name},
                               {"description", c.name},
                               {"metadata", true},
                               {"type", "realtime"},
                               {"keywords", ""},
                               {"group", ""}});
  return json_array_response(200, std::move(out));
}

Response service_definition(const dispatch::Center& center, std::string_view file) {
  auto code = json_file(file);
  if (!code) return error(404, "only JSON is served: services/{service_code}.json");
  const auto categories = center.categories();
  if (!category_name(categories, *code)) return error(404, "no service with this service_code");
  return json_response(200, json::object{{"service_code", *code}, {"attributes", json::array{urgency_attribute()}}});
}

dispatch::Result<dispatch::RequestQuery> requests_query(const dispatch::Center& center, const QueryParams& params,
                                                        Millis now) {
  dispatch::RequestQuery q;
  if (const auto* ids = param(params, "service_request_id")) {
    for (const auto& s : split_commas(*ids)) {
      auto id = parse_id(s);
      if (!id)
        return make_error(ErrorCode::bad_request, "service_request_id must be ids separated by commas",
                          "service_request_id");
      q.ids.push_back(*id);
    }
    if (q.ids.size() > static_cast<std::size_t>(kMaxIds))
      return make_error(ErrorCode::bad_request, "at most " + std::to_string(kMaxIds) + " service_request_id at once",
                        "service_request_id");
    return q;  // the ids override every other parameter
  }
  if (const auto* codes = param(params, "service_code")) {
    const auto categories = center.categories();
    for (const auto& s : split_commas(*codes)) {
      if (!category_name(categories, s))
        return make_error(ErrorCode::bad_request, "unknown service_code", "service_code");
      q.categories.push_back(s);
    }
  }
  std::optional<Millis> start, end;
  if (const auto* s = param(params, "start_date")) {
    start = parse_datetime(*s);
    if (!start)
      return make_error(ErrorCode::bad_request, "start_date must be a W3C datetime, e.g. 2026-01-01T00:00:00Z",
                        "start_date");
  }
  if (const auto* s = param(params, "end_date")) {
    bool date_only = false;
    end = parse_datetime(*s, &date_only);
    if (!end)
      return make_error(ErrorCode::bad_request, "end_date must be a W3C datetime, e.g. 2026-01-31T23:59:59Z",
                        "end_date");
    *end += date_only ? 86'400'000 : 1;  // the latest moment included
  }
  if (!start && !end) end = now + 1;
  if (!start) start = *end - kMaxSpan;
  if (!end) end = *start + kMaxSpan;
  if (*start >= *end) return make_error(ErrorCode::bad_request, "start_date must be before end_date", "start_date");
  if (*end - *start > kMaxSpan + 1)
    return make_error(ErrorCode::bad_request, "start_date to end_date may not span more than 90 days", "end_date");
  q.from = *start;
  q.to = *end;
  if (const auto* s = param(params, "status")) {
    std::set<std::string> wanted;
    for (const auto& v : split_commas(*s)) {
      if (v != "open" && v != "closed")
        return make_error(ErrorCode::bad_request, "status must be open, closed or both", "status");
      wanted.insert(v);
    }
    if (wanted.size() == 1) q.open = wanted.count("open") > 0;
  }
  std::int64_t page = 1, page_size = 50;
  if (const auto* s = param(params, "page_size")) {
    auto n = parse_id(*s);
    if (!n || *n > kMaxPageSize)
      return make_error(ErrorCode::bad_request, "page_size must be 1 to " + std::to_string(kMaxPageSize), "page_size");
    page_size = *n;
  }
  if (const auto* s = param(params, "page")) {
    auto n = parse_id(*s);
    if (!n || *n > 1'000'000) return make_error(ErrorCode::bad_request, "page must be 1 to 1000000", "page");
    page = *n;
  }
  q.limit = static_cast<int>(page_size);
  q.offset = (page - 1) * page_size;
  if (const auto* s = param(params, "bbox")) {
    const auto b = parse_bbox(*s);
    if (!b || !on_globe(*b))
      return make_error(ErrorCode::bad_request, "bbox must be min_long,min_lat,max_long,max_lat within the globe",
                        "bbox");
    q.bbox = *b;
  }
  return q;
}

namespace {
json::object request_json(const dispatch::Center& center, const std::vector<dispatch::Category>& categories,
                          const dispatch::Case& c) {
  const auto* service = category_name(categories, c.category);
  std::string notes = std::string(to_string(c.state));
  if (c.paused_at) notes += "; deferred";
  if (c.overdue) notes += "; overdue";
  if (c.rework_count > 0) notes += "; rework " + std::to_string(c.rework_count);
  // The tier that answers for the case now; the community until it is escalated further.
  const std::string& agency = c.tier == dispatch::Tier::street     ? c.street
                              : c.tier == dispatch::Tier::district ? c.district
                                                                   : c.community;
  // Anyone may read these: only what residents posted here is shown in full. Of a case an
  // operator took in, the title alone (descriptions and addresses may name people); and of
  // every case a rough location, about a hundred metres (a reporter's door stays unknown).
  const bool citizens_own = c.source == dispatch::kOpen311Source;
  const std::string& description = citizens_own ? c.description : c.title;
  const auto rough = [](double degrees) { return std::round(degrees * 1000.0) / 1000.0; };
  json::value expected = nullptr;
  if (c.open() && !c.paused_at && c.resolve_by) expected = w3c_datetime(*c.resolve_by);
  return json::object{{"service_request_id", std::to_string(c.id)},
                      {"status", c.open() ? "open" : "closed"},
                      {"status_notes", notes},
                      {"service_name", service ? json::value(*service) : json::value(c.category)},
                      {"service_code", c.category},
                      {"description", description},
                      {"agency_responsible", jurisdiction_name(center, agency)},
                      {"service_notice", nullptr},
                      {"requested_datetime", w3c_datetime(c.created_at)},
                      {"updated_datetime", w3c_datetime(c.updated_at)},
                      {"expected_datetime", std::move(expected)},
                      {"address", citizens_own ? json::value(c.address) : json::value(nullptr)},
                      {"address_id", nullptr},
                      {"zipcode", nullptr},
                      {"lat", rough(c.lat)},
                      {"long", rough(c.lon)},
                      {"media_url", nullptr}};
}
}  // namespace

json::object request_json(const dispatch::Center& center, const dispatch::Case& c) {
  return request_json(center, center.categories(), c);
}

Response requests(const dispatch::Center& center, dispatch::Reports& reports, const dispatch::RequestQuery& query) {
  auto found = reports.requests(query);
  if (!found) return error(found.error());
  const auto categories = center.categories();
  json::array out;
  for (const auto& c : *found) out.push_back(request_json(center, categories, c));
  return json_array_response(200, std::move(out));
}

Response request(const dispatch::Center& center, dispatch::Reports& reports, std::string_view file) {
  auto name = json_file(file);
  if (!name) return error(404, "only JSON is served: requests/{service_request_id}.json");
  auto id = parse_id(*name);
  if (!id) return error(404, "no service request with this id");
  dispatch::RequestQuery q;
  q.ids = {*id};
  auto found = reports.requests(q);
  if (!found) return error(found.error());
  if (found->empty()) return error(404, "no service request with this id");
  return json_array_response(200, json::array{request_json(center, found->front())});
}

namespace {
// The fields of a POST, from a form or a JSON object; every value as text.
dispatch::Result<std::vector<std::pair<std::string, std::string>>> fields_of(const Request& request) {
  std::string type = request.content_type.substr(0, request.content_type.find(';'));
  for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  std::vector<std::pair<std::string, std::string>> fields;
  if (type == "application/json") {
    auto body = parse_object(request.body);
    if (!body) return body.error();
    for (const auto& kv : *body) {
      const auto& v = kv.value();
      std::string text;
      if (v.is_string()) text = std::string(v.as_string());
      else if (v.is_double() || v.is_int64() || v.is_uint64()) text = to_json_text(v);
      else if (v.is_null()) continue;
      else if (kv.key() == "attribute" && v.is_object()) {
        for (const auto& a : v.as_object()) {
          if (!a.value().is_string())
            return make_error(ErrorCode::bad_request, "attribute values must be strings", "attribute");
          fields.emplace_back("attribute[" + std::string(a.key()) + "]", std::string(a.value().as_string()));
        }
        continue;
      } else {
        return make_error(ErrorCode::bad_request, std::string(kv.key()) + " must be a string or a number",
                          std::string(kv.key()));
      }
      fields.emplace_back(std::string(kv.key()), std::move(text));
    }
    return fields;
  }
  if (type != "application/x-www-form-urlencoded" && !type.empty())
    return make_error(ErrorCode::bad_request,
                      "send the request as application/x-www-form-urlencoded or application/json");
  auto parsed = boost::urls::parse_query(request.body);
  if (!parsed) return make_error(ErrorCode::bad_request, "the form body is malformed");
  for (auto p : *parsed) {
    std::string key = p.key.decode({true, false, true});
    std::string value = p.has_value ? p.value.decode({true, false, true}) : std::string();
    if (!valid_utf8(key) || !valid_utf8(value))
      return make_error(ErrorCode::bad_request, "form fields must be UTF-8 text");
    fields.emplace_back(std::move(key), std::move(value));
  }
  return fields;
}
}  // namespace

dispatch::Result<Submission> submission_from(const dispatch::Center& center, const Request& request) {
  if (request.body.empty())
    return make_error(ErrorCode::bad_request, "the request needs a body: api_key, service_code, lat and long");
  // The form decoder throws on a NUL escape (%00), which is refused like any malformed form.
  dispatch::Result<std::vector<std::pair<std::string, std::string>>> fields =
      make_error(ErrorCode::bad_request, "the form body is malformed");
  try {
    fields = fields_of(request);
  } catch (const std::exception&) {
    return make_error(ErrorCode::bad_request, "the form body is malformed");
  }
  if (!fields) return fields.error();
  Submission s;
  auto& in = s.intake;
  std::optional<double> lat, lon;
  std::string first_name, last_name, service_code, media_url, jurisdiction;
  bool has_address_id = false;
  std::set<std::string> seen;
  for (auto& [key, value] : *fields) {
    if (!seen.insert(key).second) return make_error(ErrorCode::bad_request, key + " is given twice", key);
    if (value.size() > kMaxField) return make_error(ErrorCode::bad_request, key + " is longer than 4000 bytes", key);
    if (key == "api_key") s.api_key = value;
    else if (key == "service_code") service_code = value;
    else if (key == "jurisdiction_id") jurisdiction = value;
    else if (key == "lat" || key == "long") {
      auto n = parse_finite(value);
      if (!n) return make_error(ErrorCode::bad_request, key + " must be a number", key);
      (key == "lat" ? lat : lon) = *n;
    } else if (key == "address_string") in.address = value;
    else if (key == "address_id") has_address_id = !value.empty();
    else if (key == "description") in.description = value;
    else if (key == "first_name") first_name = value;
    else if (key == "last_name") last_name = value;
    else if (key == "phone") in.reporter.phone = value;
    else if (key == "media_url") media_url = value;
    else if (key == "attribute[urgency]") {
      auto u = dispatch::urgency_from(value);
      if (!u) return make_error(ErrorCode::bad_request, "attribute[urgency] must be yellow, orange or red", key);
      in.urgency = *u;
    } else if (key == "email" || key == "device_id" || key == "account_id") {
      // Accepted and not kept: gridkeeper reaches residents by phone.
    } else if (key.rfind("attribute[", 0) == 0) {
      return make_error(ErrorCode::bad_request, "unknown attribute " + key + "; see services/{service_code}.json", key);
    } else {
      return make_error(ErrorCode::bad_request, "unknown field " + key, key);
    }
  }
  if (s.api_key.empty()) return make_error(ErrorCode::forbidden, "api_key is missing", "api_key");
  if (s.api_key.size() > 256) return make_error(ErrorCode::forbidden, "api_key is invalid", "api_key");
  if (!jurisdiction.empty() && !center.jurisdiction(jurisdiction))
    return make_error(ErrorCode::not_found, "jurisdiction_id not found", "jurisdiction_id");
  if (service_code.empty()) return make_error(ErrorCode::bad_request, "service_code is required", "service_code");
  const auto categories = center.categories();
  const auto* service = category_name(categories, service_code);
  if (!service) return make_error(ErrorCode::bad_request, "service_code is not a known service", "service_code");
  in.category = service_code;
  if (!lat || !lon) {
    if (has_address_id)
      return make_error(ErrorCode::bad_request, "address_id is not supported here; send lat and long", "address_id");
    return make_error(ErrorCode::bad_request, "lat and long are required", lat ? "long" : "lat");
  }
  if (*lat < -90 || *lat > 90) return make_error(ErrorCode::bad_request, "lat must be between -90 and 90", "lat");
  if (*lon < -180 || *lon > 180) return make_error(ErrorCode::bad_request, "long must be between -180 and 180", "long");
  in.lat = *lat;
  in.lon = *lon;
  if (!media_url.empty()) {
    if (media_url.rfind("http://", 0) != 0 && media_url.rfind("https://", 0) != 0)
      return make_error(ErrorCode::bad_request, "media_url must be an http or https URL", "media_url");
    in.description += (in.description.empty() ? "" : "\n") + media_url;
  }
  in.title = in.description.empty() ? *service : utf8_prefix(in.description.substr(0, in.description.find('\n')), 50);
  // Chinese names are family name first.
  auto non_ascii = [](const std::string& t) {
    return std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  };
  if (non_ascii(first_name) || non_ascii(last_name)) in.reporter.name = last_name + first_name;
  else in.reporter.name = first_name + (first_name.empty() || last_name.empty() ? "" : " ") + last_name;
  return s;
}

dispatch::Actor client_actor(const dispatch::ClientKey& key) { return dispatch::open311_client(key.name, key.scope); }

Response created(const dispatch::Case& c) {
  auto r =
      json_array_response(201, json::array{json::object{{"service_request_id", std::to_string(c.id)},
                                                        {"service_notice", "已受理 received; it is routed to its grid"},
                                                        {"account_id", nullptr}}});
  return r;
}

}  // namespace gridkeeper::web::open311
