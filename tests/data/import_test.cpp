#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "data/import.hpp"
#include "data/schema.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"
#include "support.hpp"

using namespace gridkeeper;
using namespace gridkeeper::data;

namespace {

const std::string kC1 = "350213001001", kC2 = "350213001002";
std::string grid_code(const std::string& community, int n) {
  return community + (n < 10 ? "0" : "") + std::to_string(n);
}

// A workers file for the sample: W01..W16 own one grid each; the backup of each grid is
// the owner of the next grid of its community; W17 has no post.
std::string sample_workers(std::string bom = "") {
  std::ostringstream out;
  out << bom << kWorkersHeader << "\r\n";
  int n = 0;
  for (const auto& c : {kC1, kC2})
    for (int g = 1; g <= 8; ++g) {
      ++n;
      const std::string id = (n < 10 ? "W0" : "W") + std::to_string(n);
      out << id << ",\"网格员, 第" << n << "号\",1380000" << (1000 + n) << "," << c << "," << grid_code(c, g) << ","
          << grid_code(c, g == 1 ? 8 : g - 1) << "\r\n";
    }
  out << "W17,\"社区工作者 \"\"机动\"\"\",13800001017," << kC1 << ",,\r\n";
  return out.str();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::int64_t count(const std::string& db_path, const std::string& sql) {
  auto db = open_for_writing(db_path);
  REQUIRE(db.ok());
  auto v = (*db)->scalar(sql);
  REQUIRE(v.ok());
  return *v;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

struct Rect {
  std::string code, level, parent;
  double x0, y0, x1, y1;
};

std::string feature_collection(const std::vector<Rect>& rects) {
  std::ostringstream out;
  out.precision(12);
  out << R"({"type":"FeatureCollection","features":[)";
  for (std::size_t i = 0; i < rects.size(); ++i) {
    const auto& r = rects[i];
    out << (i ? "," : "") << R"({"type":"Feature","properties":{"code":")" << r.code << R"(","name":")" << r.code
        << R"(","level":")" << r.level << '"';
    if (!r.parent.empty()) out << R"(,"parent":")" << r.parent << '"';
    if (r.level == "grid") out << R"(,"population":1500)";
    out << R"(},"geometry":{"type":"Polygon","coordinates":[[)";
    out << "[" << r.x0 << "," << r.y0 << "],[" << r.x1 << "," << r.y0 << "],[" << r.x1 << "," << r.y1 << "],[" << r.x0
        << "," << r.y1 << "],[" << r.x0 << "," << r.y0 << "]";
    out << "]]}}";
  }
  out << "]}";
  return out.str();
}

}  // namespace

