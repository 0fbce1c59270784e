#pragma once
// JSON of the roster (花名册) and the posts (定岗定人): the bodies of POST /workers,
// PUT /workers/{id}, the posts preview, and the roster's entries and preview as JSON.
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "dispatch/errors.hpp"
#include "dispatch/roster.hpp"

namespace gridkeeper::web {

dispatch::Result<dispatch::Worker> new_worker_from(const boost::json::object& body);
dispatch::Result<dispatch::WorkerEdit> worker_edit_from(const boost::json::object& body);
boost::json::array flags_json(const std::vector<std::string>& flags);
boost::json::object roster_entry_json(const dispatch::RosterEntry& e);
boost::json::object posts_preview_json(const dispatch::PostsPreview& p);

}  // namespace gridkeeper::web
