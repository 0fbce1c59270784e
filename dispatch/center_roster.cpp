#include <algorithm>
#include <boost/json.hpp>
#include <future>

#include "dispatch/audit.hpp"
#include "dispatch/center.hpp"

// The Center's roster (花名册): adding, editing, moving and retiring workers; the roster's
// entries with their posts and flags; the preview of a change of a grid's posts.
namespace gridkeeper::dispatch {

namespace {

namespace json = boost::json;

template <class T>
Result<T> wait(const std::function<void(std::function<void(Result<T>)>)>& start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  start([promise](Result<T> r) { promise->set_value(std::move(r)); });
  return future.get();
}

std::string lower_ascii(std::string s) {
  for (auto& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

bool matches_text(const Worker& w, const std::string& q) {
  if (q.empty()) return true;
  const auto needle = lower_ascii(q);
  for (const auto* field : {&w.id, &w.name, &w.phone})
    if (lower_ascii(*field).find(needle) != std::string::npos) return true;
  return false;
}

std::string text_of(bool b) { return b ? "true" : "false"; }

}  // namespace

PostCounts Center::post_counts_locked() const {
  PostCounts counts;
  for (const auto& [code, g] : grids_) count_posts(g, counts);
  return counts;
}

void Center::add_worker(Worker worker, const Actor& actor, std::function<void(Result<Worker>)> done) {
  if (auto e = check(actor, Permission::manage_roster)) return done(std::move(*e));
  worker.status = DutyStatus::on_duty;
  worker.retired = false;
  if (auto e = check_worker_fields(worker)) return done(std::move(*e));
  std::lock_guard lock(mutex_);
  auto j = jurisdictions_.find(worker.community);
  if (j == jurisdictions_.end() || j->second.level != Level::community)
    return done(make_error(ErrorCode::invalid_value, "no community " + worker.community, "community"));
  if (auto e = check_roster(actor, worker.community, places())) return done(std::move(*e));
  if (workers_.count(worker.id)) return done(make_error(ErrorCode::conflict, "worker " + worker.id + " exists", "id"));
  workers_[worker.id] = worker;
  Change change;
  change.workers.push_back(worker);
  change.audit.push_back(
      {clock_.now(), actor.label(), "worker", worker.id, "added to community " + worker.community, "",
       audit_fields({{"name", worker.name}, {"phone", worker.phone}, {"community", worker.community}})});
  submit_locked(std::move(change), {}, [worker, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(worker);
  });
}

void Center::update_worker(const WorkerId& id, const WorkerEdit& edit, const Actor& actor,
                           std::function<void(Result<Worker>)> done) {
  if (auto e = check(actor, Permission::manage_roster)) return done(std::move(*e));
  std::lock_guard lock(mutex_);
  auto w = workers_.find(id);
  if (w == workers_.end() || !covers(actor, w->second.community, places()))
    return done(make_error(ErrorCode::not_found, "no worker " + id));
  const Worker was = w->second;
  Worker next = was;
  if (edit.name) next.name = *edit.name;
  if (edit.phone) next.phone = *edit.phone;
  if (edit.retired) next.retired = *edit.retired;
  if (edit.community && *edit.community != was.community) {
    auto j = jurisdictions_.find(*edit.community);
    if (j == jurisdictions_.end() || j->second.level != Level::community)
      return done(make_error(ErrorCode::invalid_value, "no community " + *edit.community, "community"));
    if (auto e = check_roster(actor, *edit.community, places())) return done(std::move(*e));
    next.community = *edit.community;
  }
  if (auto e = check_worker_fields(next)) return done(std::move(*e));
  if (next.retired && !was.retired) {
    // 离职: only once the worker's posts and open cases are handed over.
    std::string held;
    for (const auto& [code, g] : grids_) {
      if (g.owner == id) held += (held.empty() ? "" : ", ") + code + " (A)";
      if (g.backup == id) held += (held.empty() ? "" : ", ") + code + " (B)";
    }
    const int open = load_of_locked(id);
    if (!held.empty() || open > 0) {
      std::string words = "worker " + id + " still holds";
      if (!held.empty()) words += " the posts of grids " + held;
      if (!held.empty() && open > 0) words += " and";
      if (open > 0) words += " " + std::to_string(open) + " open case" + (open == 1 ? "" : "s");
      return done(make_error(ErrorCode::conflict, words + "; hand them over first", "retired"));
    }
  }
  json::object before, after;
  std::string detail;
  auto touched = [&](std::string_view field, const std::string& from, const std::string& to) {
    if (from == to) return;
    before[field] = from;
    after[field] = to;
    detail += (detail.empty() ? "" : ", ") + std::string(field) + " " + from + " -> " + to;
  };
  touched("name", was.name, next.name);
  touched("phone", was.phone, next.phone);
  touched("community", was.community, next.community);
  touched("retired", text_of(was.retired), text_of(next.retired));
  if (after.empty()) return done(was);
  w->second = next;
  Change change;
  change.workers.push_back(next);
  change.audit.push_back(
      {clock_.now(), actor.label(), "worker", id, detail, json::serialize(before), json::serialize(after)});
  submit_locked(std::move(change), {}, [next, done = std::move(done)](Status s) {
    if (s) return done(std::move(*s));
    done(next);
  });
}

Result<Worker> Center::add_worker_and_wait(Worker worker, const Actor& actor) {
  return wait<Worker>([&](auto cb) { add_worker(std::move(worker), actor, std::move(cb)); });
}

Result<Worker> Center::update_worker_and_wait(const WorkerId& id, const WorkerEdit& edit, const Actor& actor) {
  return wait<Worker>([&](auto cb) { update_worker(id, edit, actor, std::move(cb)); });
}

Result<std::vector<RosterEntry>> Center::roster(const RosterQuery& query, const Actor& actor) const {
  std::lock_guard lock(mutex_);
  for (auto [code, level, field] :
       {std::tuple{&query.street, Level::street, "street"}, {&query.community, Level::community, "community"}}) {
    if (code->empty()) continue;
    auto j = jurisdictions_.find(*code);
    if (j == jurisdictions_.end() || j->second.level != level)
      return make_error(ErrorCode::invalid_value, "no " + std::string(field) + " " + *code, field);
    if (!sees_own_work_only(actor) && !covers(actor, *code, places()) && !in_scope_locked(*code, actor.scope))
      return make_error(ErrorCode::forbidden, std::string(field) + " " + *code + " is outside your jurisdiction",
                        field);
  }
  const auto counts = post_counts_locked();
  std::map<WorkerId, std::vector<WorkerPost>> posts;
  std::vector<const Grid*> by_code;
  for (const auto& [code, g] : grids_) by_code.push_back(&g);
  std::sort(by_code.begin(), by_code.end(), [](const Grid* a, const Grid* b) { return a->code < b->code; });
  for (const auto* g : by_code) {
    if (!g->owner.empty()) posts[g->owner].push_back({g->code, g->name, false});
    if (!g->backup.empty()) posts[g->backup].push_back({g->code, g->name, true});
  }
  std::vector<RosterEntry> out;
  for (const auto& [id, w] : workers_) {
    if (w.retired != query.retired || !sees(actor, w, places())) continue;
    if (!query.community.empty() && w.community != query.community) continue;
    if (!query.street.empty() && !in_scope_locked(query.street, w.community)) continue;
    if (!matches_text(w, query.q)) continue;
    RosterEntry e;
    e.worker = w;
    if (auto j = jurisdictions_.find(w.community); j != jurisdictions_.end()) e.community_name = j->second.name;
    if (auto p = posts.find(id); p != posts.end()) e.posts = p->second;
    e.open_cases = load_of_locked(id);
    auto c = counts.find(id);
    e.flags = worker_flags(c == counts.end() ? PostCount{} : c->second);
    out.push_back(std::move(e));
  }
  return out;
}

Result<PostsPreview> Center::preview_posts(const std::string& grid_code, const WorkerId& owner, const WorkerId& backup,
                                           const Actor& actor) const {
  if (auto e = check(actor, Permission::manage_posts)) return std::move(*e);
  std::lock_guard lock(mutex_);
  auto g = grids_.find(grid_code);
  if (g == grids_.end() || !covers(actor, grid_code, places()))
    return make_error(ErrorCode::not_found, "no grid " + grid_code);
  if (auto e = check_posts_locked(owner, backup, actor)) return std::move(*e);
  PostsPreview p;
  p.before = g->second;
  p.after = g->second;
  p.after.owner = owner;
  p.after.backup = backup;
  auto counts = post_counts_locked();
  p.flags_before = dispatch::grid_flags(p.before, workers_, counts);
  for (const auto* id : {&p.before.owner, &p.before.backup})
    if (!id->empty()) {
      auto& c = counts[*id];
      (id == &p.before.owner ? c.a : c.b) -= 1;
    }
  count_posts(p.after, counts);
  p.flags_after = dispatch::grid_flags(p.after, workers_, counts);
  for (const auto& [id, c] : open_) {
    if (!follows_posts(c, p.before, p.after)) continue;
    auto a = assign_locked(c, p.after);
    if (a.worker == c.assignee) continue;
    p.moving.push_back({c.id, c.title, c.urgency, c.assignee, a.worker});
    p.by_urgency[static_cast<std::size_t>(c.urgency)] += 1;
  }
  return p;
}

std::unordered_map<std::string, std::vector<std::string>> Center::grid_flags() const {
  std::lock_guard lock(mutex_);
  const auto counts = post_counts_locked();
  std::unordered_map<std::string, std::vector<std::string>> out;
  for (const auto& [code, g] : grids_) {
    auto flags = dispatch::grid_flags(g, workers_, counts);
    if (!flags.empty()) out.emplace(code, std::move(flags));
  }
  return out;
}

}  // namespace gridkeeper::dispatch
