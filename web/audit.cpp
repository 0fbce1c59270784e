#include "web/audit.hpp"

#include <boost/json.hpp>

#include "dispatch/access.hpp"
#include "dispatch/audit.hpp"
#include "web/dates.hpp"
#include "web/json_codec.hpp"
#include "web/text.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::CenterPlaces;
using dispatch::ErrorCode;
using dispatch::make_error;

namespace {
constexpr dispatch::Millis kDay = 86'400'000;

// before/after as stored: an object, or null.
json::value fields(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return nullptr;
  return v;
}

dispatch::Result<std::string> filter_text(const QueryParams& params, const char* name) {
  const auto* v = param(params, name);
  if (!v) return std::string();
  if (v->size() > kAuditMaxFilterBytes || !valid_utf8(*v))
    return make_error(
        ErrorCode::invalid_value,
        std::string(name) + " must be at most " + std::to_string(kAuditMaxFilterBytes) + " bytes of UTF-8", name);
  return *v;
}

bool wants_csv(std::string_view accept) {
  for (auto part : split_commas(accept)) {
    auto media = std::string_view(part).substr(0, part.find(';'));
    while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    if (media == "text/csv") return true;
  }
  return false;
}

}  // namespace

dispatch::Result<AuditRequest> audit_request(const QueryParams& params, std::string_view accept) {
  AuditRequest r;
  auto actor = filter_text(params, "actor");
  if (!actor) return actor.error();
  r.query.actor = std::move(*actor);
  auto target = filter_text(params, "target");
  if (!target) return target.error();
  r.query.target = std::move(*target);
  if (const auto* k = param(params, "kind")) {
    if (!dispatch::known_audit_kind(*k)) {
      std::string known;
      for (auto name : dispatch::kAuditKinds) known += (known.empty() ? "" : ", ") + std::string(name);
      return make_error(ErrorCode::invalid_value, "kind must be one of " + known, "kind");
    }
    r.query.kind = *k;
  }
  if (const auto* f = param(params, "from")) {
    auto t = parse_datetime(*f);
    if (!t)
      return make_error(ErrorCode::bad_request, "from must be a date (2026-01-01) or an ISO 8601 datetime", "from");
    r.query.from = *t;
  }
  if (const auto* to = param(params, "to")) {
    bool date_only = false;
    auto t = parse_datetime(*to, &date_only);
    if (!t) return make_error(ErrorCode::bad_request, "to must be a date (2026-03-31) or an ISO 8601 datetime", "to");
    r.query.to = date_only ? *t + kDay : *t;  // a date includes its whole day
  }
  if (r.query.from >= r.query.to) return make_error(ErrorCode::invalid_value, "from must be before to", "to");
  if (const auto* l = param(params, "limit")) {
    auto n = parse_id(*l);
    if (!n || *n > static_cast<std::int64_t>(kAuditMaxLimit))
      return make_error(ErrorCode::invalid_value, "limit must be between 1 and " + std::to_string(kAuditMaxLimit),
                        "limit");
    r.limit = static_cast<std::size_t>(*n);
    r.limit_given = true;
  }
  if (const auto* a = param(params, "after")) {
    auto n = parse_id(*a);
    if (!n) return make_error(ErrorCode::invalid_value, "after must be the seq of an entry", "after");
    r.query.after = *n;
  }
  if (const auto* f = param(params, "format")) {
    if (*f != "json" && *f != "csv")
      return make_error(ErrorCode::invalid_value, "format must be json or csv", "format");
    r.csv = *f == "csv";
  } else {
    r.csv = wants_csv(accept);
  }
  return r;
}

json::object audit_json(const dispatch::AuditRecord& r) {
  const auto& e = r.entry;
  return json::object{
      {"seq", r.seq},         {"at", iso8601(e.at)}, {"actor", e.actor},           {"kind", e.kind},
      {"subject", e.subject}, {"detail", e.detail},  {"before", fields(e.before)}, {"after", fields(e.after)}};
}

StreamHead audit_csv_head() {
  auto r = csv_response({}, "audit.csv");
  return StreamHead{r.status, std::move(r.content_type), std::move(r.headers)};
}

void audit_csv_header(CsvWriter& w) {
  for (auto name : {"seq", "at", "actor", "kind", "subject", "detail", "before", "after"}) w.text(name);
  w.end_row();
}

void audit_csv_row(CsvWriter& w, const dispatch::AuditRecord& r) {
  const auto& e = r.entry;
  w.number(r.seq).text(local_datetime(e.at)).text(e.actor).text(e.kind).text(e.subject).text(e.detail);
  w.text(e.before).text(e.after);
  w.end_row();
}

AuditPlaces::AuditPlaces(const dispatch::Center& center) {
  const dispatch::Actor everything;  // the system: no scope
  for (const auto& j : center.jurisdictions(everything)) codes_.insert(j.code);
  for (const auto& g : center.grids(everything)) codes_.insert(g.code);
  for (const auto& w : center.workers(everything)) worker_community_[w.id] = w.community;
}

std::optional<std::string> AuditPlaces::place(const dispatch::AuditEntry& e) const {
  if (codes_.count(e.subject)) return e.subject;
  if (auto w = worker_community_.find(e.subject); w != worker_community_.end() && !w->second.empty()) return w->second;
  return std::nullopt;
}

bool sees_audit(const dispatch::Center& center, const AuditPlaces* places, const dispatch::Actor& actor,
                const dispatch::AuditEntry& e) {
  const CenterPlaces hierarchy(center);
  return dispatch::sees_audit_entry(actor, places ? places->place(e) : std::nullopt, hierarchy);
}

}  // namespace gridkeeper::web
