#pragma once
// Randomness and names for the demo city. The random numbers are drawn by hand from a
// 64-bit Mersenne Twister (whose output the standard fixes), not through <random>'s
// distributions (whose output it does not), so a seed gives the same city everywhere.
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace gridkeeper::demo {

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(uniform() * static_cast<double>(n)); }
  bool chance(double p) { return uniform() < p; }
  template <class T>
  const T& pick(const std::vector<T>& from) {
    return from[below(from.size())];
  }
  // An index drawn with probability proportional to its weight.
  std::size_t weighted(const std::vector<double>& weights);
  std::uint64_t next() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// A Chinese full name: surnames by their frequency in southern Fujian.
std::string person_name(Random& random);
// A place name for a community (…社区) or a village (…村), not in `taken`; added to it.
std::string place_name(Random& random, bool village, std::set<std::string>& taken);
// A road of the district, for case addresses.
std::string road_name(Random& random);
// The space-separated words of `text`.
std::vector<std::string> words(std::string_view text);

}  // namespace gridkeeper::demo
