#pragma once
// Center: the command-center service. Intake (route, assign, set deadlines, persist,
// publish), transitions, grid post reassignment and duty status. It keeps the open cases
// and the organisation in memory, reaches storage through the Ledger port, and publishes
// every stored change to its subscribers in commit order.
#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "dispatch/access.hpp"
#include "dispatch/area_counts.hpp"
#include "dispatch/calendar.hpp"
#include "dispatch/case_sort.hpp"
#include "dispatch/clock.hpp"
#include "dispatch/errors.hpp"
#include "dispatch/escalation.hpp"
#include "dispatch/generation.hpp"
#include "dispatch/ledger.hpp"
#include "dispatch/model.hpp"
#include "dispatch/policy.hpp"
#include "dispatch/roster.hpp"
#include "geo/crs.hpp"
#include "geo/grid_index.hpp"

namespace gridkeeper::dispatch {

struct IntakeRequest {
  double lon = 0, lat = 0;
  geo::Crs crs = geo::Crs::wgs84;
  std::string category;
  Urgency urgency = Urgency::yellow;
  std::string title, description, address;
  std::string source = "operator";
  Reporter reporter;
};

struct TransitionRequest {
  Action action = Action::accept;
  std::int64_t version = 0;
  std::string note;
  std::optional<WorkerId> assignee;  // reassign / register: the chosen worker
  bool any_version = false;          // act on the case's version, whichever it is (an urge)
};

// Where a location belongs.
struct RouteAnswer {
  std::string grid, community, street, district;
  WorkerId owner;
  bool snapped = false;
  double distance_m = 0;
};

// Where a case taken in at a location now would go: the place, and the worker the center
// would choose (intake makes the same choice through the same function).
struct Placement {
  RouteAnswer where;
  Assignment assignment;
  bool emergency = false;  // emergency mode holds there: deadlines shrink, yellow becomes orange
};

// Published once a change is durable.
struct CaseNotice {
  std::string type;  // case.created | case.updated | case.warned | case.escalated | case.reminded
  Case current;
  std::vector<CaseEvent> events;  // the events this change appended
  WorkerId previous_assignee;     // set when the change took the case from this worker
  // The counts of the areas the change touched (the case's grid, community and street,
  // before and after), as they stand once the change is applied; zeros for an area left
  // without open cases. Who may read which: Center::areas_seen.
  std::vector<AreaCounts> areas;
};

class Center {
 public:
  struct Options {
    geo::GridIndex::Options index;
    std::size_t max_in_flight = 50'000;               // changes queued for storage before intake is refused
    std::shared_ptr<const WorkingCalendar> calendar;  // for categories that count working time
    double emergency_factor = 0.5;                    // deadlines shrink by this in emergency mode
    int max_photos_per_case = 20;
    std::int64_t photo_bytes_per_user_day = 200LL << 20;  // what one user may upload in 24 hours
  };
  using CaseCallback = std::function<void(Result<Case>)>;
  using Subscriber = std::function<void(const CaseNotice&)>;

  Center(Ledger& ledger, const Clock& clock, Options options);
  Center(Ledger& ledger, const Clock& clock) : Center(ledger, clock, Options{}) {}
  ~Center();

  // Reads the organisation and open cases from the ledger and builds the grid index.
  void start();

  // `done` runs once the change is durable (on the ledger's thread) or at once on error.
  void intake(const IntakeRequest& request, const Actor& actor, CaseCallback done);
  void transition(CaseId id, const TransitionRequest& request, const Actor& actor, CaseCallback done);
  // As above; `latest_photo`: when the case's latest photo was taken (the caller reads the
  // photos; none: no photo), for a category that requires an after-photo to resolve
  // (dispatch/case_view.hpp). Without it a resolve there is refused.
  void transition(CaseId id, const TransitionRequest& request, const Actor& actor, std::optional<Millis> latest_photo,
                  CaseCallback done);
  void reassign_grid(const std::string& grid, const WorkerId& owner, const WorkerId& backup, const Actor& actor,
                     std::function<void(Result<Grid>)> done);
  void set_worker_status(const WorkerId& worker, DutyStatus status, const Actor& actor,
                         std::function<void(Result<Worker>)> done);
  // 平战切换 for a street or district (supervisor in scope, or admin).
  void set_mode(const std::string& jurisdiction, bool emergency, const Actor& actor,
                std::function<void(Result<Jurisdiction>)> done);
  // Category name, deadlines and working-time flag (admin); applies to new cases.
  void update_category(Category category, const Actor& actor, std::function<void(Result<Category>)> done);

