// The grid generations' storage on SQLite and on PostgreSQL: drafts added through the
// ledger's writer with their audit entry, listed newest first, found, their file kept as
// uploaded; the grids in force and those of the generation in force at a time.
#include <catch2/catch.hpp>

#include "backends.hpp"
#include "data/generations_store.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;

TEMPLATE_TEST_CASE("generations: drafts are stored with their file and audit entry, listed and found", "[generations]",
                   OnSqlite, OnPostgres) {
  CityOn<TestType> city;
  auto ledger = TestType::open(city.place);
  auto store = open_store<typename TestType::Generations>(city.place, *ledger);

  // The import put its grids in force as the first generation.
  auto before = store->list();
  REQUIRE(before.ok());
  REQUIRE(before->size() == 1);
  const auto first = before->front();
  CHECK(first.state == dispatch::GenerationState::current);
  CHECK(first.applied_at.has_value());

  auto draft = [](dispatch::Millis at, std::size_t grids, std::size_t problems, std::string diff) {
    dispatch::Generation g;
    g.created_at = at;
    g.created_by = "admin";
    g.grids = grids;
    g.problems = problems;
    g.diff = std::move(diff);
    return g;
  };
  auto audit = [](dispatch::Millis at) {
    return dispatch::AuditEntry{at, "user:1:admin", "generation", {}, "draft", {}, {}};
  };
  // A file as uploaded: Chinese names, quotes, a backslash, line ends.
  const std::string file_a =
      "{\"type\":\"FeatureCollection\",\"features\":[{\"properties\":{\"name\":\"鸿山社区 \\\"一\\\" 网格\"}}]}\n";
  const std::string file_b = "{\"type\":\"FeatureCollection\",\r\n\"features\":[]}\\";
  const std::string diff_a = R"({"added":["G0-M"],"removed":["G0-1","G0-2"]})";
  auto a = store->add_draft(draft(kImportTime + 1000, 5, 0, diff_a), file_a, audit(kImportTime + 1000));
  REQUIRE(a.ok());
  auto b = store->add_draft(draft(kImportTime + 2000, 0, 2, "{}"), file_b, audit(kImportTime + 2000));
  REQUIRE(b.ok());
  CHECK(a->id > first.id);
  CHECK(b->id > a->id);
  CHECK(a->state == dispatch::GenerationState::draft);

  // Newest first.
  auto listed = store->list();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 3);
  CHECK((*listed)[0].id == b->id);
  CHECK((*listed)[1].id == a->id);
  CHECK((*listed)[2].id == first.id);

  // Found as added, by a store of its own connections too.
  auto reader = open_store<typename TestType::Generations>(city.place);
  for (auto* s : {store.get(), reader.get()}) {
    auto found = s->find(a->id);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    const auto& g = **found;
    CHECK(g.state == dispatch::GenerationState::draft);
    CHECK(g.created_at == kImportTime + 1000);
    CHECK(g.created_by == "admin");
    CHECK_FALSE(g.effective_at);
    CHECK_FALSE(g.applied_at);
    CHECK(g.open_cases.empty());
    CHECK(g.grids == 5);
    CHECK(g.problems == 0);
    CHECK(g.diff == diff_a);
    auto other = s->find(b->id);
    REQUIRE(other.ok());
    REQUIRE(other->has_value());
    CHECK((*other)->problems == 2);
    auto none = s->find(b->id + 100);
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());

    auto fa = s->file_of(a->id);
    REQUIRE(fa.ok());
    CHECK(*fa == file_a);
    auto fb = s->file_of(b->id);
    REQUIRE(fb.ok());
    CHECK(*fb == file_b);
    auto fnone = s->file_of(b->id + 100);
    REQUIRE(fnone.ok());
    CHECK(fnone->empty());
  }

  // Each draft is one entry of the audit trail, naming it.
  for (auto id : {a->id, b->id})
    CHECK(TestType::scalar(city.place, "SELECT count(*) FROM audit WHERE kind = 'generation' AND subject = '" +
                                           std::to_string(id) + "'") == 1);

  // Drafts change no grid: those in force are the import's, as is the generation in force.
  auto grids = store->current_grids();
  REQUIRE(grids.ok());
  std::vector<std::string> codes;
  for (const auto& g : *grids) {
    codes.push_back(g.grid.code);
    CHECK_FALSE(g.geometry.empty());
  }
  CHECK(codes == std::vector<std::string>{"G0-0", "G0-1", "G0-2", "G1-0", "G1-1", "G1-2"});
  auto as_of = store->grids_as_of(kImportTime + 3000);
  REQUIRE(as_of.ok());
  CHECK(as_of->first == first.id);
  CHECK(as_of->second.size() == codes.size());
  auto before_any = store->grids_as_of(*first.applied_at - 1);
  REQUIRE(before_any.ok());
  CHECK(before_any->first == 0);
}
