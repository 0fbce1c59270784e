#pragma once
// The roster (花名册) and the posts (定岗定人): the checks of a worker's fields, the flags of
// workers and grids (one rule, read by the roster, the grid map and the posts preview),
// and the shapes of what the roster and the preview answer.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// A worker holding more A posts than kMaxAPosts, or more posts in all than kMaxPosts, is
// over-loaded: one person cannot walk that many grids.
inline constexpr int kMaxAPosts = 3;
inline constexpr int kMaxPosts = 6;

// The flags, by their contract names.
inline constexpr std::string_view kTooManyPosts = "too_many_posts";         // a worker: over-loaded
inline constexpr std::string_view kNoAHolder = "no_a_holder";               // a grid: nobody holds the A post
inline constexpr std::string_view kNoBHolder = "no_b_holder";               // a grid: nobody holds the B post
inline constexpr std::string_view kHolderRetired = "holder_retired";        // a grid: a holder has retired
inline constexpr std::string_view kHolderAway = "holder_away";              // a grid: a holder is off duty or on leave
inline constexpr std::string_view kHolderOverloaded = "holder_overloaded";  // a grid: a holder has too many posts

struct PostCount {
  int a = 0, b = 0;
  int total() const { return a + b; }
};
using PostCounts = std::map<WorkerId, PostCount>;

// Adds the posts of `grid` to `counts`.
void count_posts(const Grid& grid, PostCounts& counts);
bool overloaded(const PostCount& posts);
std::vector<std::string> worker_flags(const PostCount& posts);
std::vector<std::string> grid_flags(const Grid& grid, const std::map<WorkerId, Worker>& workers,
                                    const PostCounts& counts);

// Whether open case `c` is handed over when the posts of its grid go from `before` to
// `after`: held by an outgoing holder, or waiting unassigned (never a reported case).
bool follows_posts(const Case& c, const Grid& before, const Grid& after);

// A phone number as the roster keeps it: 3 to 20 of 0-9 + - and space, at least 3 digits.
bool valid_phone(std::string_view phone);
// invalid_value naming the field when a worker's id, name or phone breaks its rule.
Status check_worker_fields(const Worker& worker);

// What PUT /workers/{id} may change; what is absent stays.
struct WorkerEdit {
  std::optional<std::string> name, phone, community;
  std::optional<bool> retired;
};

// GET /workers: the filters (empty: any), and `retired`: list the retired (true) or the
// others (false).
struct RosterQuery {
  std::string street, community, q;
  bool retired = false;
};

struct WorkerPost {
  std::string grid, grid_name;
  bool backup = false;  // B post
};

struct RosterEntry {
  Worker worker;
  std::string community_name;
  std::vector<WorkerPost> posts;
  int open_cases = 0;
  std::vector<std::string> flags;
};

// A grid's posts before the change, what moves if they change, and the flags after.
struct MovingCase {
  CaseId id = 0;
  std::string title;
  Urgency urgency = Urgency::yellow;
  WorkerId from, to;
};
struct PostsPreview {
  Grid before, after;
  std::vector<MovingCase> moving;
  std::array<int, 3> by_urgency{};  // the moving cases by urgency
  std::vector<std::string> flags_before, flags_after;
};

}  // namespace gridkeeper::dispatch
