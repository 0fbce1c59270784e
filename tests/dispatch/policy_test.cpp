#include <catch2/catch.hpp>

#include "dispatch/policy.hpp"

using namespace gridkeeper::dispatch;

namespace {
std::map<WorkerId, Worker> team(std::initializer_list<std::tuple<const char*, const char*, DutyStatus>> ws) {
  std::map<WorkerId, Worker> out;
  for (auto [id, community, status] : ws) out[id] = Worker{id, id, "", community, status};
  return out;
}
}  // namespace

TEST_CASE("assignment falls back owner -> backup -> community pool -> unassigned queue", "[policy]") {
  const Grid grid{"G1", "一网格", "C1", 1500, "A", "B"};
  std::map<WorkerId, int> load{{"P", 3}, {"Q", 1}, {"R", 1}};
  auto loads = [&](const WorkerId& w) { return load.count(w) ? load.at(w) : 0; };

  auto workers = team({{"A", "C1", DutyStatus::on_duty},
                       {"B", "C1", DutyStatus::on_duty},
                       {"P", "C1", DutyStatus::on_duty},
                       {"Q", "C1", DutyStatus::on_duty},
                       {"R", "C1", DutyStatus::on_duty},
                       {"Z", "C2", DutyStatus::on_duty}});
  auto a = choose_assignee(grid, workers, loads);
  CHECK(a.worker == "A");
  CHECK(a.reason.find("owner (A post)") != std::string::npos);

  workers["A"].status = DutyStatus::leave;
  a = choose_assignee(grid, workers, loads);
  CHECK(a.worker == "B");
  CHECK(a.reason.find("backup (B post)") != std::string::npos);
  CHECK(a.reason.find("owner A is leave") != std::string::npos);

  workers["B"].status = DutyStatus::off_duty;
  a = choose_assignee(grid, workers, loads);
  CHECK(a.worker == "Q");  // least loaded; ties (Q, R) go to the smallest id; Z is elsewhere
  CHECK(a.reason.find("least-loaded") != std::string::npos);
  CHECK(a.reason.find("1 open cases") != std::string::npos);

  for (auto id : {"P", "Q", "R"}) workers[id].status = DutyStatus::leave;
  a = choose_assignee(grid, workers, loads);
  CHECK(a.worker.empty());
  CHECK(a.reason.find("unassigned queue of community C1") != std::string::npos);
}

TEST_CASE("a grid without posts goes straight to the pool", "[policy]") {
  const Grid grid{"G2", "二网格", "C1", 1200, "", ""};
  auto workers = team({{"P", "C1", DutyStatus::on_duty}});
  auto a = choose_assignee(grid, workers, [](const WorkerId&) { return 0; });
  CHECK(a.worker == "P");
  CHECK(a.reason.find("has no owner") != std::string::npos);
}

TEST_CASE("deadlines come from the category and urgency", "[policy]") {
  Category c{"environment", "环境卫生", default_sla()};
  const Millis t0 = 1'767'225'600'000;
  auto yellow = due_times(c, Urgency::yellow, t0);
  CHECK(yellow.accept_by - t0 == 24LL * 3600 * 1000);
  CHECK(yellow.resolve_by - t0 == 5LL * 24 * 3600 * 1000);
  auto orange = due_times(c, Urgency::orange, t0);
  CHECK(orange.accept_by - t0 == 2LL * 3600 * 1000);
  CHECK(orange.resolve_by - t0 == 24LL * 3600 * 1000);
  auto red = due_times(c, Urgency::red, t0);
  CHECK(red.accept_by - t0 == 30LL * 60 * 1000);
  CHECK(red.resolve_by - t0 == 4LL * 3600 * 1000);
  c.sla[2] = {60, 600};  // a category may override
  CHECK(due_times(c, Urgency::red, t0).accept_by - t0 == 60'000);
}