TEST_CASE("the sample grid file and a workers file import; importing again updates in place", "[import]") {
  testing::TempDir dir;
  const auto db = dir.file("city.db");
  const auto workers = dir.file("workers.csv");
  testing::write_text(workers, sample_workers());

  auto out = import_files(db, testing::sample_grids(), workers, testing::kImportTime);
  INFO(joined(out.problems) << out.report);
  REQUIRE(out.ok);
  CHECK(out.summary.districts == 1);
  CHECK(out.summary.streets == 1);
  CHECK(out.summary.communities == 2);
  CHECK(out.summary.grids_added == 16);
  CHECK(out.summary.grids_updated == 0);
  CHECK(out.summary.workers_added == 17);
  CHECK(out.summary.posts_changed == 32);
  CHECK(out.summary.terms_opened == 32);
  CHECK(out.summary.grids_without_owner == 0);
  CHECK(format_summary(out.summary).find("16 added") != std::string::npos);
  CHECK(count(db, "SELECT count(*) FROM post_terms WHERE to_at IS NULL") == 32);
  CHECK(count(db, "SELECT count(*) FROM workers WHERE name = '网格员, 第1号'") == 1);
  CHECK(count(db, "SELECT count(*) FROM workers WHERE name = '社区工作者 \"机动\"'") == 1);

  {
    // The stored organisation drives the center: routing and the owner from the file.
    auto ledger = SqliteLedger::open(db);
    REQUIRE(ledger.ok());
    dispatch::ManualClock clock;
    dispatch::Center center(**ledger, clock);
    center.start();
    auto where = center.route({118.302, 24.602});
    REQUIRE(where.ok());
    CHECK(where->grid == grid_code(kC1, 1));
    CHECK(where->community == kC1);
    CHECK(where->street == "350213001");
    CHECK(where->district == "350213");
    CHECK(where->owner == "W01");
  }

  SECTION("again, with changed names and no workers file: updated in place, posts kept") {
    const auto renamed = dir.file("renamed.geojson");
    testing::write_text(renamed, replace_all(read_file(testing::sample_grids()), "第1网格", "第一网格"));
    auto again = import_files(db, renamed, std::nullopt, testing::kImportTime + 1000);
    INFO(joined(again.problems));
    REQUIRE(again.ok);
    CHECK(again.summary.grids_added == 0);
    CHECK(again.summary.grids_updated == 16);
    CHECK(again.summary.posts_changed == 0);
    CHECK(count(db, "SELECT count(*) FROM grids") == 16);
    CHECK(count(db, "SELECT count(*) FROM grids WHERE name = '第一网格'") == 2);
    CHECK(count(db, "SELECT count(*) FROM grids WHERE owner IS NOT NULL AND backup IS NOT NULL") == 16);
    CHECK(count(db, "SELECT count(*) FROM post_terms") == 32);
  }
  SECTION("again, with a new owner for one grid: the old term ends, a new one opens") {
    const auto moved = dir.file("moved.csv");
    testing::write_text(
        moved, std::string(kWorkersHeader) + "\nW17,机动,13800001017," + kC1 + "," + grid_code(kC1, 1) + ",\n");
    auto again = import_files(db, testing::sample_grids(), moved, testing::kImportTime + 1000);
    INFO(joined(again.problems));
    REQUIRE(again.ok);
    CHECK(again.summary.workers_updated == 1);
    CHECK(again.summary.posts_changed == 1);
    CHECK(again.summary.terms_closed == 1);
    CHECK(again.summary.terms_opened == 1);
    auto ledger = SqliteLedger::open(db);
    REQUIRE(ledger.ok());
    const auto history = (*ledger)->post_history(grid_code(kC1, 1));
    REQUIRE(history.size() == 3);
    int open = 0;
    for (const auto& t : history) {
      if (t.to) {
        CHECK(t.worker == "W01");
        CHECK(*t.to == testing::kImportTime + 1000);
      } else {
        ++open;
      }
    }
    CHECK(open == 2);
    CHECK(count(db, "SELECT count(*) FROM grids WHERE code = '" + grid_code(kC1, 1) + "' AND owner = 'W17'") == 1);
  }
  SECTION("a new owner who is the grid's backup, without a new backup, is refused") {
    const auto clash = dir.file("clash.csv");
    // W02 backs up grid 01 (the owner of the next grid); making it the owner too clashes.
    testing::write_text(clash, std::string(kWorkersHeader) + "\nW02,x,1," + kC1 + "," + grid_code(kC1, 1) + ",\n");
    auto again = import_files(db, testing::sample_grids(), clash, testing::kImportTime + 1000);
    REQUIRE(!again.ok);
    CHECK(joined(again.problems).find("both its A and its B post") != std::string::npos);
  }
}

