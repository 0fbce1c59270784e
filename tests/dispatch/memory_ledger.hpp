#pragma once
// An in-memory Ledger for dispatch tests: applies changes in order on its own thread,
// like the real one, and can be told to fail the next writes.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "dispatch/ledger.hpp"
#include "geo/tessellation.hpp"

namespace gridkeeper::testing {

class MemoryLedger final : public dispatch::Ledger {
 public:
  MemoryLedger() : thread_([this] { run(); }) {}
  ~MemoryLedger() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  dispatch::LedgerState initial;
  int fail_next = 0;
  std::vector<dispatch::AuditEntry> audit;  // stored audit entries (read after drain())

  // The initial organisation plus whatever was stored since, as a restart would see it.
  dispatch::LedgerState load() override {
    std::lock_guard lock(mutex_);
    auto state = initial;
    for (const auto& [id, c] : cases_) {
      if (c.open()) state.open_cases.push_back(c);
      state.max_case_id = std::max(state.max_case_id, id);
    }
    return state;
  }

  void write(dispatch::Change change, std::function<void(dispatch::Status)> done) override {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(std::move(change), std::move(done));
    cv_.notify_all();
  }

  std::optional<dispatch::Case> find_case(dispatch::CaseId id) override {
    std::lock_guard lock(mutex_);
    auto it = cases_.find(id);
    if (it == cases_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<dispatch::CaseEvent> case_events(dispatch::CaseId id) override {
    std::lock_guard lock(mutex_);
    std::vector<dispatch::CaseEvent> out;
    for (const auto& e : events_)
      if (e.case_id == id) out.push_back(e);
    return out;
  }
  std::vector<dispatch::Case> find_cases(const dispatch::CaseQuery& q) override {
    std::lock_guard lock(mutex_);
    std::vector<dispatch::Case> out;
    for (auto it = cases_.rbegin(); it != cases_.rend() && static_cast<int>(out.size()) < q.limit; ++it) {
      const auto& c = it->second;
      if (q.after && c.id >= *q.after) continue;
      if (!q.scope.empty() && c.grid != q.scope && c.community != q.scope && c.street != q.scope &&
          c.district != q.scope)
        continue;
      if (!q.assignee.empty() && c.assignee != q.assignee) continue;
      if (q.state && c.state != *q.state) continue;
      if (q.open && c.open() != *q.open) continue;
      if (!q.grid.empty() && c.grid != q.grid) continue;
      if (q.urgency && c.urgency != *q.urgency) continue;
      if (q.overdue && c.overdue != *q.overdue) continue;
      out.push_back(c);
    }
    return out;
  }
  std::vector<dispatch::PostTerm> post_history(const std::string& grid) override {
    std::lock_guard lock(mutex_);
    std::vector<dispatch::PostTerm> out;
    for (const auto& t : terms_)
      if (t.grid == grid) out.push_back(t);
    return out;
  }

  std::size_t event_count() {
    std::lock_guard lock(mutex_);
    return events_.size();
  }
  // Waits until every queued write has been applied.
  void drain() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (true) {
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto [change, done] = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      dispatch::Status status;
      if (fail_next > 0) {
        --fail_next;
        status = dispatch::make_error(dispatch::ErrorCode::storage_failed, "disk full");
      } else {
        for (const auto& c : change.cases) cases_[c.id] = c;
        for (auto e : change.events) {
          e.seq = static_cast<std::int64_t>(events_.size()) + 1;
          events_.push_back(e);
        }
        for (const auto& t : change.post_terms_closed)
          for (auto& open : terms_)
            if (open.grid == t.grid && open.worker == t.worker && open.backup == t.backup && !open.to) open.to = t.to;
        for (const auto& t : change.post_terms_opened) terms_.push_back(t);
        for (const auto& w : change.workers)
          for (auto& known : initial.workers)
            if (known.id == w.id) known = w;
        for (const auto& l : change.leaves) {
          auto it = std::find_if(initial.leaves.begin(), initial.leaves.end(),
                                 [&](const dispatch::Leave& k) { return k.id == l.id; });
          if (it == initial.leaves.end()) initial.leaves.push_back(l);
          else *it = l;
        }
        audit.insert(audit.end(), change.audit.begin(), change.audit.end());
      }
      lock.unlock();
      done(status);
      lock.lock();
      busy_ = false;
      cv_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::pair<dispatch::Change, std::function<void(dispatch::Status)>>> queue_;
  std::map<dispatch::CaseId, dispatch::Case> cases_;
  std::vector<dispatch::CaseEvent> events_;
  std::vector<dispatch::PostTerm> terms_;
  bool stopping_ = false, busy_ = false;
  std::thread thread_;
};

// A small city: district D, street S, communities C1 (grids G0-0..G0-2) and C2
// (G1-0..G1-2), a 3x2 tessellation; workers W1..W6, one owner per grid, backups shifted.
inline dispatch::LedgerState small_city() {
  using namespace dispatch;
  LedgerState s;
  s.jurisdictions = {{"D", "翔安区", Level::district, ""},    {"S", "新店街道", Level::street, "D"},
                     {"C1", "一社区", Level::community, "S"}, {"C2", "二社区", Level::community, "S"},
                     {"S2", "马巷街道", Level::street, "D"},  {"C3", "三社区", Level::community, "S2"}};
  geo::TessellationOptions t;
  t.columns = 3;
  t.rows = 2;
  t.area = {118.30, 24.60, 118.33, 24.62};
  s.grid_shapes = geo::tessellate(t);
  int n = 0;
  for (const auto& shape : s.grid_shapes) {
    const std::string community = shape.code.rfind("G0-", 0) == 0 ? "C1" : "C2";
    ++n;
    s.grids.push_back({shape.code, "网格" + std::to_string(n), community, 1500, "W" + std::to_string(n),
                       "W" + std::to_string(n % 3 + 1 + (community == "C2" ? 3 : 0))});
    s.workers.push_back({"W" + std::to_string(n), "工作者" + std::to_string(n), "1380000000" + std::to_string(n),
                         community, DutyStatus::on_duty});
  }
  s.workers.push_back({"W7", "工作者7", "13800000007", "C1", DutyStatus::on_duty});  // no post: community pool
  s.workers.push_back({"W9", "工作者9", "13800000009", "C3", DutyStatus::on_duty});  // another street
  Category env{"environment", "环境卫生", default_sla()};
  Category fast{"safety_hazard", "安全隐患", {Deadlines{3600, 7200}, Deadlines{600, 3600}, Deadlines{300, 1800}}};
  s.categories = {env, fast};
  return s;
}

}  // namespace gridkeeper::testing
