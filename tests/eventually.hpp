#pragma once
// Waits for a state, not for a time: polls `done` every few milliseconds and gives up
// (false) once `limit` has passed without it.
#include <chrono>
#include <thread>

namespace gridkeeper::testing {

template <class F>
bool eventually(F done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace gridkeeper::testing
