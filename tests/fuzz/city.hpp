#pragma once
// A small command center in memory, built once per fuzzing process, for the parsers that
// check what they read against the organisation (Open311 service codes, jurisdictions).
#include <memory>

#include "dispatch/center.hpp"
#include "dispatch/clock.hpp"
#include "memory_ledger.hpp"

namespace gridkeeper::fuzz {

struct City {
  testing::MemoryLedger ledger;
  dispatch::ManualClock clock;
  std::unique_ptr<dispatch::Center> center;
  City() {
    ledger.initial = testing::small_city();
    center = std::make_unique<dispatch::Center>(ledger, clock);
    center->start();
  }
};

inline const dispatch::Center& city() {
  static City c;
  return *c.center;
}

inline dispatch::Millis now() { return dispatch::ManualClock{}.now(); }

}  // namespace gridkeeper::fuzz
