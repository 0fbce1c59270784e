// gridkeeper simulate --url http://127.0.0.1:8080 --rate N [--seconds S] [--seed N]
// N cases a minute; stops after S seconds, or on SIGINT or SIGTERM.
#include <atomic>
#include <charconv>
#include <csignal>
#include <ctime>
#include <iostream>
#include <memory>
#include <mutex>

#include "app/cli.hpp"
#include "app/simulate.hpp"
#include "demo/cases.hpp"
#include "demo/database.hpp"

namespace gridkeeper::app {

namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void request_stop(int) { g_stop = 1; }

std::string local_time() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

std::uint64_t parse_seed(const std::optional<std::string>& text) {
  if (!text) return static_cast<std::uint64_t>(std::time(nullptr));
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size()) throw UsageError("--seed must be a whole number");
  return v;
}

}  // namespace

double parse_rate(const std::string& flag, const std::string& text) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !(v > 0) || v > 6000)
    throw UsageError(flag + " must be a number of cases a minute, above 0 and at most 6000");
  return v;
}

demo::SimulatorOptions demo_simulation(const std::string& url, double cases_per_minute, std::uint64_t seed,
                                       std::function<bool()> stop_requested) {
  demo::SimulatorOptions o;
  o.url = url;
  o.cases_per_minute = cases_per_minute;
  o.seed = seed;
  o.operator_username = "operator";
  o.password = std::string(demo::kDemoPassword);
  o.worker_username = [](const std::string& worker) { return demo::demo_worker_username(worker); };
  auto writer = std::make_shared<demo::DemoCaseWriter>(seed, 0.25);
  o.write_case = [writer](double lon, double lat) { return writer->write({lon, lat}, "翔安区"); };
  o.stop_requested = std::move(stop_requested);
  auto out = std::make_shared<std::mutex>();
  o.log = [out](const std::string& line) {
    std::lock_guard lock(*out);
    std::cout << local_time() << " simulate: " << line << std::endl;
  };
  return o;
}

int run_simulate(int argc, char** argv) {
  Args args(argc, argv, 2, {"--url", "--rate", "--seconds", "--seed"});
  if (!args.positionals().empty()) throw UsageError("simulate takes no positional arguments");
  const double rate = parse_rate("--rate", args.required("--rate"));
  double seconds = 0;
  if (auto s = args.get("--seconds")) {
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), seconds);
    if (ec != std::errc() || ptr != s->data() + s->size() || !(seconds > 0))
      throw UsageError("--seconds must be a positive number");
  }
  auto options = demo_simulation(args.get("--url").value_or("http://127.0.0.1:8080"), rate,
                                 parse_seed(args.get("--seed")), [] { return g_stop != 0; });
  options.seconds = seconds;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  auto report = demo::run_simulator(options);
  if (!report) {
    std::cerr << "gridkeeper simulate: " << report.error().message << "\n";
    return 1;
  }
  return 0;
}

}  // namespace gridkeeper::app
