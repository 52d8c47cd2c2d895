#include "lab/priors.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/errors.hpp"
#include "sim/parameters.hpp"

namespace lab {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The standard normal's distribution function and quantile, extended to +-inf.
double normal_cdf(double z) {
  if (z == -kInfinity) return 0.0;
  if (z == kInfinity) return 1.0;
  return boost::math::cdf(boost::math::normal_distribution<double>(), z);
}

}  // namespace

Prior Prior::uniform(double low, double high) {
  if (!(std::isfinite(low) && std::isfinite(high) && low < high)) throw sim::InputError("uniform prior needs finite low < high");
  return Prior{.kind = PriorKind::uniform, .low = low, .high = high};
}

Prior Prior::log_uniform(double low, double high) {
  if (!(low > 0.0 && std::isfinite(high) && low < high)) throw sim::InputError("log_uniform prior needs 0 < low < high");
  return Prior{.kind = PriorKind::log_uniform, .low = low, .high = high};
}

Prior Prior::truncated_normal(double mean, double sd, double low, double high) {
  if (!(std::isfinite(mean) && sd > 0.0 && std::isfinite(sd))) throw sim::InputError("truncated_normal prior needs a finite mean and sd > 0");
  if (!(low < high)) throw sim::InputError("truncated_normal prior needs low < high");
  // The truncation must keep some mass, or sampling by inversion divides by zero.
  const double mass = normal_cdf((high - mean) / sd) - normal_cdf((low - mean) / sd);
  if (!(mass > 1e-12)) throw sim::InputError("truncated_normal prior: [low, high] holds almost none of the normal's mass");
  return Prior{.kind = PriorKind::truncated_normal, .low = low, .high = high, .mean = mean, .sd = sd};
}

Prior Prior::beta_distribution(double alpha, double beta, double low, double high) {
  if (!(alpha > 0.0 && beta > 0.0 && std::isfinite(alpha) && std::isfinite(beta))) throw sim::InputError("beta prior needs alpha > 0 and beta > 0");
  if (!(std::isfinite(low) && std::isfinite(high) && low < high)) throw sim::InputError("beta prior needs finite low < high");
  return Prior{.kind = PriorKind::beta, .low = low, .high = high, .alpha = alpha, .beta = beta};
}

double Prior::density(double x) const {
  if (!contains(x) || std::isnan(x)) return 0.0;
  switch (kind) {
    case PriorKind::uniform:
      return 1.0 / (high - low);
    case PriorKind::log_uniform:
      return 1.0 / (x * std::log(high / low));
    case PriorKind::truncated_normal: {
      const double mass = normal_cdf((high - mean) / sd) - normal_cdf((low - mean) / sd);
      return boost::math::pdf(boost::math::normal_distribution<double>(mean, sd), x) / mass;
    }
    case PriorKind::beta: {
      const double width = high - low;
      const double unit = (x - low) / width;
      // Boost refuses the end points when alpha or beta < 1 (the density is infinite there).
      if ((unit == 0.0 && alpha < 1.0) || (unit == 1.0 && beta < 1.0)) return kInfinity;
      return boost::math::pdf(boost::math::beta_distribution<double>(alpha, beta), unit) / width;
    }
  }
  return 0.0;
}

double Prior::quantile(double u) const {
  switch (kind) {
    case PriorKind::uniform:
      return low + u * (high - low);
    case PriorKind::log_uniform:
      return low * std::exp(u * std::log(high / low));
    case PriorKind::truncated_normal: {
      const double lower = normal_cdf((low - mean) / sd), upper = normal_cdf((high - mean) / sd);
      const double p = lower + u * (upper - lower);
      if (p <= 0.0) return low;
      if (p >= 1.0) return high;
      const double x = mean + sd * boost::math::quantile(boost::math::normal_distribution<double>(), p);
      return std::clamp(x, low, high);  // rounding near a bound
    }
    case PriorKind::beta:
      return low + (high - low) * boost::math::quantile(boost::math::beta_distribution<double>(alpha, beta), u);
  }
  return low;
}

std::string Prior::describe() const {
  const auto n = [](double value) { return sim::format_number(value); };
  switch (kind) {
    case PriorKind::uniform:
      return "uniform [" + n(low) + ", " + n(high) + "]";
    case PriorKind::log_uniform:
      return "log_uniform [" + n(low) + ", " + n(high) + "]";
    case PriorKind::truncated_normal:
      return "truncated_normal(mean " + n(mean) + ", sd " + n(sd) + ") on [" + n(low) + ", " + n(high) + "]";
    case PriorKind::beta:
      return "beta(" + n(alpha) + ", " + n(beta) + ")" + (low == 0.0 && high == 1.0 ? "" : " on [" + n(low) + ", " + n(high) + "]");
  }
  return "";
}

std::string to_string(PriorKind kind) {
  switch (kind) {
    case PriorKind::uniform: return "uniform";
    case PriorKind::log_uniform: return "log_uniform";
    case PriorKind::truncated_normal: return "truncated_normal";
    case PriorKind::beta: return "beta";
  }
  return "";
}

}  // namespace lab
