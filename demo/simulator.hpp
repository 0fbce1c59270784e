#pragma once
// A simulated district at work, over the HTTP API of a running server: an operator takes
// in cases at random points of the city (more where more people live), and the workers
// they reach log in, accept and resolve them — most in time, some late, so that warnings
// and escalations happen while someone watches — and the operator verifies and closes
// them. Open cases found on the server are picked up too. A client of the server's HTTP
// API only: it links none of the server's code, and the HTTP client stays in its source.
#include <cstdint>
#include <functional>
#include <string>

#include "dispatch/center.hpp"
#include "dispatch/errors.hpp"

namespace gridkeeper::demo {

struct SimulatorOptions {
  std::string url = "http://127.0.0.1:8080";
  double cases_per_minute = 6;
  double seconds = 0;  // how long to run; 0: until stop_requested
  std::uint64_t seed = 1;
  std::string operator_username = "operator";
  std::string password;  // of the operator and of every worker
  // The login of the worker with this id.
  std::function<std::string(const std::string& worker_id)> worker_username;
  // What a new case says, at a point of the city.
  std::function<dispatch::IntakeRequest(double lon, double lat)> write_case;
  double late_share = 0.2;  // cases a worker lets run past a deadline
  // How much faster than in life the simulated people react (deadlines keep their time).
  double speed = 1;
  // Polled several times a second; true ends the run.
  std::function<bool()> stop_requested;
  std::function<void(const std::string& line)> log;  // what happens, one line each
};

struct SimulatorReport {
  std::size_t cases = 0, accepted = 0, resolved = 0, closed = 0, late = 0, picked_up = 0;
  std::size_t failures = 0;  // requests the server refused or did not answer
  std::string last_failure;
};

// Runs until `seconds` have passed or a stop is requested. An error when the server
// cannot be reached or the operator cannot log in at the start.
dispatch::Result<SimulatorReport> run_simulator(const SimulatorOptions& options);

}  // namespace gridkeeper::demo
