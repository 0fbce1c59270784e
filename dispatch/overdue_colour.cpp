#include "dispatch/overdue_colour.hpp"

namespace gridkeeper::dispatch {

std::optional<Urgency> overdue_colour_of(const Case& c) {
  if (!c.overdue) return std::nullopt;
  // A case stored before the colour was kept counts under its colour now.
  return c.overdue_colour.value_or(c.urgency);
}

bool overdue_longer(const Case& a, const Case& b) {
  // A case stored before the moment was kept sorts by its intake.
  const Millis ta = a.overdue_at.value_or(a.created_at), tb = b.overdue_at.value_or(b.created_at);
  if (ta != tb) return ta < tb;
  if (a.tier != b.tier) return static_cast<int>(a.tier) > static_cast<int>(b.tier);
  return a.id < b.id;
}

std::int64_t overdue_per_mille(std::int64_t overdue, std::int64_t open) {
  if (open <= 0 || overdue <= 0) return 0;
  if (overdue >= open) return 1000;
  return overdue * 1000 / open;
}

int overdue_step(std::int64_t overdue, std::int64_t open) {
  if (overdue <= 0 || open <= 0) return 0;
  const auto share = overdue_per_mille(overdue, open);
  int step = 1;
  for (const auto& s : kOverdueSteps)
    if (s.step > 0 && share >= s.min_per_mille) step = s.step;
  return step;
}

}  // namespace gridkeeper::dispatch
