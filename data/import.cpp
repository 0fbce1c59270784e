#include "data/import.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "data/address_files.hpp"
#include "data/generation_writes.hpp"
#include "data/records.hpp"
#include "data/store_connections.hpp"
#include "dispatch/text_rules.hpp"
#include "geo/coverage.hpp"

namespace gridkeeper::data {

namespace {

struct Posts {
  std::string owner, backup;
};

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Gives `grid`'s A or B post to `worker`: the grid's column, and the post's terms.
template <class Db>
Status hand_post(Db& db, const std::string& grid, const std::string& worker, bool backup, dispatch::Millis now,
                 ImportSummary& summary) {
  {
    auto q = db.query(backup ? "UPDATE grids SET backup = ?2 WHERE code = ?1"
                             : "UPDATE grids SET owner = ?2 WHERE code = ?1");
    if (!q) return q.error();
    q->bind(1, grid).bind_code(2, worker);
    if (auto e = q->run()) return e;
  }
  {
    auto q = db.query("UPDATE post_terms SET to_at = ?3 WHERE grid = ?1 AND backup = ?2 AND to_at IS NULL");
    if (!q) return q.error();
    q->bind(1, grid).bind(2, backup).bind(3, now);
    if (auto e = q->run()) return e;
    summary.terms_closed += static_cast<std::size_t>(db.changes());
  }
  auto q = db.query("INSERT INTO post_terms (grid, worker, backup, from_at) VALUES (?1, ?2, ?3, ?4)");
  if (!q) return q.error();
  q->bind(1, grid).bind(2, worker).bind(3, backup).bind(4, now);
  if (auto e = q->run()) return e;
  ++summary.terms_opened;
  ++summary.posts_changed;
  return std::nullopt;
}

// A file with grids becomes the generation in force (the first one in force from the
// beginning, so that the grids of any earlier time are these); grids it leaves out retire.
template <class Db>
Status record_generation(Db& db, const std::vector<geo::Area>& areas, const std::map<std::string, Posts>& posts,
                         dispatch::Millis now, dispatch::OpenCases open_cases, ImportSummary& s) {
  dispatch::GenerationSwitch sw;
  sw.open_cases = open_cases;
  std::set<std::string> in_file;
  for (const auto& a : areas) {
    if (!a.level || *a.level != geo::Level::grid) continue;
    dispatch::GenerationGrid g;
    g.grid.code = a.code;
    g.grid.name = a.name;
    g.grid.community = a.parent;
    g.grid.population = a.population.value_or(0);
    if (auto p = posts.find(a.code); p != posts.end()) {
      g.grid.owner = p->second.owner;
      g.grid.backup = p->second.backup;
    }
    g.geometry = geo::write_geometry(a.shape);
    in_file.insert(a.code);
    sw.grids.push_back(std::move(g));
  }
  if (sw.grids.empty()) return std::nullopt;
  {
    auto q = db.query("SELECT code FROM grids WHERE retired_at IS NULL");
    if (!q) return q.error();
    while (q->next())
      if (!in_file.count(q->text(0))) sw.retired.push_back(q->text(0));
    if (auto e = q->status()) return e;
  }
  auto first = db.scalar("SELECT count(*) FROM generations WHERE state = 'current' OR state = 'past'");
  if (!first) return first.error();
  auto id = insert_generation(db, now, "import", sw.grids.size(), 0, "{}", {});
  if (!id) return id.error();
  sw.id = *id;
  sw.at = *first == 0 ? 0 : now;
  if (auto e = store_generation(db, sw)) return e;
  s.generation = *id;
  s.grids_retired = sw.retired.size();
  return std::nullopt;
}

ImportOutcome refused(std::vector<std::string> problems) {
  ImportOutcome out;
  out.problems = std::move(problems);
  return out;
}

}  // namespace

template <class Db>
requires(!std::is_convertible_v<Db&, const std::string&>) ImportOutcome
    import_organisation(Db& db, const std::vector<geo::Area>& areas, const std::vector<WorkerRow>& workers,
                        dispatch::Millis now, const ImportOptions& options) {
  ImportOutcome out;
  auto tx = Db::Transaction::begin(db);
  if (!tx) return refused({tx.error().message});

  // What the database holds already.
  std::map<std::string, std::string> known_levels;  // jurisdiction code -> level
  std::map<std::string, Posts> grid_posts;          // grid code -> holders
  std::set<std::string> known_workers;
  {
    auto q = db.query("SELECT code, level FROM jurisdictions");
    if (!q) return refused({q.error().message});
    while (q->next()) known_levels[q->text(0)] = q->text(1);
    if (auto e = q->status()) return refused({e->message});
  }
  {
    auto q = db.query("SELECT code, owner, backup FROM grids");
    if (!q) return refused({q.error().message});
    while (q->next()) grid_posts[q->text(0)] = {q->text(1), q->text(2)};
    if (auto e = q->status()) return refused({e->message});
  }
  {
    auto q = db.query("SELECT id FROM workers");
    if (!q) return refused({q.error().message});
    while (q->next()) known_workers.insert(q->text(0));
    if (auto e = q->status()) return refused({e->message});
  }
  const std::set<std::string> grids_before = [&] {
    std::set<std::string> s;
    for (const auto& [code, posts] : grid_posts) s.insert(code);
    return s;
  }();

  // What the file adds, and whether it hangs together with what is there.
  std::vector<std::string> problems;
  for (const auto& a : areas)
    if (a.level && *a.level != geo::Level::grid) known_levels[a.code] = std::string(geo::to_string(*a.level));
  for (const auto& a : areas) {
    if (!a.level) {
      problems.push_back("feature " + std::to_string(a.index) + " (" + a.code + ") has no level");
      continue;
    }
    // Codes travel in paths, CSV and logs; names are shown to everyone.
    if (!dispatch::valid_identifier(a.code))
      problems.push_back("feature " + std::to_string(a.index) + ": code " + a.code + " is not " +
                         std::string(dispatch::kIdentifierRule));
    if (auto e = dispatch::check_text(a.name, 200, "name"))
      problems.push_back("feature " + std::to_string(a.index) + " (" + a.code + "): " + e->message);
    if (*a.level == geo::Level::grid) {
      auto parent = known_levels.find(a.parent);
      if (parent == known_levels.end() || parent->second != "community")
        problems.push_back("grid " + a.code + ": its parent " + a.parent + " is not a known community");
      grid_posts.try_emplace(a.code);
    } else if (*a.level != geo::Level::district && !known_levels.count(a.parent)) {
      problems.push_back(std::string(geo::to_string(*a.level)) + " " + a.code + ": its parent " + a.parent +
                         " is not known");
    }
  }
  std::map<std::string, Posts> new_posts;  // only what the workers file says
  for (const auto& row : workers) {
    auto bad = [&](std::string message) {
      problems.push_back(format_problem({row.line, std::move(message)}, options.workers_name));
    };
    auto c = known_levels.find(row.worker.community);
    if (c == known_levels.end() || c->second != "community") bad("unknown community " + row.worker.community);
    for (const auto* list : {&row.owner_of, &row.backup_of})
      for (const auto& g : *list) {
        if (!grid_posts.count(g)) {
          bad("unknown grid " + g);
          continue;
        }
        (list == &row.owner_of ? new_posts[g].owner : new_posts[g].backup) = row.worker.id;
      }
  }
  for (const auto& [grid, posts] : new_posts) {
    const auto& before = grid_posts[grid];
    const auto owner = posts.owner.empty() ? before.owner : posts.owner;
    const auto backup = posts.backup.empty() ? before.backup : posts.backup;
    if (!owner.empty() && owner == backup)
      problems.push_back("grid " + grid + ": " + owner + " would hold both its A and its B post");
  }
  if (!problems.empty() || options.check_only) return refused(std::move(problems));

  // Write: parents and children reference each other through deferred keys, so order
  // within the transaction does not matter.
  auto& s = out.summary;
  for (const auto& a : areas) {
    if (*a.level == geo::Level::grid) {
      auto q = db.query(
          "INSERT INTO grids (code, name, community, population, geometry) VALUES (?1, ?2, ?3, ?4, ?5) "
          "ON CONFLICT (code) DO UPDATE SET name = excluded.name, community = excluded.community, "
          "population = excluded.population, geometry = excluded.geometry");
      if (!q) return refused({q.error().message});
      q->bind(1, a.code)
          .bind(2, a.name)
          .bind(3, a.parent)
          .bind(4, a.population.value_or(0))
          .bind(5, geo::write_geometry(a.shape));
      if (auto e = q->run()) return refused({"grid " + a.code + ": " + e->message});
      ++(grids_before.count(a.code) ? s.grids_updated : s.grids_added);
      continue;
    }
    auto q = db.query(records::kUpsertJurisdiction);
    if (!q) return refused({q.error().message});
    // A district is the top of the hierarchy here; a parent outside it (a city) is not kept.
    const bool top = *a.level == geo::Level::district && !known_levels.count(a.parent);
    q->bind(1, a.code).bind(2, a.name).bind(3, geo::to_string(*a.level)).bind_code(4, top ? std::string() : a.parent);
    if (auto e = q->run()) return refused({a.code + ": " + e->message});
    switch (*a.level) {
      case geo::Level::district:
        ++s.districts;
        break;
      case geo::Level::street:
        ++s.streets;
        break;
      default:
        ++s.communities;
        break;
    }
  }
  for (const auto& row : workers) {
    // A worker's duty status belongs to the running system, not to the file.
    auto q = db.query(
        "INSERT INTO workers (id, name, phone, community) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, community = excluded.community");
    if (!q) return refused({q.error().message});
    q->bind(1, row.worker.id).bind(2, row.worker.name).bind(3, row.worker.phone).bind(4, row.worker.community);
    if (auto e = q->run()) return refused({"worker " + row.worker.id + ": " + e->message});
    ++(known_workers.count(row.worker.id) ? s.workers_updated : s.workers_added);
  }
  for (const auto& [grid, posts] : new_posts) {
    auto& held = grid_posts[grid];
    if (!posts.owner.empty() && posts.owner != held.owner) {
      if (auto e = hand_post(db, grid, posts.owner, false, now, s))
        return refused({"grid " + grid + ": " + e->message});
      held.owner = posts.owner;
    }
    if (!posts.backup.empty() && posts.backup != held.backup) {
      if (auto e = hand_post(db, grid, posts.backup, true, now, s))
        return refused({"grid " + grid + ": " + e->message});
      held.backup = posts.backup;
    }
  }
  for (const auto& a : areas)
    if (*a.level == geo::Level::grid && grid_posts[a.code].owner.empty()) ++s.grids_without_owner;
  if (auto e = record_generation(db, areas, grid_posts, now, options.open_cases, s)) return refused({e->message});
  if (auto e = tx->commit()) return refused({"the database refused the import: " + e->message});
  out.ok = true;
  return out;
}

template ImportOutcome import_organisation<Connection>(Connection&, const std::vector<geo::Area>&,
                                                       const std::vector<WorkerRow>&, dispatch::Millis,
                                                       const ImportOptions&);
template ImportOutcome import_organisation<pg::Connection>(pg::Connection&, const std::vector<geo::Area>&,
                                                           const std::vector<WorkerRow>&, dispatch::Millis,
                                                           const ImportOptions&);

ImportOutcome import_organisation(const std::string& place, const std::vector<geo::Area>& areas,
                                  const std::vector<WorkerRow>& workers, dispatch::Millis now,
                                  const ImportOptions& options) {
  return with_backend(place, [&](auto* backend) {
    auto db = open_writer(place, backend);
    if (!db) return refused({db.error().message});
    return import_organisation(**db, areas, workers, now, options);
  });
}

ImportOutcome import_files(const std::string& db_path, const std::string& grids_path,
                           const std::optional<std::string>& workers_path, dispatch::Millis now,
                           dispatch::OpenCases open_cases) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool existed = pg::is_uri(db_path) || fs::exists(db_path, ec);
  ImportOutcome out;
  const auto file = geo::read_geojson_file(grids_path);
  const auto report = geo::check_coverage(file);
  out.report = geo::format_report(report, grids_path);
  out.report_has_findings = report.error_count() + report.warning_count() > 0;
  if (report.error_count()) {
    out.problems.push_back(grids_path + ": " + plural(report.error_count(), "error", "errors") +
                           " in the grid file (see the report above)");
    return out;
  }
  ImportOptions options;
  options.open_cases = open_cases;
  WorkersFile workers;
  if (workers_path) {
    options.workers_name = *workers_path;
    workers = read_workers_csv(*workers_path);
    for (const auto& p : workers.problems) out.problems.push_back(format_problem(p, *workers_path));
    // The rows that could be read are checked against the grids too, so that one run
    // reports every problem.
    options.check_only = !workers.problems.empty();
  }
  auto imported = import_organisation(db_path, file.areas, workers.rows, now, options);
  out.problems.insert(out.problems.end(), imported.problems.begin(), imported.problems.end());
  out.ok = imported.ok && out.problems.empty();
  out.summary = imported.summary;
  if (out.ok) {
    // The standard addresses follow the grids the file drew.
    auto moved = reroute_stored_addresses(db_path);
    if (!moved) {
      out.ok = false;
      out.problems.push_back("the grids are imported, but the addresses were not re-routed: " + moved.error().message);
    } else {
      out.summary.addresses_moved = *moved;
    }
  }
  if (!out.ok && !existed) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_path + suffix, ec);
  }
  return out;
}

std::string format_summary(const ImportSummary& s) {
  std::string out;
  out += "jurisdictions: " + plural(s.districts, "district", "districts") + ", " +
         plural(s.streets, "street", "streets") + ", " + plural(s.communities, "community", "communities") + "\n";
  out += "grids: " + std::to_string(s.grids_added) + " added, " + std::to_string(s.grids_updated) + " updated";
  if (s.grids_retired) out += ", " + std::to_string(s.grids_retired) + " retired";
  if (s.generation) out += " (generation " + std::to_string(s.generation) + ")";
  if (s.grids_without_owner) out += " (" + std::to_string(s.grids_without_owner) + " without an owner)";
  out += "\n";
  if (s.addresses_moved) out += "addresses: " + std::to_string(s.addresses_moved) + " moved to another grid\n";
  out += "workers: " + std::to_string(s.workers_added) + " added, " + std::to_string(s.workers_updated) + " updated\n";
  out += "posts: " + std::to_string(s.posts_changed) + " given to a new holder (" + std::to_string(s.terms_opened) +
         " terms opened, " + std::to_string(s.terms_closed) + " closed)\n";
  return out;
}

}  // namespace gridkeeper::data
