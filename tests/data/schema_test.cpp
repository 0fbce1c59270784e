#include <catch2/catch.hpp>

#include "data/schema.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::data;

namespace {
std::int64_t scalar(Connection& db, const std::string& sql) {
  auto v = db.scalar(sql);
  REQUIRE(v.ok());
  return *v;
}
std::string text(Connection& db, const std::string& sql) {
  auto q = db.query(sql);
  REQUIRE(q.ok());
  std::string out = q->next() ? q->text(0) : std::string();
  REQUIRE(!q->status());
  return out;
}
}  // namespace

TEST_CASE("a new database is created at the latest schema, in WAL, with the default categories", "[schema]") {
  testing::TempDir dir;
  const auto path = dir.file("city.db");
  {
    auto db = open_for_writing(path);
    REQUIRE(db.ok());
    CHECK(scalar(**db, "PRAGMA user_version") == latest_schema_version());
    CHECK(latest_schema_version() >= 1);
    CHECK(text(**db, "PRAGMA journal_mode") == "wal");
    CHECK(scalar(**db, "PRAGMA foreign_keys") == 1);
    CHECK(scalar(**db, "PRAGMA synchronous") == 2);  // FULL
    for (const char* table : {"jurisdictions", "grids", "workers", "post_terms", "categories", "cases", "case_events"})
      CHECK(scalar(**db, std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") + table +
                             "'") == 1);
    CHECK(scalar(**db, "SELECT count(*) FROM categories") == 8);
    CHECK(text(**db, "SELECT name FROM categories WHERE id = 'illegal_construction'") == "违法建设");
    CHECK(scalar(**db, "SELECT red_accept_s FROM categories WHERE id = 'safety_hazard'") ==
          dispatch::default_sla()[2].accept_s);
  }
  SECTION("opening again changes nothing") {
    REQUIRE(open_for_writing(path).ok());
    auto db = open_for_writing(path);
    REQUIRE(db.ok());
    CHECK(scalar(**db, "PRAGMA user_version") == latest_schema_version());
    CHECK(scalar(**db, "SELECT count(*) FROM categories") == 8);
  }
  SECTION("a changed category list is kept: defaults only fill an empty table") {
    {
      auto db = open_for_writing(path);
      REQUIRE(db.ok());
      REQUIRE(!(*db)->exec("UPDATE categories SET name = '市容环境' WHERE id = 'environment'"));
    }
    auto db = open_for_writing(path);
    REQUIRE(db.ok());
    CHECK(text(**db, "SELECT name FROM categories WHERE id = 'environment'") == "市容环境");
  }
  SECTION("a database from a newer gridkeeper is refused") {
    {
      auto db = open_for_writing(path);
      REQUIRE(db.ok());
      REQUIRE(!(*db)->exec("PRAGMA user_version = 999"));
    }
    auto db = open_for_writing(path);
    REQUIRE(!db.ok());
    CHECK(db.error().message.find("newer") != std::string::npos);
  }
}

TEST_CASE("migration steps are applied in order from an empty file", "[schema]") {
  testing::TempDir dir;
  const auto path = dir.file("empty.db");
  testing::write_text(path, "");
  auto db = open_for_writing(path);
  REQUIRE(db.ok());
  CHECK(scalar(**db, "PRAGMA user_version") == static_cast<std::int64_t>(migrations().size()));
  CHECK(scalar(**db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name LIKE 'cases_%'") >= 6);
}

TEST_CASE("case events are append-only", "[schema]") {
  testing::TempDir dir;
  const auto path = dir.file("city.db");
  REQUIRE(testing::import_city(path, testing::small_city_options()).ok);
  auto db = open_for_writing(path);
  REQUIRE(db.ok());
  REQUIRE(!(*db)->exec(
      "INSERT INTO cases (id, state, urgency, category, title, lon, lat, tier, version, created_at, updated_at) "
      "VALUES (1, 'reported', 'yellow', 'environment', 't', 118.31, 24.61, 'worker', 1, 0, 0);"
      "INSERT INTO case_events (case_id, at, type, actor, from_state, to_state) "
      "VALUES (1, 0, 'created', 'system', 'reported', 'reported');"));
  auto update = (*db)->exec("UPDATE case_events SET note = 'changed'");
  REQUIRE(update);
  CHECK(update->message.find("append-only") != std::string::npos);
  auto remove = (*db)->exec("DELETE FROM case_events");
  REQUIRE(remove);
  CHECK(remove->message.find("append-only") != std::string::npos);
  CHECK(scalar(**db, "SELECT count(*) FROM case_events WHERE note = ''") == 1);
  // An event must belong to a case.
  CHECK(
      (*db)->exec("INSERT INTO case_events (case_id, at, type, actor, from_state, to_state) "
                  "VALUES (42, 0, 'created', 'system', 'reported', 'reported')"));
}

TEST_CASE("stored geometry reads back as the same coordinates", "[schema][geometry]") {
  const auto city = demo::synthetic_city(testing::small_city_options());
  for (const auto& a : city.areas) {
    if (a.level != geo::Level::grid) continue;
    const auto text = geo::write_geometry(a.shape);
    const auto back = geo::read_geometry(text);
    REQUIRE(back);
    REQUIRE(back->size() == a.shape.size());
    const auto& want = a.shape.front().rings;
    const auto& got = back->front().rings;
    REQUIRE(got.size() == want.size());
    REQUIRE(got[0].size() == want[0].size());
    double worst = 0;
    for (std::size_t i = 0; i < want[0].size(); ++i)
      worst = std::max({worst, std::abs(got[0][i].lon - want[0][i].lon), std::abs(got[0][i].lat - want[0][i].lat)});
    CHECK(worst < 1e-12);                    // the JSON parser may round the last bit
    CHECK(got[0].front() == got[0].back());  // still closed
  }
  geo::MultiPolygon two{geo::Polygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}},
                        geo::Polygon{{{{2, 2}, {3, 2}, {3, 3}, {2, 2}}}}};
  auto back = geo::read_geometry(geo::write_geometry(two));
  REQUIRE(back);
  CHECK(back->size() == 2);
  CHECK_FALSE(geo::read_geometry(R"({"type":"Point","coordinates":[1,2]})"));
  CHECK_FALSE(geo::read_geometry("not json"));
}

