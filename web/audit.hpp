#pragma once
// The audit trail (操作日志) at the API's edge: GET /api/v1/audit's query parameters, its
// entries as JSON (before and after as objects) and as CSV, and where an entry's subject
// lies in the hierarchy (for an admin with a scope: dispatch::sees_audit_entry).
#include <boost/json/object.hpp>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "dispatch/center.hpp"
#include "dispatch/reports.hpp"
#include "web/csv.hpp"
#include "web/params.hpp"
#include "web/streaming.hpp"

namespace gridkeeper::web {

inline constexpr std::size_t kAuditDefaultLimit = 100, kAuditMaxLimit = 1000;
inline constexpr std::size_t kAuditMaxFilterBytes = 200;

struct AuditRequest {
  dispatch::AuditQuery query;
  std::size_t limit = kAuditDefaultLimit;  // a page of JSON; CSV: only when given
  bool limit_given = false;
  bool csv = false;  // format=csv, or an Accept of text/csv without format
};
// bad_request for dates that are not dates; invalid_value for the rest (an unknown kind, a
// limit out of 1..1000, a bad cursor, a filter too long, from not before to).
dispatch::Result<AuditRequest> audit_request(const QueryParams& params, std::string_view accept);

// {seq, at, actor, kind, subject, detail, before, after}: before and after are the stored
// objects, null when empty (or, for entries older than them, not an object).
boost::json::object audit_json(const dispatch::AuditRecord& r);

StreamHead audit_csv_head();
void audit_csv_header(CsvWriter& w);
void audit_csv_row(CsvWriter& w, const dispatch::AuditRecord& r);

// Where the subjects of entries lie, from a snapshot of the organisation: a grid or a
// jurisdiction is its own place, a worker lies in its community; anything else (a
// category, a setting, a key, an account) has none.
class AuditPlaces {
 public:
  explicit AuditPlaces(const dispatch::Center& center);
  std::optional<std::string> place(const dispatch::AuditEntry& e) const;

 private:
  std::set<std::string> codes_;
  std::map<std::string, std::string> worker_community_;
};

// Whether `actor` sees entry `e` (dispatch/access.hpp, sees_audit_entry).
bool sees_audit(const dispatch::Center& center, const AuditPlaces* places, const dispatch::Actor& actor,
                const dispatch::AuditEntry& e);

}  // namespace gridkeeper::web
