#pragma once
// Events scheduled ahead instead of checked every day: lists of the items
// due on each of the next days (a ring of per-day lists), and the inversion
// that draws the day an event with known daily hazards first happens.
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace sim {

template <class Item>
class DayCalendar {
 public:
  // Room for items due up to `horizon` days after the day last taken.
  void reset(std::size_t horizon) { days_.assign(horizon + 1, {}); }

  void schedule(int day, Item item) { days_[slot(day)].push_back(std::move(item)); }

  // The items due on `day`, handed over with their list's memory: a list that
  // kept the most it ever held would keep every day's peak resident.
  [[nodiscard]] std::vector<Item> take(int day) { return std::exchange(days_[slot(day)], {}); }

 private:
  [[nodiscard]] std::size_t slot(int day) const { return static_cast<std::size_t>(day) % days_.size(); }
  std::vector<std::vector<Item>> days_;
};

// cumulative[a]: the sum of an event's daily hazards -log(1 - chance) up to
// day a. The first day a > after on which the event happens, when each day's
// chance is independent of the others', is the first at which the hazard
// since `after` reaches a standard exponential draw, and never a day with no
// hazard (a draw of exactly 0 would otherwise take the next day, chance or
// not); cumulative.size() when that is beyond the table.
[[nodiscard]] inline std::size_t first_day_reaching(const std::vector<double>& cumulative, std::size_t after,
                                                    double exponential) {
  if (after + 1 >= cumulative.size()) return cumulative.size();
  const double reached = cumulative[after];
  const auto first = cumulative.begin() + static_cast<std::ptrdiff_t>(after + 1);
  const auto by_draw = std::lower_bound(first, cumulative.end(), reached + exponential);
  const auto with_hazard = std::upper_bound(first, cumulative.end(), reached);
  return static_cast<std::size_t>(std::max(by_draw, with_hazard) - cumulative.begin());
}

}  // namespace sim
