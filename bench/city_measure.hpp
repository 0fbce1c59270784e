#pragma once
// bench_city's measurements against the running server, and the table they make.
#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bench/city_build.hpp"

namespace gridkeeper::bench {

// The figures in the order they were measured, each with its goal; and the failed requests.
class Report {
 public:
  // `met`: whether the goal was met, when there is one to judge.
  void add(std::string key, std::string what, std::string value, std::string goal, std::optional<bool> met,
           boost::json::object fields);
  void note(std::string key, std::string text, boost::json::object fields) {
    add(std::move(key), "", std::move(text), "", std::nullopt, std::move(fields));
  }
  // The same failure again is counted, not repeated.
  void failure(const std::string& what);
  std::size_t failures() const;
  boost::json::object json() const;
  void print(std::ostream& out) const;

 private:
  struct Row {
    std::string key, what, value, goal;
    std::optional<bool> met;
    boost::json::object fields;
  };
  std::vector<Row> rows_;
  std::vector<std::pair<std::string, std::size_t>> failures_;  // what, how often
};

// Starts `gridkeeper serve` (`binary`) on `db`, built with `build`, measures it into
// `report` and stops it. Returns the number of failures.
struct MeasureOptions {
  int runs = 3;           // of each timed request
  int concurrent = 16;    // assessments at once
  int quarter_days = 91;  // the period of the quarter's reports
  std::string password;   // of the users bench_city adds
};
std::size_t measure_server(const std::string& binary, const std::string& db, const CityBuildOptions& build,
                           const MeasureOptions& options, const std::function<void(const std::string&)>& say,
                           Report& report);

}  // namespace gridkeeper::bench
