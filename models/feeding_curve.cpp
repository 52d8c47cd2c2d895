#include "models/feeding_curve.hpp"

#include <array>
#include <cmath>

#include "models/declare.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"

namespace models {
namespace {

struct Knot {
  int age;
  const char* parameter;
};

constexpr std::array<Knot, 6> kExclusiveKnots{{{0, "feeding.exclusive_at_birth"},
                                               {kAge1Week, "feeding.exclusive_1w"},
                                               {kAge6Weeks, "feeding.exclusive_6w"},
                                               {kAge3Months, "feeding.exclusive_3m"},
                                               {kAge4Months, "feeding.exclusive_4m"},
                                               {kAge6Months, "feeding.exclusive_6m"}}};
constexpr std::array<Knot, 4> kAnyKnots{{{0, "feeding.initiation"},
                                         {kAge1Week, "feeding.any_1w"},
                                         {kAge6Weeks, "feeding.any_6w"},
                                         {kAge6Months, "feeding.any_6m"}}};

[[noreturn]] void impossible(const sim::ParameterSet& parameters, const char* parameter, const std::string& why) {
  throw sim::InputError(parameters.where(parameter), "key '" + std::string(parameter) + "': " + why);
}

// Two keys conflict: name both, and point at the one the user set.
[[noreturn]] void conflict(const sim::ParameterSet& parameters, const char* first, const char* second,
                           const std::string& why) {
  const bool first_is_default = parameters.where(first).file.empty();
  throw sim::InputError(parameters.where(first_is_default ? second : first),
                        "keys '" + std::string(first) + "' (" + sim::format_number(parameters.real(first)) +
                            ") and '" + second + "' (" + sim::format_number(parameters.real(second)) + "): " + why);
}

// Shares (exclusive, partial) at age `to`, from (e, p) at age `from`, with
// partial hazard `partial` on that stretch.
std::pair<double, double> advance(const FeedingCurve& curve, int from, int to, double e, double p, double partial) {
  for (int s = from + 1; s <= to; ++s) {
    const double leave = e * (1.0 - std::exp(-curve.exclusive_hazard[s]));
    const double stop = p * (1.0 - std::exp(-partial));
    e -= leave;
    p += leave * (1.0 - curve.exit_to_none) - stop;
  }
  return {e, p};
}

}  // namespace

FeedingCurve derive_feeding_curve(const sim::ParameterSet& parameters) {
  FeedingCurve curve;
  curve.initiation = parameters.real("feeding.initiation");
  curve.exclusive_at_birth = parameters.real("feeding.exclusive_at_birth");
  curve.exit_to_none = parameters.real("feeding.exclusive_exit_to_none");
  curve.exclusive_hazard.assign(kAge6Months + 1, 0.0);
  curve.partial_hazard.assign(kAge6Months + 1, 0.0);

  for (std::size_t k = 1; k < kExclusiveKnots.size(); ++k) {
    const double before = parameters.real(kExclusiveKnots[k - 1].parameter);
    const double after = parameters.real(kExclusiveKnots[k].parameter);
    if (after > before) impossible(parameters, kExclusiveKnots[k].parameter, "exclusive breastfeeding cannot rise with age");
    if (after <= 0.0) impossible(parameters, kExclusiveKnots[k].parameter, "must be above 0 (the hazard would be infinite)");
    const double hazard = std::log(before / after) / (kExclusiveKnots[k].age - kExclusiveKnots[k - 1].age);
    for (int s = kExclusiveKnots[k - 1].age + 1; s <= kExclusiveKnots[k].age; ++s) curve.exclusive_hazard[s] = hazard;
  }
  for (const auto& knot : kAnyKnots) {
    // Any breastfeeding includes exclusive at every age of the table.
    const auto age = knot.age;
    for (const auto& exclusive : kExclusiveKnots)
      if (exclusive.age == age && parameters.real(exclusive.parameter) > parameters.real(knot.parameter))
        conflict(parameters, exclusive.parameter, knot.parameter,
                 "exclusive breastfeeding cannot exceed any breastfeeding at the same age");
  }

  double e = curve.exclusive_at_birth;
  double p = curve.initiation - e;
  for (std::size_t k = 1; k < kAnyKnots.size(); ++k) {
    const int from = kAnyKnots[k - 1].age, to = kAnyKnots[k].age;
    const double target = parameters.real(kAnyKnots[k].parameter);
    const auto any_at_end = [&](double hazard) {
      const auto [e_end, p_end] = advance(curve, from, to, e, p, hazard);
      return e_end + p_end;
    };
    double low = 0.0, high = 10.0;
    if (any_at_end(low) < target - 1e-12)
      impossible(parameters, kAnyKnots[k].parameter,
                 "cannot be reached: mothers leaving exclusive breastfeeding who stop altogether already bring it "
                 "lower; lower feeding.exclusive_exit_to_none");
    if (any_at_end(high) > target)
      impossible(parameters, kAnyKnots[k].parameter, "falls too steeply from the previous age to be modelled");
    for (int iteration = 0; iteration < 200; ++iteration) {
      const double middle = 0.5 * (low + high);
      (any_at_end(middle) > target ? low : high) = middle;
    }
    const double hazard = 0.5 * (low + high);
    for (int s = from + 1; s <= to; ++s) curve.partial_hazard[s] = hazard;
    std::tie(e, p) = advance(curve, from, to, e, p, hazard);
  }
  return curve;
}

FeedingCurve::Shares FeedingCurve::expected_shares() const {
  Shares shares;
  double e = exclusive_at_birth, p = initiation - exclusive_at_birth;
  shares.any.push_back(e + p);
  shares.exclusive.push_back(e);
  for (int s = 1; s <= kAge6Months; ++s) {
    std::tie(e, p) = advance(*this, s - 1, s, e, p, partial_hazard[s]);
    shares.any.push_back(e + p);
    shares.exclusive.push_back(e);
  }
  return shares;
}

namespace {
const char* const kIfs2010 =
    "Infant Feeding Survey 2010 (McAndrew et al., Health and Social Care Information Centre, 2012), "
    "UK prevalence among all mothers";
}  // namespace

void declare_feeding_table(sim::ParameterRegistry& r) {
  using namespace declare;
  r.add(share("feeding.initiation", 0.81, "Share of mothers who start breastfeeding at birth", data(kIfs2010)));
  r.add(share("feeding.exclusive_at_birth", 0.69, "Share of all mothers breastfeeding exclusively at birth",
              data(kIfs2010)));
  r.add(share("feeding.any_1w", 0.69, "Share of all mothers breastfeeding at all at 1 week, under usual care",
              data(kIfs2010)));
  r.add(share("feeding.any_6w", 0.55, "Share of all mothers breastfeeding at all at 6 weeks, under usual care",
              data(kIfs2010)));
  r.add(share("feeding.any_6m", 0.34, "Share of all mothers breastfeeding at all at 6 months, under usual care",
              data(kIfs2010)));
  r.add(share("feeding.exclusive_1w", 0.46, "Share of all mothers breastfeeding exclusively at 1 week",
              data(kIfs2010)));
  r.add(share("feeding.exclusive_6w", 0.23, "Share of all mothers breastfeeding exclusively at 6 weeks",
              data(kIfs2010)));
  r.add(share("feeding.exclusive_3m", 0.17, "Share of all mothers breastfeeding exclusively at 3 months",
              data(kIfs2010)));
  r.add(share("feeding.exclusive_4m", 0.12, "Share of all mothers breastfeeding exclusively at 4 months",
              data(kIfs2010)));
  r.add(share("feeding.exclusive_6m", 0.01, "Share of all mothers breastfeeding exclusively at 6 months",
              data(kIfs2010 + std::string(" ('about 1%')"))));
  r.add(share("feeding.exclusive_exit_to_none", 0.1,
              "Of mothers who stop breastfeeding exclusively, the share who stop breastfeeding altogether that day "
              "(the rest add formula)",
              assumption("most mothers introduce formula before stopping; IFS reports no direct figure")));
}


}  // namespace models