TEST_CASE("a grid file with an overlap is refused and nothing is written", "[import]") {
  testing::TempDir dir;
  const auto db = dir.file("city.db");
  REQUIRE(import_files(db, testing::sample_grids(), std::nullopt, testing::kImportTime).ok);
  const auto bad = dir.file("overlap.geojson");
  testing::write_text(bad, feature_collection({{"D9", "district", "", 118.40, 24.60, 118.42, 24.61},
                                               {"S9", "street", "D9", 118.40, 24.60, 118.42, 24.61},
                                               {"C9", "community", "S9", 118.40, 24.60, 118.42, 24.61},
                                               {"A9", "grid", "C9", 118.40, 24.60, 118.412, 24.61},
                                               {"B9", "grid", "C9", 118.41, 24.60, 118.42, 24.61}}));
  auto out = import_files(db, bad, std::nullopt, testing::kImportTime);
  CHECK(!out.ok);
  CHECK(out.report_has_findings);
  CHECK(out.report.find("overlap") != std::string::npos);
  CHECK(count(db, "SELECT count(*) FROM grids") == 16);
  CHECK(count(db, "SELECT count(*) FROM jurisdictions WHERE code = 'D9'") == 0);

  // The same shapes without the overlap are accepted.
  const auto good = dir.file("good.geojson");
  testing::write_text(good, feature_collection({{"D9", "district", "", 118.40, 24.60, 118.42, 24.61},
                                                {"S9", "street", "D9", 118.40, 24.60, 118.42, 24.61},
                                                {"C9", "community", "S9", 118.40, 24.60, 118.42, 24.61},
                                                {"A9", "grid", "C9", 118.40, 24.60, 118.41, 24.61},
                                                {"B9", "grid", "C9", 118.41, 24.60, 118.42, 24.61}}));
  auto fixed = import_files(db, good, std::nullopt, testing::kImportTime);
  INFO(joined(fixed.problems) << fixed.report);
  CHECK(fixed.ok);
  CHECK(count(db, "SELECT count(*) FROM grids") == 18);
}

