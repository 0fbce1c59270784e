#include "dispatch/center.hpp"

#include "dispatch/audit.hpp"
#include "dispatch/center_internal.hpp"
#include "dispatch/text_rules.hpp"

// The Center's organisation: grid posts, duty status, emergency mode and categories.
namespace gridkeeper::dispatch {

using namespace detail;

void Center::reassign_grid(const std::string& grid_code, const WorkerId& owner, const WorkerId& backup,
                           const Actor& actor, std::function<void(Result<Grid>)> done) {
  if (auto e = check(actor, Permission::manage_posts)) return done(std::move(*e));
  std::lock_guard lock(mutex_);
  auto g = grids_.find(grid_code);
  if (g == grids_.end() || !covers(actor, grid_code, places()))
    return done(make_error(ErrorCode::not_found, "no grid " + grid_code));
  if (auto e = check_posts_locked(owner, backup, actor)) return done(std::move(*e));
  const Millis now = clock_.now();
  Grid& grid = g->second;
  const Grid before = grid;
  Change change;
  for (auto [old_id, new_id, is_backup] : {std::tuple{before.owner, owner, false}, {before.backup, backup, true}}) {
    if (old_id == new_id) continue;
    if (!old_id.empty()) change.post_terms_closed.push_back({grid_code, old_id, is_backup, 0, now});
    if (!new_id.empty()) change.post_terms_opened.push_back({grid_code, new_id, is_backup, now, std::nullopt});
  }
  grid.owner = owner;
  grid.backup = backup;
  change.grids.push_back(grid);
  change.audit.push_back({now, actor.label(), "grid_posts", grid_code,
                          "owner " + before.owner + " -> " + owner + ", backup " + before.backup + " -> " + backup,
                          audit_fields({{"owner_id", before.owner}, {"backup_id", before.backup}}),
                          audit_fields({{"owner_id", owner}, {"backup_id", backup}})});
  // Hand the grid's open cases held by outgoing post holders (or waiting unassigned) to
  // whoever the assignment rule now picks.
  std::vector<CaseNotice> notices;
  for (auto& [id, c] : open_) {
    if (!follows_posts(c, before, grid)) continue;
    auto a = assign_locked(c, grid);
    if (a.worker == c.assignee) continue;
    const WorkerId outgoing = c.assignee;
    auto e = hand_over_locked(c, a.worker, actor, now, "grid " + grid_code + " posts changed: " + a.reason);
    e.posts = PostChange{before.owner, owner, before.backup, backup};
    change.cases.push_back(c);
    change.events.push_back(e);
    notices.push_back({"case.updated", c, {e}, outgoing, {}});
  }
  submit_locked(std::move(change), std::move(notices), [grid, done = std::move(done)](Status status) {
    if (status) return done(std::move(*status));
    done(grid);
  });
}

Status Center::check_posts_locked(const WorkerId& owner, const WorkerId& backup, const Actor& actor) const {
  for (auto [id, field] : {std::pair{&owner, "owner_id"}, {&backup, "backup_id"}}) {
    if (id->empty()) continue;
    auto w = workers_.find(*id);
    if (w == workers_.end()) return make_error(ErrorCode::invalid_value, "unknown worker " + *id, field);
    // As for re-dispatch: a post goes only to a worker of the caller's own jurisdiction,
    // or the worker would read cases and reporters outside it.
    if (!covers(actor, w->second.community, places()))
      return make_error(ErrorCode::forbidden, "worker " + *id + " is outside your jurisdiction", field);
    if (w->second.retired) return make_error(ErrorCode::invalid_value, "worker " + *id + " has retired", field);
  }
  if (owner.empty()) return make_error(ErrorCode::invalid_value, "a grid needs an owner", "owner_id");
  if (owner == backup)
    return make_error(ErrorCode::invalid_value, "owner and backup must be different workers", "backup_id");
  return std::nullopt;
}

void Center::set_worker_status(const WorkerId& worker, DutyStatus status, const Actor& actor,
                               std::function<void(Result<Worker>)> done) {
  std::lock_guard lock(mutex_);
  auto w = workers_.find(worker);
  if (w == workers_.end()) return done(make_error(ErrorCode::not_found, "no worker " + worker));
  if (auto e = check_duty_status(actor, w->second, places())) return done(std::move(*e));
  const DutyStatus was = w->second.status;
  w->second.status = status;
  Change change;
  change.workers.push_back(w->second);
  change.audit.push_back({clock_.now(), actor.label(), "worker_status", worker, std::string(to_string(status)),
                          audit_fields({{"status", to_string(was)}}), audit_fields({{"status", to_string(status)}})});
  submit_locked(std::move(change), {}, [updated = w->second, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(updated);
  });
}

bool Center::emergency_locked(const Case& c) const { return emergency_at_locked(c.street, c.district); }

bool Center::emergency_at_locked(const std::string& street, const std::string& district) const {
  for (const auto* code : {&street, &district}) {
    auto j = jurisdictions_.find(*code);
    if (j != jurisdictions_.end() && j->second.emergency) return true;
  }
  return false;
}

void Center::set_mode(const std::string& code, bool emergency, const Actor& actor,
                      std::function<void(Result<Jurisdiction>)> done) {
  if (auto e = check(actor, Permission::switch_mode)) return done(std::move(*e));
  std::lock_guard lock(mutex_);
  auto j = jurisdictions_.find(code);
  if (j == jurisdictions_.end() || !covers(actor, code, places()))
    return done(make_error(ErrorCode::not_found, "no jurisdiction " + code));
  if (j->second.level != Level::street && j->second.level != Level::district)
    return done(make_error(ErrorCode::invalid_value, "emergency mode applies to a street or a district", "code"));
  Change change;
  if (j->second.emergency != emergency) {
    j->second.emergency = emergency;
    change.jurisdictions.push_back(j->second);
    change.audit.push_back({clock_.now(), actor.label(), "mode", code, emergency ? "emergency" : "normal",
                            audit_fields({{"mode", emergency ? "normal" : "emergency"}}),
                            audit_fields({{"mode", emergency ? "emergency" : "normal"}})});
  }
  if (change.empty()) return done(j->second);
  submit_locked(std::move(change), {}, [updated = j->second, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(updated);
  });
}

void Center::update_category(Category category, const Actor& actor, std::function<void(Result<Category>)> done) {
  if (auto e = check(actor, Permission::manage_categories)) return done(std::move(*e));
  if (!valid_identifier(category.id))
    return done(make_error(ErrorCode::invalid_value, "a category id is " + std::string(kIdentifierRule), "id"));
  if (category.name.empty()) return done(make_error(ErrorCode::invalid_value, "a category needs a name", "name"));
  if (auto e = check_text(category.name, kMaxShort, "name")) return done(std::move(*e));
  constexpr std::int64_t kYear = 366LL * 24 * 3600;
  for (auto u : kUrgencies) {
    const auto& d = category.deadlines(u);
    const std::string field = "sla." + std::string(to_string(u));
    if (d.accept_s < 60 || d.resolve_s < 60 || d.accept_s > kYear || d.resolve_s > kYear)
      return done(make_error(ErrorCode::invalid_value, "deadlines must lie between a minute and a year", field));
    if (d.accept_s > d.resolve_s)
      return done(make_error(ErrorCode::invalid_value, "acceptance cannot take longer than resolution", field));
  }
  std::lock_guard lock(mutex_);
  const auto before = categories_.find(category.id);
  std::string detail = before == categories_.end() ? "created" : "updated";
  for (auto u : kUrgencies)
    detail += " " + std::string(to_string(u)) + "=" + std::to_string(category.deadlines(u).accept_s) + "/" +
              std::to_string(category.deadlines(u).resolve_s) + "s";
  if (category.working_time) detail += " working time";
  if (category.after_photo_required) detail += " after-photo required";
  if (category.callback) detail += " callback";
  std::string was = before == categories_.end() ? std::string() : category_fields(before->second);
  categories_[category.id] = category;
  Change change;
  change.categories.push_back(category);
  change.audit.push_back(
      {clock_.now(), actor.label(), "category", category.id, detail, std::move(was), category_fields(category)});
  submit_locked(std::move(change), {}, [category, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(category);
  });
}

}  // namespace gridkeeper::dispatch