  // Leave (请假, dispatch/leave.hpp; who: check_leave): scheduled, listed (every leave of
  // the worker, newest first), and ended: an upcoming one is cancelled, a current one ends
  // now. Boundaries are applied by `tick` as the clock passes them (and at start-up for
  // those passed while the server was down).
  void schedule_leave(const WorkerId& worker, LeaveRequest request, const Actor& actor,
                      std::function<void(Result<Leave>)> done);
  Result<std::vector<Leave>> leaves_of(const WorkerId& worker, const Actor& actor) const;
  void end_leave(const WorkerId& worker, LeaveId id, const Actor& actor, std::function<void(Result<Leave>)> done);
  Result<Leave> schedule_leave_and_wait(const WorkerId& worker, LeaveRequest request, const Actor& actor);
  Result<Leave> end_leave_and_wait(const WorkerId& worker, LeaveId id, const Actor& actor);
  // The roster (花名册, dispatch/center_roster.cpp; manage_roster within the scope): a new
  // worker (201; conflict when the id exists), an edit, a move to another community, a
  // retirement (conflict while the worker holds posts or open cases, naming them).
  void add_worker(Worker worker, const Actor& actor, std::function<void(Result<Worker>)> done);
  void update_worker(const WorkerId& id, const WorkerEdit& edit, const Actor& actor,
                     std::function<void(Result<Worker>)> done);
  Result<Worker> add_worker_and_wait(Worker worker, const Actor& actor);
  Result<Worker> update_worker_and_wait(const WorkerId& id, const WorkerEdit& edit, const Actor& actor);
  // The workers the actor sees, filtered, with their posts, open cases and flags.
  Result<std::vector<RosterEntry>> roster(const RosterQuery& query, const Actor& actor) const;
  // What PUT /grids/{id}/owners would do, changing nothing: the same checks, the open cases
  // that would move (as the assignment rule picks now) and the grid's flags before and after.
  Result<PostsPreview> preview_posts(const std::string& grid, const WorkerId& owner, const WorkerId& backup,
                                     const Actor& actor) const;
  // The flags of every grid (dispatch/roster.hpp), by code; grids without flags left out.
  std::unordered_map<std::string, std::vector<std::string>> grid_flags() const;

  // Grid generations (dispatch/center_generations.cpp; admin). The open cases whose grid
  // would change under `next` (red first) and who would take each on `follow`.
  std::vector<CaseMove> moves_under(const geo::GridIndex& next, const GenerationPlan& plan) const;
  // Applies `plan` at `at` (none, or a time not after now: at once; later: scheduled, kept
  // across restarts). Its index is built and warmed before the lock is taken; routing
  // switches to it atomically with the organisation. Checks: manage_generations.
  void apply_generation(GenerationPlan plan, OpenCases mode, std::optional<Millis> at, const Actor& actor,
                        std::function<void(Result<GenerationApplied>)> done);
  Result<GenerationApplied> apply_generation_and_wait(GenerationPlan plan, OpenCases mode, std::optional<Millis> at,
                                                      const Actor& actor);
  // The open cases whose location lies in another grid of the index in force follow it
  // there, as on a redraw applied with `follow` (a `regrid` event each): for a grid file
  // imported while no server ran. How many moved. Checks: manage_generations.
  Result<std::size_t> regrid_open_cases_and_wait(const Actor& actor);
  // Whether generation `id` waits to take effect.
  bool generation_scheduled(GenerationId id) const;
  // Told of each grid index the center switches to (a generation applied), under the
  // center's lock: it must only hand the index on; told at once of one switched to while
  // the center started. An empty function stops the telling.
  using IndexListener = std::function<void(std::shared_ptr<const geo::GridIndex>)>;
  void on_new_index(IndexListener listener);

