#pragma once
// The audit trail's words (操作日志): what a change to the organisation touched, before and
// after, as the JSON object text an `AuditEntry` keeps. Every change of accounts, the roster,
// leave, posts, categories, settings, modes and Open311 keys writes one entry through
// these, in the same transaction as the change.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// The kinds of entry the trail holds, as GET /audit?kind= takes them: mode switches,
// categories, duty status, grid posts, assessment settings, Open311 keys, and the
// accounts, roster, leave and grid generations of issue 17, loads of standard addresses.
inline constexpr std::array<std::string_view, 11> kAuditKinds{"mode",    "category",    "worker_status", "grid_posts",
                                                              "setting", "open311_key", "user",          "worker",
                                                              "leave",   "generation",  "address"};
bool known_audit_kind(std::string_view kind);

// A JSON object of text fields, e.g. {"owner_id":"W1","backup_id":"W2"}.
std::string audit_fields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
// A category as the audit trail shows it: name, deadlines by urgency, working time.
std::string category_fields(const Category& category);
// A setting's value as the audit trail keeps it: a JSON object as it is (its fields are
// what changed), any other text as {"value": text}; empty when there is none.
std::string setting_fields(const std::string& value);
// An Open311 client key as the audit trail shows it (never its hash).
std::string client_key_fields(std::int64_t id, std::string_view name, std::string_view scope, bool revoked);

}  // namespace gridkeeper::dispatch
