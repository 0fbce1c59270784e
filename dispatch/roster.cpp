#include "dispatch/roster.hpp"

#include "dispatch/center_internal.hpp"
#include "dispatch/text_rules.hpp"

namespace gridkeeper::dispatch {

void count_posts(const Grid& grid, PostCounts& counts) {
  if (!grid.owner.empty()) counts[grid.owner].a += 1;
  if (!grid.backup.empty()) counts[grid.backup].b += 1;
}

bool overloaded(const PostCount& posts) { return posts.a > kMaxAPosts || posts.total() > kMaxPosts; }

std::vector<std::string> worker_flags(const PostCount& posts) {
  std::vector<std::string> out;
  if (overloaded(posts)) out.emplace_back(kTooManyPosts);
  return out;
}

std::vector<std::string> grid_flags(const Grid& grid, const std::map<WorkerId, Worker>& workers,
                                    const PostCounts& counts) {
  std::vector<std::string> out;
  if (grid.owner.empty()) out.emplace_back(kNoAHolder);
  if (grid.backup.empty()) out.emplace_back(kNoBHolder);
  bool retired = false, away = false, heavy = false;
  for (const auto* id : {&grid.owner, &grid.backup}) {
    if (id->empty()) continue;
    if (auto w = workers.find(*id); w != workers.end()) {
      retired = retired || w->second.retired;
      away = away || w->second.status != DutyStatus::on_duty;
    }
    if (auto c = counts.find(*id); c != counts.end()) heavy = heavy || overloaded(c->second);
  }
  if (retired) out.emplace_back(kHolderRetired);
  if (away) out.emplace_back(kHolderAway);
  if (heavy) out.emplace_back(kHolderOverloaded);
  return out;
}

bool follows_posts(const Case& c, const Grid& before, const Grid& after) {
  if (c.grid != before.code || c.state == CaseState::reported) return false;
  if (c.assignee.empty()) return true;
  return (c.assignee == before.owner && before.owner != after.owner) ||
         (c.assignee == before.backup && before.backup != after.backup);
}

bool valid_phone(std::string_view phone) {
  if (phone.size() < 3 || phone.size() > 20) return false;
  int digits = 0;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char ch = phone[i];
    if (ch >= '0' && ch <= '9') ++digits;
    else if (ch == '+' && i == 0) continue;
    else if (ch != '-' && ch != ' ') return false;
  }
  return digits >= 3;
}

Status check_worker_fields(const Worker& worker) {
  if (!valid_identifier(worker.id))
    return make_error(ErrorCode::invalid_value, "a worker id is " + std::string(kIdentifierRule), "id");
  if (worker.name.empty()) return make_error(ErrorCode::invalid_value, "a worker needs a name", "name");
  if (auto e = check_text(worker.name, detail::kMaxShort, "name")) return e;
  if (!valid_phone(worker.phone))
    return make_error(ErrorCode::invalid_value, "a phone number is 3 to 20 of 0-9 + - and space", "phone");
  return std::nullopt;
}

}  // namespace gridkeeper::dispatch