TEST_CASE("storing a case builds no temporary tables and lists of the history use their indexes", "[schema]") {
  testing::TempDir dir;
  auto db = open_for_writing(dir.file("city.db"));
  REQUIRE(db.ok());
  // A constant IN list of three or more in a check or a partial index's condition makes
  // SQLite build a temporary b-tree for every row written.
  for (const char* table : {"cases", "case_events", "jurisdictions", "workers", "grids", "post_terms", "audit"}) {
    auto columns = (*db)->query(std::string("SELECT count(*) FROM pragma_table_info('") + table + "')");
    REQUIRE(columns.ok());
    REQUIRE(columns->next());
    const auto n = columns->int64(0);
    std::string sql = std::string("EXPLAIN INSERT INTO ") + table + " VALUES (";
    for (std::int64_t i = 0; i < n; ++i) sql += i ? ", NULL" : "NULL";
    sql += ")";
    auto q = (*db)->query(sql);
    REQUIRE(q.ok());
    int ephemeral = 0;
    while (q->next()) ephemeral += q->text(1) == "OpenEphemeral";
    INFO(table);
    CHECK(ephemeral == 0);
  }
  auto plan = [&](const std::string& sql) {
    auto q = (*db)->query("EXPLAIN QUERY PLAN " + sql);
    REQUIRE(q.ok());
    std::string out;
    while (q->next()) out += q->text(3) + "\n";
    return out;
  };
  for (const char* column : {"grid", "community", "street", "district", "assignee"}) {
    const auto p = plan(std::string("SELECT id FROM cases WHERE ") + column +
                        " = 'x' AND state IN ('closed', 'cancelled') ORDER BY id DESC LIMIT 50");
    INFO(p);
    CHECK(p.find(std::string("cases_closed_") + column) != std::string::npos);
  }
  CHECK(plan("SELECT id FROM cases WHERE state NOT IN ('closed', 'cancelled') ORDER BY id").find("cases_open") !=
        std::string::npos);
}

TEST_CASE("a database of the previous schema gains the reminder column, its cases kept", "[schema]") {
  testing::TempDir dir;
  const auto path = dir.file("old.db");
  {
    auto db = open_for_writing(path);
    REQUIRE(db.ok());
    // As the previous gridkeeper left it: without cases.reminded_at, at schema version 4.
    REQUIRE(!(*db)->exec("ALTER TABLE cases DROP COLUMN reminded_at"));
    REQUIRE(!(*db)->exec("PRAGMA user_version = 4"));
    REQUIRE(!(*db)->exec(
        "INSERT INTO cases (id, state, urgency, category, title, lon, lat, tier, version, created_at, updated_at) "
        "VALUES (1, 'dispatched', 'red', 'environment', 't', 118.3, 24.6, 'district', 9, 0, 0)"));
  }
  auto db = open_for_writing(path);
  REQUIRE(db.ok());
  CHECK(scalar(**db, "PRAGMA user_version") == latest_schema_version());
  CHECK(scalar(**db, "SELECT count(*) FROM pragma_table_info('cases') WHERE name = 'reminded_at'") == 1);
  CHECK(scalar(**db, "SELECT count(*) FROM cases WHERE id = 1 AND reminded_at IS NULL AND tier = 'district'") == 1);
}

