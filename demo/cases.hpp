#pragma once
// What the demo's cases say: a category of real grid work, an urgency, a title, a
// description and an address, where the case came from and who reported it. Shared by the
// demo's history and by `gridkeeper simulate`.
#include <cstdint>
#include <string>

#include "demo/names.hpp"
#include "dispatch/center.hpp"

namespace gridkeeper::demo {

class DemoCaseWriter {
 public:
  // `drill_share`: the part of cases that are emergency drills (negative: as often as
  // the other kinds make them, which is rarely).
  explicit DemoCaseWriter(std::uint64_t seed, double drill_share = -1) : random_(seed), drill_share_(drill_share) {}

  // A case at `at`; `place` (a community's name, may be empty) starts the address.
  dispatch::IntakeRequest write(geo::Point at, const std::string& place);

 private:
  Random random_;
  double drill_share_;
};

}  // namespace gridkeeper::demo