  // 回访: an operator or admin records the resident's satisfaction (1-5) with a closed
  // case, as a "rated" event of its history; a new rating replaces the last. Blocking: a
  // closed case is read from storage.
  void rate(CaseId id, int score, std::string note, const Actor& actor, std::function<void(Result<CaseEvent>)> done);

  // Photos: whether `actor` may attach one of `size` bytes to case `id` that already holds
  // `photos_held`, when the actor uploaded `bytes_today` in the last 24 hours (an open case
  // it may see and act on; not a supervisor; within the per-case and per-user caps). Then,
  // once the photo is stored, a "photo" event in the case's history (the case's version
  // stays, so a tablet's queued actions remain valid). Blocking: a closed case is read
  // from storage.
  Result<Case> photo_allowed(CaseId id, const Actor& actor, std::size_t photos_held, std::int64_t bytes_today,
                             std::int64_t size) const;
  void record_photo(CaseId id, const Actor& actor, std::function<void(Result<CaseEvent>)> done);

  // Blocking conveniences for tools, tests and benchmarks.
  Result<Case> intake_and_wait(const IntakeRequest& request, const Actor& actor);
  Result<Case> transition_and_wait(CaseId id, const TransitionRequest& request, const Actor& actor);
  Result<Case> transition_and_wait(CaseId id, const TransitionRequest& request, const Actor& actor,
                                   std::optional<Millis> latest_photo);
  Result<Grid> reassign_grid_and_wait(const std::string& grid, const WorkerId& owner, const WorkerId& backup,
                                      const Actor& actor);
  Result<Worker> set_worker_status_and_wait(const WorkerId& worker, DutyStatus status, const Actor& actor);
  Result<Jurisdiction> set_mode_and_wait(const std::string& jurisdiction, bool emergency, const Actor& actor);
  Result<Category> update_category_and_wait(Category category, const Actor& actor);
  Result<CaseEvent> rate_and_wait(CaseId id, int score, std::string note, const Actor& actor);