TEST_CASE("a database before the first missed deadline was kept gains it from the cases' events", "[schema]") {
  testing::TempDir dir;
  const auto path = dir.file("old.db");
  {
    auto db = open_for_writing(path);
    REQUIRE(db.ok());
    REQUIRE(!(*db)->exec("ALTER TABLE cases DROP COLUMN overdue_at"));
    // As it was before step 13 (the first missed deadline) and every step after it.
    REQUIRE(!(*db)->exec("PRAGMA user_version = 12"));
    REQUIRE(!(*db)->exec(
        "INSERT INTO cases (id, state, urgency, category, title, lon, lat, tier, version, created_at, updated_at, "
        "overdue) VALUES (1, 'dispatched', 'red', 'environment', 't', 118.3, 24.6, 'street', 9, 0, 0, 1), "
        "(2, 'dispatched', 'yellow', 'environment', 't', 118.3, 24.6, 'worker', 1, 0, 0, 0);"
        "INSERT INTO case_events (case_id, at, type, actor, from_state, to_state) VALUES "
        "(1, 100, 'created', 'system', 'reported', 'reported'), (1, 500, 'warned', 'system', 'dispatched', "
        "'dispatched'), (1, 1000, 'escalated', 'system', 'dispatched', 'dispatched'), (1, 2000, 'escalated', "
        "'system', 'dispatched', 'dispatched')"));
  }
  auto db = open_for_writing(path);
  REQUIRE(db.ok());
  CHECK(scalar(**db, "PRAGMA user_version") == latest_schema_version());
  CHECK(scalar(**db, "SELECT overdue_at FROM cases WHERE id = 1") == 1000);  // the first escalation
  CHECK(scalar(**db, "SELECT count(*) FROM cases WHERE id = 2 AND overdue_at IS NULL") == 1);
}

TEST_CASE("a database whose redraws moved open cases gains where they were from the regrid events", "[schema]") {
  testing::TempDir dir;
  const auto path = dir.file("old.db");
  {
    auto db = open_for_writing(path);
    REQUIRE(db.ok());
    // As it was before step 17: the case moved from G0-1 (community C1, street S, district
    // D) to G0-2 by a redraw, once handed from W1 to W2 and once kept by W2.
    REQUIRE(!(*db)->exec("DROP TABLE case_moves; PRAGMA user_version = 16"));
    REQUIRE(!(*db)->exec(
        "INSERT INTO jurisdictions (code, name, level, parent) VALUES ('D', 'd', 'district', NULL), "
        "('S', 's', 'street', 'D'), ('C1', 'c', 'community', 'S');"
        "INSERT INTO grids (code, name, community, population, geometry) VALUES "
        "('G0-1', 'g1', 'C1', 1000, '{}'), ('G0-2', 'g2', 'C1', 1000, '{}'), ('G0-3', 'g3', 'C1', 1000, '{}');"
        "INSERT INTO cases (id, state, urgency, category, title, lon, lat, tier, version, created_at, updated_at) "
        "VALUES (1, 'dispatched', 'red', 'environment', 't', 118.3, 24.6, 'worker', 3, 0, 0);"
        "INSERT INTO case_events (case_id, at, type, actor, from_state, to_state, assignee, reason, assignee_from) "
        "VALUES (1, 100, 'created', 'system', 'reported', 'reported', 'W1', '', NULL), "
        "(1, 500, 'regrid', 'user:1:admin', 'dispatched', 'dispatched', 'W2', "
        "'grid redraw: G0-1 -> G0-2: the owner of G0-2', 'W1'), "
        "(1, 900, 'regrid', 'user:1:admin', 'dispatched', 'dispatched', 'W2', 'grid redraw: G0-2 -> G0-3', NULL), "
        "(1, 950, 'note', 'user:1:admin', 'dispatched', 'dispatched', 'W2', 'grid redraw: G0-3 -> G0-1', NULL)"));
  }
  auto db = open_for_writing(path);
  REQUIRE(db.ok());
  CHECK(scalar(**db, "PRAGMA user_version") == latest_schema_version());
  CHECK(scalar(**db, "SELECT count(*) FROM case_moves") == 2);  // the note is no move
  CHECK(text(**db,
             "SELECT grid || '/' || community || '/' || street || '/' || district || '/' || assignee "
             "FROM case_moves WHERE at = 500 AND case_id = 1") == "G0-1/C1/S/D/W1");
  CHECK(text(**db, "SELECT grid || '/' || assignee FROM case_moves WHERE at = 900 AND case_id = 1") == "G0-2/W2");
}
