#include "data/generation_writes.hpp"

#include "data/records.hpp"

namespace gridkeeper::data {

using namespace dispatch;

namespace {

template <class Db, class Bind>
Status run(Db& db, std::string_view sql, const Bind& bind, const std::string& what) {
  auto q = db.query(sql);
  if (!q) return q.error();
  bind(*q);
  if (auto e = q->run()) return storage_error(what + ": " + e->message);
  return std::nullopt;
}

}  // namespace

template <class Db>
Status store_generation(Db& db, const GenerationSwitch& sw) {
  const std::string name = "generation " + std::to_string(sw.id);
  if (sw.state == GenerationState::scheduled) {
    if (auto e = run(
            db,
            "UPDATE generations SET state = 'scheduled', effective_at = ?2, open_cases = ?3 WHERE id = ?1 AND "
            "(state = 'draft' OR state = 'scheduled')",
            [&](auto& q) { q.bind(1, sw.id).bind(2, sw.at).bind(3, to_string(sw.open_cases)); }, name))
      return e;
    if (db.changes() == 0) return storage_error("no draft " + std::to_string(sw.id));
    return std::nullopt;
  }
  if (auto e = run(
          db, "UPDATE generations SET state = 'past' WHERE state = 'current' AND id <> ?1",
          [&](auto& q) { q.bind(1, sw.id); }, name))
    return e;
  if (auto e = run(
          db,
          "UPDATE generations SET state = 'current', applied_at = ?2, effective_at = coalesce(effective_at, ?2), "
          "open_cases = ?3, grid_count = ?4 WHERE id = ?1",
          [&](auto& q) {
            q.bind(1, sw.id).bind(2, sw.at).bind(3, to_string(sw.open_cases));
            q.bind(4, static_cast<std::int64_t>(sw.grids.size()));
          },
          name))
    return e;
  if (db.changes() == 0) return storage_error("no generation " + std::to_string(sw.id));
  for (const auto& j : sw.jurisdictions)
    if (auto e = run(
            db, records::kUpsertJurisdiction,
            [&](auto& q) { q.bind(1, j.code).bind(2, j.name).bind(3, to_string(j.level)).bind_code(4, j.parent); },
            j.code))
      return e;
  for (const auto& g : sw.grids) {
    if (auto e = run(
            db,
            "INSERT INTO grids (code, name, community, population, geometry, owner, backup) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
            "community = excluded.community, population = excluded.population, geometry = excluded.geometry, "
            "owner = excluded.owner, backup = excluded.backup, retired_at = NULL",
            [&](auto& q) {
              q.bind(1, g.grid.code).bind(2, g.grid.name).bind(3, g.grid.community).bind(4, g.grid.population);
              q.bind(5, g.geometry).bind_code(6, g.grid.owner).bind_code(7, g.grid.backup);
            },
            "grid " + g.grid.code))
      return e;
    if (auto e = run(
            db,
            "INSERT INTO generation_grids (generation, code, name, community, population, geometry) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (generation, code) DO UPDATE SET name = excluded.name, "
            "community = excluded.community, population = excluded.population, geometry = excluded.geometry",
            [&](auto& q) {
              q.bind(1, sw.id).bind(2, g.grid.code).bind(3, g.grid.name).bind(4, g.grid.community);
              q.bind(5, g.grid.population).bind(6, g.geometry);
            },
            "grid " + g.grid.code))
      return e;
  }
  for (const auto& code : sw.retired) {
    if (auto e = run(
            db, "UPDATE grids SET owner = NULL, backup = NULL, retired_at = ?2 WHERE code = ?1",
            [&](auto& q) { q.bind(1, code).bind(2, sw.at); }, "grid " + code))
      return e;
    if (auto e = run(
            db, "UPDATE post_terms SET to_at = ?2 WHERE grid = ?1 AND to_at IS NULL",
            [&](auto& q) { q.bind(1, code).bind(2, sw.at); }, "grid " + code))
      return e;
  }
  return std::nullopt;
}

template <class Db>
Result<GenerationId> insert_generation(Db& db, Millis at, const std::string& created_by, std::size_t grids,
                                       std::size_t problems, const std::string& diff, const std::string& file) {
  auto next = db.scalar("SELECT coalesce(max(id), 0) + 1 FROM generations");
  if (!next) return next.error();
  if (auto e = run(
          db,
          "INSERT INTO generations (id, state, created_at, created_by, grid_count, problem_count, diff, file) "
          "VALUES (?1, 'draft', ?2, ?3, ?4, ?5, ?6, ?7)",
          [&](auto& q) {
            q.bind(1, *next).bind(2, at).bind(3, created_by).bind(4, static_cast<std::int64_t>(grids));
            q.bind(5, static_cast<std::int64_t>(problems)).bind(6, diff).bind(7, file);
          },
          "generation"))
    return *e;
  return *next;
}

template Status store_generation<Connection>(Connection&, const GenerationSwitch&);
template Status store_generation<pg::Connection>(pg::Connection&, const GenerationSwitch&);
template Result<GenerationId> insert_generation<Connection>(Connection&, Millis, const std::string&, std::size_t,
                                                            std::size_t, const std::string&, const std::string&);
template Result<GenerationId> insert_generation<pg::Connection>(pg::Connection&, Millis, const std::string&,
                                                                std::size_t, std::size_t, const std::string&,
                                                                const std::string&);

}  // namespace gridkeeper::data
