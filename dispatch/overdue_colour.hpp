#pragma once
// One definition of "overdue by colour", used by the overdue map's counts (area_counts.*)
// and by the assessment's figures (case_record.*, assessment.*, tally.*) alike: an overdue
// case counts under the colour whose deadline it missed first, the colour it had when it
// went overdue, not the colour it was raised to. So a yellow case that missed its deadline
// is "yellow overdue" on the map and in the figures, though it is shown orange now.
//
// And the map's steps: an area is coloured by how much of it is overdue (its overdue open
// cases per open case), in graduated steps the server serves, so that one overdue case
// among many paints its area pale and sixteen paint it dark.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// Records a missed deadline of colour `missed`: the first one missed is kept.
inline void note_missed(std::optional<Urgency>& first, Urgency missed) {
  if (!first) first = missed;
}

// The colour an open or closed case counts under as overdue; nothing when it is not overdue.
std::optional<Urgency> overdue_colour_of(const Case& c);

// A step of the map's fill: areas whose share of overdue open cases is at least
// `min_per_mille` / 1000 (and that have one overdue case at least, for the steps above 0).
struct OverdueStep {
  int step = 0;
  std::int64_t min_per_mille = 0;
  std::string_view name;
};
inline constexpr std::array kOverdueSteps{
    OverdueStep{0, 0, "none"},    // nothing overdue
    OverdueStep{1, 1, "few"},     // at least one, under 10 %
    OverdueStep{2, 100, "some"},  // 10 % or more
    OverdueStep{3, 250, "many"},  // 25 % or more
    OverdueStep{4, 500, "most"},  // half or more
};

// The order of the overdue list: longest overdue first (the earliest first missed deadline),
// then the higher tier, then the older case.
bool overdue_longer(const Case& a, const Case& b);

// The overdue share in per mille (0 when the area has no open case).
std::int64_t overdue_per_mille(std::int64_t overdue, std::int64_t open);
// The step of an area with `overdue` of its `open` cases overdue.
int overdue_step(std::int64_t overdue, std::int64_t open);

}  // namespace gridkeeper::dispatch
