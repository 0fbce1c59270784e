#pragma once
// Grid generations (网格调整): a whole-city grid file kept as a draft, compared with the
// generation in force, then applied now or at a scheduled time. Applying one switches
// routing to a new grid index snapshot at once; open cases whose location now lies in
// another grid either follow it to that grid's holder (a `regrid` event each) or stay with
// their worker until closed. A case keeps the grid it was handled in, so the reports of
// past periods count it where it was. dispatch/center_generations.cpp applies them;
// storage keeps them behind the `Generations` port below.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"
#include "geo/geojson.hpp"
#include "geo/grid_index.hpp"

namespace gridkeeper::dispatch {

using GenerationId = std::int64_t;

enum class GenerationState { draft, scheduled, current, past };
std::string_view to_string(GenerationState);
std::optional<GenerationState> generation_state_from(std::string_view);

// What open cases do when their location falls in another grid of the new generation.
enum class OpenCases { stay, follow };
std::string_view to_string(OpenCases);
std::optional<OpenCases> open_cases_from(std::string_view);

// A generation as listed: its summary (`diff`, JSON object text made when the draft was
// checked) and, for drafts, whether it may be applied.
struct Generation {
  GenerationId id = 0;
  GenerationState state = GenerationState::draft;
  Millis created_at = 0;
  std::string created_by;
  std::optional<Millis> effective_at;  // scheduled: when it takes effect
  std::optional<Millis> applied_at;    // current and past: when it took effect
  std::string open_cases;              // stay | follow, once applied or scheduled
  std::size_t grids = 0;
  std::size_t problems = 0;  // a draft with problems cannot be applied
  std::string diff;          // JSON object text
};

// One grid of a generation, as stored and as listed by GET /grids?as_of=.
struct GenerationGrid {
  Grid grid;             // code, name, community, population; posts when given
  std::string geometry;  // GeoJSON geometry text
};

// A whole city read from a grid file: its hierarchy, its grids with their shapes, and the
// posts the file gives its grids (properties owner_id and backup_id).
struct GenerationPlan {
  GenerationId id = 0;
  std::vector<Jurisdiction> jurisdictions;  // district, streets, communities
  std::vector<GenerationGrid> grids;
  std::vector<geo::GridShape> shapes;  // the same grids' shapes, for the index
};
GenerationPlan plan_from_areas(const std::vector<geo::Area>& areas);

// Applying a plan: what the ledger stores in the change's transaction.
struct GenerationSwitch {
  GenerationId id = 0;
  GenerationState state = GenerationState::current;  // scheduled: only its time and mode are stored
  Millis at = 0;                                     // effective_at or applied_at
  OpenCases open_cases = OpenCases::stay;
  std::vector<Jurisdiction> jurisdictions;  // upserted (name, level, parent)
  std::vector<GenerationGrid> grids;        // upserted; posts of new grids
  std::vector<std::string> retired;         // grids no longer in force: no posts, no new cases
};

// A generation scheduled to take effect, as storage gives it back at start-up.
struct ScheduledGeneration {
  GenerationPlan plan;
  OpenCases open_cases = OpenCases::stay;
  Millis at = 0;
  std::string actor;
};

// What applying a generation did (or will do, when scheduled).
struct GenerationApplied {
  GenerationId id = 0;
  GenerationState state = GenerationState::current;
  Millis at = 0;
  OpenCases open_cases = OpenCases::stay;
  std::size_t cases_moved = 0, grids_retired = 0;
};

// A moving open case of the comparison with the generation in force.
struct CaseMove {
  CaseId id = 0;
  Urgency urgency = Urgency::yellow;
  std::string title;
  std::string grid_from, grid_to;
  WorkerId assignee, assignee_to;  // assignee_to: who would take it on `follow`
};

// The storage of generations (dispatch defines it, data implements it). Every call blocks.
class Generations {
 public:
  virtual ~Generations() = default;
  // Stores a draft (its id is given), with its audit entry.
  virtual Result<Generation> add_draft(Generation draft, const std::string& file, const AuditEntry& audit) = 0;
  virtual Result<std::vector<Generation>> list() = 0;
  virtual Result<std::optional<Generation>> find(GenerationId id) = 0;
  virtual Result<std::string> file_of(GenerationId id) = 0;
  // The grids in force now (code, name, community, population, geometry).
  virtual Result<std::vector<GenerationGrid>> current_grids() = 0;
  // The grids of the generation in force at `at` (none before the first); its id.
  virtual Result<std::pair<GenerationId, std::vector<GenerationGrid>>> grids_as_of(Millis at) = 0;
};

}  // namespace gridkeeper::dispatch