TEST_CASE("bad workers files are refused whole, with the lines of their rows", "[import][csv]") {
  testing::TempDir dir;
  const auto db = dir.file("city.db");
  REQUIRE(import_files(db, testing::sample_grids(), std::nullopt, testing::kImportTime).ok);
  const std::string header = std::string(kWorkersHeader) + "\n";
  const std::string good_row = "W01,甲,1," + kC1 + "," + grid_code(kC1, 1) + ",\n";

  struct Bad {
    std::string name, text, expect;
  };
  const std::vector<Bad> cases{
      {"unknown grid", header + good_row + "W02,乙,2," + kC1 + ",G404,\n", ":3: unknown grid G404"},
      {"unknown community", header + good_row + "W02,乙,2,C404,,\n", ":3: unknown community C404"},
      {"bad header", "id,name,phone,community,owner_of,backup_of\n" + good_row, ":1: the header must be exactly"},
      {"wrong column count", header + good_row + "W02,乙,2," + kC1 + "\n", ":3: expected 6 fields, found 4"},
      {"missing id", header + good_row + ",乙,2," + kC1 + ",,\n", ":3: missing worker_id"},
      {"duplicate id", header + good_row + "W01,乙,2," + kC1 + ",,\n", ":3: duplicate worker_id W01 (first on line 2)"},
      {"two owners", header + good_row + "W02,乙,2," + kC1 + "," + grid_code(kC1, 1) + ",\n",
       ":3: grid " + grid_code(kC1, 1) + " already has an owner"},
      {"both posts", header + "W01,甲,1," + kC1 + "," + grid_code(kC1, 1) + "," + grid_code(kC1, 1) + "\n",
       "cannot hold both"},
      {"open quote", header + good_row + "W02,\"乙,2," + kC1 + ",,\n", ":3: a quoted field is not closed"},
      {"not UTF-8", header + "W02,\xB9\xFE,2," + kC1 + ",,\n", ":2: not UTF-8"},
      {"empty", "", "the file is empty"},
      {"id with a space", header + good_row + "W 02,乙,2," + kC1 + ",,\n", ":3: worker_id W 02 is not 1 to 64"},
      {"id with a slash", header + good_row + "../W02,乙,2," + kC1 + ",,\n", ":3: worker_id ../W02 is not"},
      {"bidi override in a name", header + good_row + "W02,乙\xE2\x80\xAE,2," + kC1 + ",,\n",
       ":3: name holds a control"},
  };
  for (const auto& bad : cases) {
    DYNAMIC_SECTION(bad.name) {
      const auto path = dir.file("workers.csv");
      testing::write_text(path, bad.text);
      auto out = import_files(db, testing::sample_grids(), path, testing::kImportTime);
      CHECK(!out.ok);
      INFO(joined(out.problems));
      CHECK(joined(out.problems).find(bad.expect) != std::string::npos);
      CHECK(count(db, "SELECT count(*) FROM workers") == 0);
      CHECK(count(db, "SELECT count(*) FROM grids WHERE owner IS NOT NULL") == 0);
    }
  }
  SECTION("every problem of a file is reported in one run") {
    const auto path = dir.file("workers.csv");
    testing::write_text(path, header + "W01,甲,1," + kC1 + ",G404,\n" + "W02,乙,2,C404,,\n" + "W03,丙\n");
    auto out = import_files(db, testing::sample_grids(), path, testing::kImportTime);
    CHECK(!out.ok);
    const auto all = joined(out.problems);
    INFO(all);
    CHECK(all.find(":2: unknown grid G404") != std::string::npos);
    CHECK(all.find(":3: unknown community C404") != std::string::npos);
    CHECK(all.find(":4: expected 6 fields") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM workers") == 0);
  }
  SECTION("a refused import into a new database leaves no file behind") {
    const auto path = dir.file("workers.csv");
    testing::write_text(path, header + "W01,甲,1," + kC1 + ",G404,\n");
    const auto fresh = dir.file("fresh.db");
    CHECK(!import_files(fresh, testing::sample_grids(), path, testing::kImportTime).ok);
    CHECK(!std::filesystem::exists(fresh));
  }
}

TEST_CASE("workers files: BOM, CRLF, quoted commas, quotes and line breaks", "[import][csv]") {
  testing::TempDir dir;
  const auto db = dir.file("city.db");
  const auto path = dir.file("workers.csv");
  SECTION("a BOM before the header is skipped") {
    testing::write_text(path, sample_workers("\xEF\xBB\xBF"));
    auto out = import_files(db, testing::sample_grids(), path, testing::kImportTime);
    INFO(joined(out.problems));
    CHECK(out.ok);
    CHECK(count(db, "SELECT count(*) FROM workers") == 17);
  }
  SECTION("quoted fields") {
    const std::string text = std::string(kWorkersHeader) + "\n" + "W01,\"李, 四\",\"138 0000\"," + kC1 + ",\"" +
                             grid_code(kC1, 1) + "; " + grid_code(kC1, 2) + "\",\n" + "W02,\"王\n\"\"五\"\"\",2," +
                             kC1 + ",," + grid_code(kC1, 1) + "\n" + "W03,赵六,3," + kC2 + ",,\n";
    testing::write_text(path, text);
    auto parsed = read_workers_csv(path);
    INFO(joined([&] {
      std::vector<std::string> s;
      for (const auto& p : parsed.problems) s.push_back(format_problem(p, "workers.csv"));
      return s;
    }()));
    REQUIRE(parsed.problems.empty());
    REQUIRE(parsed.rows.size() == 3);
    CHECK(parsed.rows[0].worker.name == "李, 四");
    CHECK(parsed.rows[0].owner_of == std::vector<std::string>{grid_code(kC1, 1), grid_code(kC1, 2)});
    CHECK(parsed.rows[1].worker.name == "王\n\"五\"");
    CHECK(parsed.rows[1].backup_of == std::vector<std::string>{grid_code(kC1, 1)});
    CHECK(parsed.rows[2].line == 5);  // the quoted line break counts
    auto out = import_files(db, testing::sample_grids(), path, testing::kImportTime);
    INFO(joined(out.problems));
    CHECK(out.ok);
    CHECK(count(db, "SELECT count(*) FROM grids WHERE owner = 'W01'") == 2);
    CHECK(count(db, "SELECT count(*) FROM grids WHERE backup = 'W02'") == 1);
  }
}

TEST_CASE("the CSV reader is bounded", "[csv]") {
  CsvLimits limits;
  limits.max_rows = 3;
  limits.max_field_bytes = 8;
  std::vector<LineProblem> problems;
  split_csv("a,b\nc,d\ne,f\ng,h\n", limits, problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 4);
  problems.clear();
  split_csv("a,0123456789\n", limits, problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.find("longer") != std::string::npos);
  limits.max_bytes = 10;
  auto file = parse_workers_csv(std::string(kWorkersHeader), limits);
  REQUIRE(file.problems.size() == 1);
  CHECK(file.problems[0].message.find("larger") != std::string::npos);
}