  // Escalation: the earliest moment a warning or deadline falls due, and the engine's
  // step, which acts on every moment due by the clock's now, in due order (at most
  // `max_steps`, stored as one change). Returns the steps taken.
  std::optional<Millis> next_due_at() const;
  // Entries in the escalation schedule: at most twice the open cases and a few thousand.
  std::size_t scheduled() const;
  std::size_t tick(std::size_t max_steps = 10'000);
  // Every warning, escalation and reminder due by the clock's now, `batch` steps at a time
  // (the center's lock is let go between batches, so intake goes on), until nothing is due.
  // Returns the steps taken. dispatch/escalation_clock runs it as time passes.
  std::size_t tick_until_idle(std::size_t batch = 10'000);

  Result<RouteAnswer> route(geo::Point p, geo::Crs crs = geo::Crs::wgs84) const;
  // The route and the worker a case taken in there now would go to, without taking one in.
  Result<Placement> place(geo::Point p, geo::Crs crs = geo::Crs::wgs84) const;

  // Reads (scoped to the actor; cases outside the scope are not found).
  Result<Case> get_case(CaseId id, const Actor& actor) const;
  std::vector<CaseEvent> case_events(CaseId id) const;
  std::vector<Case> find_cases(CaseQuery query, const Actor& actor) const;
  // The open cases `query` matches in `sort`'s order as of the clock's now, a page from
  // `offset` (dispatch/center_sorted.cpp); `query.after` is not used.
  SortedCases sorted_open_cases(CaseQuery query, CaseSort sort, std::size_t offset, const Actor& actor) const;
  std::vector<Grid> grids(const Actor& actor) const;
  std::vector<Worker> workers(const Actor& actor) const;
  std::vector<Category> categories() const;
  // The working calendar in force (none: deadlines count clock time).
  std::shared_ptr<const WorkingCalendar> calendar() const { return options_.calendar; }
  std::optional<Jurisdiction> jurisdiction(const std::string& code) const;
  // What the actor may see of the hierarchy: its scope's subtree and the chain above it
  // (workers: the chains of their community and of the grids they hold), by code.
  std::vector<Jurisdiction> jurisdictions(const Actor& actor) const;
  std::shared_ptr<const geo::GridIndex> grid_index() const { return index_.current(); }
  std::size_t open_case_count() const;
  // Visits every open case the actor may see, under the center's lock: `visit` must be quick.
  void for_each_open_case(const Actor& actor, const std::function<void(const Case&)>& visit) const;
  int open_cases_of(const WorkerId& worker) const;
  // The open cases' counts by area of `level` (grid, community or street) in the actor's
  // view, by code; areas without open cases are left out. Kept as cases change, so this is
  // O(areas): operators, supervisors and admins get the areas of their scope's subtree, or,
  // for a level above their scope, the one area holding it with the counts of their scope
  // (the cases they see there); a worker the counts of its own cases. Empty for the district level.
  std::vector<AreaCounts> area_counts(Level level, const Actor& actor) const;
  // Which of `areas` (at most the first 64) the actor may read, as bits: dispatch/access.hpp,
  // sees_area_counts.
  std::uint64_t areas_seen(const std::vector<AreaCounts>& areas, const Actor& actor) const;

  // Whether `code` lies in the subtree of `scope` (empty scope: everything).
  bool in_scope(const std::string& scope, const std::string& code) const;
  bool case_visible(const Case& c, const Actor& actor) const;
  // What `actor` may do to `c` now (dispatch/access.hpp): nothing when it does not see it.
  Allowed allowed_actions(const Case& c, const Actor& actor) const;
  std::vector<Allowed> allowed_actions(const std::vector<Case>& cases, const Actor& actor) const;
  // Whether the actor sees grid `code` and who holds its posts.
  bool grid_visible(const std::string& code, const Actor& actor) const;
  // What a report of the actor covers (dispatch/access.hpp: report_view).
  Result<ReportView> report_view(const Actor& actor, const std::string& scope_asked, bool scope_known) const;

  // Subscribers run on the ledger's thread, in commit order; they must not block.
  int subscribe(Subscriber subscriber);
  void unsubscribe(int id);

 private:
  struct Location {
    std::string community, street, district;
  };
  // The hierarchy as the access policy asks for it; used under mutex_.
  struct Places final : Hierarchy {
    explicit Places(const Center& c) : center(c) {}
    bool contains(const std::string& scope, const std::string& code) const override {
      return center.in_scope_locked(scope, code);
    }
    const Center& center;
  };
  Places places() const { return Places(*this); }  // needs mutex_
  Location locate(const std::string& grid) const;  // needs mutex_
  bool in_scope_locked(const std::string& scope, const std::string& code) const;
  bool case_visible_locked(const Case& c, const Actor& actor) const;
  Allowed allowed_locked(const Case& c, const Actor& actor) const;
  bool matches_locked(const Case& c, const CaseQuery& query) const;
  void set_assignee_locked(Case& c, const WorkerId& worker);
  // Hands an open case to `worker` (a change of posts, a leave): dispatched to it afresh,
  // the acceptance clock restarted. Returns the handover event (its assignee_from set).
  CaseEvent hand_over_locked(Case& c, const WorkerId& worker, const Actor& actor, Millis now, std::string reason);
  void schedule_locked(const Case& c);
  Reminders reminders_locked(const Case& c) const;
  bool emergency_locked(const Case& c) const;
  bool emergency_at_locked(const std::string& street, const std::string& district) const;
  Placement place_locked(RouteAnswer where) const;
  DeadlineRules rules_locked(const Case& c) const;
  std::vector<std::string> street_communities_locked(const std::string& street) const;
  int load_of_locked(const WorkerId& w) const;
  // The checks of a change of `grid`'s posts (reassign_grid and preview_posts).
  Status check_posts_locked(const WorkerId& owner, const WorkerId& backup, const Actor& actor) const;
  PostCounts post_counts_locked() const;
  Assignment assign_locked(const Grid& grid, const std::string& street, bool emergency) const;
  Assignment assign_locked(const Case& c, const Grid& grid) const;
  // Brings the kept counts of case `id` in line with open_ (its contribution before, if
  // counted, taken away; its contribution now, if open, added) and notes the areas touched.
  void recount_locked(CaseId id, std::vector<std::pair<Level, std::string>>* touched);
  void submit_locked(Change change, std::vector<CaseNotice> notices, std::function<void(Status)> done);
  void publish(const std::vector<CaseNotice>& notices);
  // Applies every leave boundary due by `now` into `change` (status, moved cases, audit);
  // returns how many.
  std::size_t apply_leave_boundaries_locked(Millis now, Change& change, std::vector<CaseNotice>& notices);
  void move_open_cases_locked(const WorkerId& worker, Millis now, Change& change, std::vector<CaseNotice>& notices);
  std::optional<Millis> next_leave_boundary_locked() const;
  CaseEvent event_for(const Case& c, EventType type, const Actor& actor, CaseState from, std::string note,
                      std::string reason) const;
  // Generations: one waiting to take effect, with its index built ahead.
  struct PendingGeneration {
    GenerationPlan plan;
    OpenCases mode = OpenCases::stay;
    Millis at = 0;
    std::string actor;
    std::shared_ptr<const geo::GridIndex> index;
  };
  // Each open case whose location lies in another grid of `index` goes there, to the holder
  // the assignment rule picks (a `regrid` event by `by` each); how many moved.
  std::size_t follow_locked(const geo::GridIndex& index, const std::string& by, Millis now, Change& change,
                            std::vector<CaseNotice>& notices);
  GenerationApplied switch_generation_locked(PendingGeneration& p, Millis now, Change& change,
                                             std::vector<CaseNotice>& notices);
  // Applies the earliest scheduled generation due by `now`, if any; returns 1 if it did.
  std::size_t apply_due_generation_locked(Millis now, Change& change, std::vector<CaseNotice>& notices);
  std::optional<Millis> next_generation_locked() const;

  Ledger& ledger_;
  const Clock& clock_;
  Options options_;
  geo::GridIndexHolder index_;

  mutable std::mutex mutex_;
  // Hashed: every intake looks up its grid, the grid's ancestors and its workers' loads.
  std::unordered_map<std::string, Jurisdiction> jurisdictions_;
  std::unordered_map<std::string, Grid> grids_;
  std::map<WorkerId, Worker> workers_;
  std::map<std::string, Category> categories_;
  std::map<CaseId, Case> open_;  // by id, so lists of open cases come newest first from memory
  std::unordered_map<WorkerId, int> load_;
  AreaTallies tallies_;                          // open cases by area, by recount_locked only
  std::unordered_map<CaseId, AreaKey> counted_;  // what each open case adds to tallies_
  CaseId next_id_ = 1;
  std::map<LeaveId, Leave> leaves_;                      // every leave, by id
  std::unordered_map<std::string, Grid> retired_grids_;  // grids of past generations: their cases' places
  std::map<GenerationId, PendingGeneration> scheduled_;
  IndexListener index_listener_;
  bool switched_at_start_ = false;  // a generation fell due while the server was down
  LeaveId next_leave_id_ = 1;
  // One queue of due moments for all open cases; entries of superseded versions are
  // skipped when they surface.
  struct DueEntry {
    Millis at;
    CaseId id;
    std::int64_t version;
    bool operator>(const DueEntry& o) const { return at != o.at ? at > o.at : id > o.id; }
  };
  std::priority_queue<DueEntry, std::vector<DueEntry>, std::greater<>> due_;

  std::atomic<std::size_t> in_flight_{0};
  mutable std::mutex subscribers_mutex_;
  std::map<int, Subscriber> subscribers_;
  int next_subscriber_ = 1;
};

// The hierarchy as Center answers it, for the access policy's questions asked outside the
// center (each answer takes the center's lock).
struct CenterPlaces final : Hierarchy {
  explicit CenterPlaces(const Center& c) : center(c) {}
  bool contains(const std::string& scope, const std::string& code) const override {
    return center.in_scope(scope, code);
  }
  const Center& center;
};

}  // namespace gridkeeper::dispatch
