#pragma once
// The audit trail's words (操作日志): what a change to the organisation touched, before and
// after, as the JSON object text an `AuditEntry` keeps. Every change of accounts, the roster,
// leave, posts, categories, settings, modes and Open311 keys writes one entry through
// these, in the same transaction as the change.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// A JSON object of text fields, e.g. {"owner_id":"W1","backup_id":"W2"}.
std::string audit_fields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
// A category as the audit trail shows it: name, deadlines by urgency, working time.
std::string category_fields(const Category& category);

}  // namespace gridkeeper::dispatch
