#pragma once
// Helpers the dispatch tests share (and the storage and server tests with them): lengths
// of time, requests in the small city of memory_ledger.hpp, and a center running on it.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dispatch/center.hpp"
#include "memory_ledger.hpp"

namespace gridkeeper::testing {

inline constexpr dispatch::Millis kMinute = 60'000;
inline constexpr dispatch::Millis kHour = 60 * kMinute;
inline constexpr dispatch::Millis kDay = 24 * kHour;
inline constexpr dispatch::Millis T0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z, 08:00 in Shanghai

// An environment case at the centre of tessellation cell (row, column) of the small city
// (3 x 2 cells of 0.01 degree from 118.30, 24.60): grid G<row>-<column>.
inline dispatch::IntakeRequest at_grid(int row, int column, dispatch::Urgency urgency = dispatch::Urgency::yellow) {
  dispatch::IntakeRequest r;
  r.lon = 118.305 + 0.01 * column;
  r.lat = 24.605 + 0.01 * row;
  r.category = "environment";
  r.urgency = urgency;
  r.title = "垃圾堆放";
  return r;
}

inline dispatch::TransitionRequest step(dispatch::Action a, std::int64_t version, std::string note = {}) {
  dispatch::TransitionRequest t;
  t.action = a;
  t.version = version;
  t.note = std::move(note);
  return t;
}

// A center on the small city in a MemoryLedger, on a manual clock, with the notices it
// has published.
struct CenterFixture {
  MemoryLedger ledger;
  dispatch::ManualClock clock;
  std::unique_ptr<dispatch::Center> center;
  std::mutex notices_mutex;
  std::vector<dispatch::CaseNotice> notices;

  CenterFixture() {
    ledger.initial = small_city();
    restart();
  }
  // A new center on what the ledger holds, as after a restart.
  void restart() {
    ledger.drain();
    center = std::make_unique<dispatch::Center>(ledger, clock);
    center->start();
    center->subscribe([this](const dispatch::CaseNotice& n) {
      std::lock_guard lock(notices_mutex);
      notices.push_back(n);
    });
  }
  std::size_t notice_count() {
    std::lock_guard lock(notices_mutex);
    return notices.size();
  }
};

}  // namespace gridkeeper::testing
