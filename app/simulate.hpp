#pragma once
// The demo's simulator as `gridkeeper simulate` and `gridkeeper demo --simulate` run it.
#include <cstdint>
#include <functional>
#include <string>

#include "demo/simulator.hpp"

namespace gridkeeper::app {

// The demo's operator and worker logins, the demo's case texts (a quarter of them drills,
// whose deadlines run in minutes) and log lines on standard output.
demo::SimulatorOptions demo_simulation(const std::string& url, double cases_per_minute, std::uint64_t seed,
                                       std::function<bool()> stop_requested);

// "--rate N": cases a minute.
double parse_rate(const std::string& flag, const std::string& text);

}  // namespace gridkeeper::app
