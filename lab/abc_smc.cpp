#include "lab/abc_smc.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>

#include "sim/errors.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

namespace lab {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kZ975 = 1.959963984540054;  // the standard normal's 97.5% point
constexpr std::uint16_t kProposalSlot = 0;

double transform(const AbcTarget& target, double value) { return target.log_scale ? std::log(value) : value; }

// The simulation seed of attempt `attempt` of particle `particle` of generation `generation`.
std::uint64_t attempt_seed(std::uint64_t seed, std::uint64_t generation, std::uint64_t particle, std::uint64_t attempt) {
  return sim::mix64(sim::mix64(sim::mix64(sim::mix64(seed ^ 0xABC5C0FFEEULL) ^ generation) ^ particle) ^ attempt);
}

// The previous generation as a proposal: ancestors by weight, then the kernel.
struct Proposal {
  Eigen::MatrixXd ancestors;  // particles x parameters
  std::vector<double> cumulative;  // cumulative weights
  std::vector<double> log_weights;
  Eigen::MatrixXd kernel_factor;  // L with L L^T = 2 Cov
  Eigen::LLT<Eigen::MatrixXd> kernel;
  Eigen::MatrixXd whitened_ancestors;  // L^-1 theta_j, one column per ancestor

  explicit Proposal(const Generation& previous) : ancestors(particle_matrix(previous)) {
    cumulative.resize(previous.weights.size());
    std::partial_sum(previous.weights.begin(), previous.weights.end(), cumulative.begin());
    for (const double w : previous.weights) log_weights.push_back(std::log(w));
    Eigen::MatrixXd covariance = 2.0 * weighted_covariance(ancestors, previous.weights);
    kernel.compute(covariance);
    // Written so that a NaN (weights of a broken model) fails the check too.
    if (kernel.info() != Eigen::Success || !(kernel.matrixL().toDenseMatrix().diagonal().array() > 0.0).all())
      throw sim::RuntimeFailure("ABC-SMC: the population collapsed (its covariance is singular); widen the priors or "
                                "raise the final tolerance");
    kernel_factor = kernel.matrixL();
    whitened_ancestors = kernel.matrixL().solve(ancestors.transpose());
  }

  [[nodiscard]] std::size_t ancestor(double u) const {
    const double target = u * cumulative.back();
    const auto found = std::upper_bound(cumulative.begin(), cumulative.end(), target);
    return std::min(static_cast<std::size_t>(found - cumulative.begin()), cumulative.size() - 1);
  }

  // log sum_j w_j K(theta | theta_j), up to the kernel's constant (which cancels on normalising).
  [[nodiscard]] double log_mixture_density(const Eigen::VectorXd& theta) const {
    const auto n = ancestors.rows();
    // (theta - theta_j)' Cov^-1 (theta - theta_j) = |L^-1 theta - L^-1 theta_j|^2: one solve, not n.
    const Eigen::VectorXd whitened = kernel.matrixL().solve(theta);
    const Eigen::VectorXd mahalanobis = (whitened_ancestors.colwise() - whitened).colwise().squaredNorm().transpose();
    std::vector<double> terms(static_cast<std::size_t>(n));
    double largest = -kInfinity;
    for (Eigen::Index j = 0; j < n; ++j) {
      terms[static_cast<std::size_t>(j)] = log_weights[static_cast<std::size_t>(j)] - 0.5 * mahalanobis[j];
      largest = std::max(largest, terms[static_cast<std::size_t>(j)]);
    }
    double sum = 0.0;
    for (const double term : terms) sum += std::exp(term - largest);
    return largest + std::log(sum);
  }
};

double log_prior(const std::vector<Prior>& priors, const std::vector<double>& theta) {
  double total = 0.0;
  for (std::size_t p = 0; p < priors.size(); ++p) total += std::log(priors[p].density(theta[p]));
  return total;
}

// Runs body(i) for every i < count on `threads` threads, in any order, while
// the calling thread reports progress; rethrows the first failure.
void for_each_particle(std::size_t count, int threads, const std::function<void(std::size_t)>& body,
                       const std::function<void()>& report) {
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> running{0};
  std::exception_ptr failure;
  std::mutex mutex;
  std::condition_variable finished;
  std::atomic<bool> failed{false};
  const auto worker = [&] {
    for (std::size_t i = next++; i < count && !failed.load(); i = next++) {
      try {
        body(i);
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        failed.store(true);
      }
    }
    const std::lock_guard lock(mutex);
    --running;
    finished.notify_all();
  };
  const auto workers = static_cast<std::size_t>(std::max(1, threads));
  running = workers;
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < workers; ++t) pool.emplace_back(worker);
  {
    std::unique_lock lock(mutex);
    while (running.load() > 0) {
      finished.wait_for(lock, std::chrono::milliseconds(200));
      lock.unlock();
      if (report) report();
      lock.lock();
    }
  }
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

class Sampler {
 public:
  Sampler(const std::vector<Prior>& priors, const std::vector<AbcTarget>& targets, const AbcModel& model,
          const AbcSettings& settings)
      : priors_(priors), targets_(targets), model_(model), settings_(settings),
        key_{static_cast<std::uint32_t>(settings.seed), static_cast<std::uint32_t>(settings.seed >> 32)},
        limit_(attempt_limit(settings.stop)) {}

  AbcResult run() {
    AbcResult result;
    const auto& stop = settings_.stop;
    for (std::size_t g = 0; g < stop.max_generations; ++g) {
      const double tolerance = g == 0 ? kInfinity : next_tolerance(result.generations.back());
      const std::optional<Proposal> proposal =
          g == 0 ? std::nullopt : std::optional<Proposal>(std::in_place, result.generations.back());
      Generation generation = run_generation(g, tolerance, proposal ? &*proposal : nullptr, result);
      if (!generation.complete) {
        result.stop_reason = "generation " + std::to_string(g) + " gave up: a particle needed more than " +
                             std::to_string(limit_) + " attempts (acceptance below the minimum)";
        result.generations.push_back(std::move(generation));
        break;
      }
      result.generations.push_back(std::move(generation));
      const auto& done = result.generations.back();
      if (done.tolerance <= stop.final_tolerance) {
        result.stop_reason = "reached the final tolerance";
        break;
      }
      if (done.acceptance_rate < stop.min_acceptance) {
        result.stop_reason = "acceptance rate fell below the minimum";
        break;
      }
      if (g > 0 && next_tolerance(done) >= done.tolerance) {
        result.stop_reason = "the tolerance stopped falling";
        break;
      }
      if (g + 1 == stop.max_generations) result.stop_reason = "reached the maximum number of generations";
    }
    predict(result);
    return result;
  }

 private:
  // The quantile of the previous distances; if ties hold it at the previous
  // tolerance (a discrete output, many exact distances), the largest distance
  // below it, so that the tolerance keeps falling while it can.
  [[nodiscard]] double next_tolerance(const Generation& previous) const {
    std::vector<double> distances;
    for (const auto& particle : previous.particles) distances.push_back(particle.distance);
    const std::vector<double> equal(distances.size(), 1.0);
    double next = weighted_quantile(distances, equal, settings_.quantile);
    if (next >= previous.tolerance) {
      double below = -kInfinity;
      for (const double distance : distances)
        if (distance < previous.tolerance) below = std::max(below, distance);
      if (below > -kInfinity) next = below;
    }
    // Every simulation undefined (NaN targets: infinite distances): no tolerance can be chosen, and
    // accepting them all would return the prior as if it were a posterior.
    if (std::isinf(next))
      throw sim::RuntimeFailure("ABC-SMC: every simulation of the last generation left a target undefined (e.g. a risk "
                                "ratio whose control risk is 0); check the targets and scenarios");
    return std::max(settings_.stop.final_tolerance, next);
  }

  Particle propose_and_simulate(std::size_t g, std::size_t i, double tolerance, const Proposal* proposal) const {
    Particle particle;
    const auto d = priors_.size();
    std::vector<double> theta(d);
    for (std::uint64_t attempt = 0; attempt < limit_; ++attempt) {
      if (settings_.interrupt && settings_.interrupt->load()) throw sim::Interrupted();
      particle.attempts = attempt + 1;
      sim::Draws draws(key_, static_cast<std::uint32_t>(attempt), static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(g),
                       kProposalSlot);
      if (!proposal) {
        for (std::size_t p = 0; p < d; ++p) theta[p] = priors_[p].quantile(draws.uniform());
      } else {
        const auto ancestor = proposal->ancestor(draws.uniform());
        Eigen::VectorXd z(static_cast<Eigen::Index>(d));
        for (Eigen::Index p = 0; p < z.size(); ++p) z[p] = draws.normal();
        const Eigen::VectorXd moved =
            proposal->ancestors.row(static_cast<Eigen::Index>(ancestor)).transpose() + proposal->kernel_factor * z;
        for (std::size_t p = 0; p < d; ++p) theta[p] = moved[static_cast<Eigen::Index>(p)];
        bool inside = true;
        for (std::size_t p = 0; p < d; ++p) inside = inside && priors_[p].density(theta[p]) > 0.0;
        if (!inside) continue;  // zero prior density: no simulation, the next attempt
      }
      const Simulated simulated = model_(theta, attempt_seed(settings_.seed, g, i, attempt));
      const double distance = abc_distance(targets_, simulated.values);
      if (g == 0 || distance <= tolerance) {  // generation 0 is the prior itself: every draw, even an undefined one
        particle.theta = theta;
        particle.simulated = simulated.values;
        particle.distance = distance;
        particle.noise = abc_noise(targets_, simulated);
        particle.accepted = true;
        return particle;
      }
    }
    particle.theta = theta;
    particle.simulated.assign(targets_.size(), std::nan(""));  // a record's fixed shape
    particle.distance = kInfinity;
    particle.noise = std::nan("");
    return particle;
  }

  Generation run_generation(std::size_t g, double tolerance, const Proposal* proposal, const AbcResult& result) {
    const auto start = std::chrono::steady_clock::now();
    const std::size_t n = settings_.population;
    Generation generation;
    generation.tolerance = tolerance;
    generation.particles.resize(n);
    std::atomic<std::size_t> done{0};
    std::atomic<std::uint64_t> attempts{0};
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < n; ++i) {
      if (auto recorded = settings_.recorded ? settings_.recorded(g, i) : std::nullopt) {
        generation.particles[i] = std::move(*recorded);
        ++done;
        attempts += generation.particles[i].attempts;
      } else {
        missing.push_back(i);
      }
    }
    std::mutex record_mutex;
    const double previous_ess = result.generations.empty() ? 0.0 : result.generations.back().ess;
    const double previous_acceptance = result.generations.empty() ? 1.0 : result.generations.back().acceptance_rate;
    const double previous_noise = result.generations.empty() ? std::nan("") : median_noise(result.generations.back());
    const auto deliver = [&](std::size_t i, Particle&& particle) {
      attempts += particle.attempts;
      {
        const std::lock_guard lock(record_mutex);
        if (settings_.record) settings_.record(g, i, particle);
      }
      generation.particles[i] = std::move(particle);
      ++done;
    };
    const auto compute = [&](std::size_t i) { return propose_and_simulate(g, i, tolerance, proposal); };
    const auto report = [&] {
      if (settings_.progress)
        settings_.progress({g, tolerance, done.load(), attempts.load(), previous_ess, previous_acceptance, previous_noise});
    };
    compute_missing(missing, compute, deliver, report, generation.particles);
    generation.attempts = 0;
    for (const auto& particle : generation.particles) generation.attempts += particle.attempts;
    generation.complete = std::all_of(generation.particles.begin(), generation.particles.end(),
                                      [](const Particle& particle) { return particle.accepted; });
    generation.acceptance_rate = static_cast<double>(n) / static_cast<double>(generation.attempts);
    if (generation.complete) weigh(generation, proposal);
    generation.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return generation;
  }

  void weigh(Generation& generation, const Proposal* proposal) const {
    const std::size_t n = generation.particles.size();
    std::vector<double> log_weights(n, 0.0);
    if (proposal) {
      for (std::size_t i = 0; i < n; ++i) {
        const auto& theta = generation.particles[i].theta;
        const Eigen::Map<const Eigen::VectorXd> vector(theta.data(), static_cast<Eigen::Index>(theta.size()));
        log_weights[i] = log_prior(priors_, theta) - proposal->log_mixture_density(vector);
      }
    }
    const double largest = *std::max_element(log_weights.begin(), log_weights.end());
    generation.weights.resize(n);
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += generation.weights[i] = std::exp(log_weights[i] - largest);
    for (auto& weight : generation.weights) weight /= sum;
    generation.ess = effective_sample_size(generation.weights);
  }

  // One fresh simulation of every posterior particle, as generation `max_generations`.
  void predict(AbcResult& result) const {
    const auto& posterior = result.posterior();
    const std::size_t g = settings_.stop.max_generations;  // a generation number no sampling step uses
    const std::size_t n = posterior.particles.size();
    result.predictive.assign(n, {});
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < n; ++i) {
      if (auto recorded = settings_.recorded ? settings_.recorded(g, i) : std::nullopt)
        result.predictive[i] = recorded->simulated;
      else
        missing.push_back(i);
    }
    std::mutex record_mutex;
    std::atomic<std::size_t> done{n - missing.size()};
    std::vector<Particle> fresh(n);
    for (std::size_t i = 0; i < n; ++i)
      if (!result.predictive[i].empty()) fresh[i] = {posterior.particles[i].theta, result.predictive[i], 0.0, 0.0, 1, true};
    const auto compute = [&](std::size_t i) {
      if (settings_.interrupt && settings_.interrupt->load()) throw sim::Interrupted();
      Particle particle = posterior.particles[i];
      const Simulated simulated = model_(particle.theta, attempt_seed(settings_.seed, g, i, 0));
      particle.simulated = simulated.values;
      particle.distance = abc_distance(targets_, particle.simulated);
      particle.noise = abc_noise(targets_, simulated);
      particle.attempts = 1;
      return particle;
    };
    const auto deliver = [&](std::size_t i, Particle&& particle) {
      {
        const std::lock_guard lock(record_mutex);
        if (settings_.record) settings_.record(g, i, particle);
      }
      fresh[i] = std::move(particle);
      ++done;
    };
    const auto report = [&] {
      if (settings_.progress)
        settings_.progress({g, posterior.tolerance, done.load(), done.load(), posterior.ess, posterior.acceptance_rate,
                            median_noise(posterior)});
    };
    compute_missing(missing, compute, deliver, report, fresh);
    for (std::size_t i = 0; i < n; ++i) result.predictive[i] = fresh[i].simulated;
  }

  // The missing particles, on this process's threads or (settings_.distribute) elsewhere.
  void compute_missing(const std::vector<std::size_t>& missing, const std::function<Particle(std::size_t)>& compute,
                       const std::function<void(std::size_t, Particle&&)>& deliver, const std::function<void()>& report,
                       std::vector<Particle>& particles) const {
    if (settings_.distribute) {
      settings_.distribute(missing, compute, deliver, report, particles);
      return;
    }
    for_each_particle(missing.size(), settings_.threads, [&](std::size_t k) { deliver(missing[k], compute(missing[k])); }, report);
  }

  const std::vector<Prior>& priors_;
  const std::vector<AbcTarget>& targets_;
  const AbcModel& model_;
  const AbcSettings& settings_;
  sim::Key key_;
  std::uint64_t limit_;
};

}  // namespace

const Generation& AbcResult::posterior() const {
  for (auto generation = generations.rbegin(); generation != generations.rend(); ++generation)
    if (generation->complete) return *generation;
  throw sim::RuntimeFailure("ABC-SMC: not even the prior generation completed");
}

std::vector<double> Particle::record() const {
  std::vector<double> values{accepted ? 1.0 : 0.0, static_cast<double>(attempts), distance, noise};
  values.insert(values.end(), theta.begin(), theta.end());
  values.insert(values.end(), simulated.begin(), simulated.end());
  return values;
}

Particle Particle::from_record(std::span<const double> values, std::size_t parameters) {
  Particle particle;
  particle.accepted = values[0] != 0.0;
  particle.attempts = static_cast<std::uint64_t>(values[1]);
  particle.distance = values[2];
  particle.noise = values[3];
  const auto head = static_cast<std::ptrdiff_t>(kRecordHead), split = static_cast<std::ptrdiff_t>(kRecordHead + parameters);
  particle.theta.assign(values.begin() + head, values.begin() + split);
  particle.simulated.assign(values.begin() + split, values.end());
  return particle;
}

std::uint64_t attempt_limit(const StoppingRule& rule) {
  return static_cast<std::uint64_t>(std::ceil(20.0 / std::max(rule.min_acceptance, 1e-6)));
}

double abc_distance(const std::vector<AbcTarget>& targets, const std::vector<double>& simulated) {
  double sum = 0.0;
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const double difference = (transform(targets[k], simulated[k]) - transform(targets[k], targets[k].observed)) / targets[k].scale;
    if (!std::isfinite(difference)) return kInfinity;
    sum += difference * difference;
  }
  return std::sqrt(sum);
}

double abc_noise(const std::vector<AbcTarget>& targets, const Simulated& simulated) {
  double sum = 0.0;
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const double se = simulated.standard_errors.size() > k ? simulated.standard_errors[k] : std::nan("");
    // On the log scale, by the delta method: se(log x) = se(x) / x.
    const double on_scale = targets[k].log_scale ? se / std::abs(simulated.values[k]) : se;
    if (!std::isfinite(on_scale)) return std::nan("");
    sum += (on_scale / targets[k].scale) * (on_scale / targets[k].scale);
  }
  return std::sqrt(sum);
}

AbcResult run_abc_smc(const std::vector<Prior>& priors, const std::vector<AbcTarget>& targets, const AbcModel& model,
                      const AbcSettings& settings) {
  if (priors.empty()) throw sim::InputError("ABC-SMC needs at least one parameter");
  if (targets.empty()) throw sim::InputError("ABC-SMC needs at least one target");
  if (settings.population < 2) throw sim::InputError("ABC-SMC needs a population of at least 2");
  if (!(settings.quantile > 0.0 && settings.quantile < 1.0)) throw sim::InputError("ABC-SMC quantile must be between 0 and 1");
  return Sampler(priors, targets, model, settings).run();
}

Eigen::MatrixXd particle_matrix(const Generation& generation) {
  const auto n = static_cast<Eigen::Index>(generation.particles.size());
  const auto d = n == 0 ? Eigen::Index{0} : static_cast<Eigen::Index>(generation.particles.front().theta.size());
  Eigen::MatrixXd values(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index p = 0; p < d; ++p) values(i, p) = generation.particles[static_cast<std::size_t>(i)].theta[static_cast<std::size_t>(p)];
  return values;
}

double weighted_quantile(std::vector<double> values, std::vector<double> weights, double q) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  double cumulative = 0.0;
  for (const auto i : order) {
    cumulative += weights[i];
    if (cumulative >= q * total) return values[i];
  }
  return values[order.back()];
}

Eigen::VectorXd weighted_mean(const Eigen::MatrixXd& values, const std::vector<double>& weights) {
  const Eigen::Map<const Eigen::VectorXd> w(weights.data(), static_cast<Eigen::Index>(weights.size()));
  return values.transpose() * w / w.sum();
}

Eigen::MatrixXd weighted_covariance(const Eigen::MatrixXd& values, const std::vector<double>& weights) {
  const Eigen::Map<const Eigen::VectorXd> w(weights.data(), static_cast<Eigen::Index>(weights.size()));
  const Eigen::MatrixXd centred = values.rowwise() - weighted_mean(values, weights).transpose();
  return centred.transpose() * w.asDiagonal() * centred / w.sum();
}

double median_noise(const Generation& generation) {
  std::vector<double> noise;
  for (const auto& particle : generation.particles)
    if (std::isfinite(particle.noise)) noise.push_back(particle.noise);
  return noise.empty() ? std::nan("") : weighted_quantile(noise, std::vector<double>(noise.size(), 1.0), 0.5);
}

double effective_sample_size(const std::vector<double>& weights) {
  double sum = 0.0, squares = 0.0;
  for (const double w : weights) {
    sum += w;
    squares += w * w;
  }
  return sum * sum / squares;
}

double standard_error_of_interval(double low, double high, bool log_scale) {
  return log_scale ? (std::log(high) - std::log(low)) / (2.0 * kZ975) : (high - low) / (2.0 * kZ975);
}

}  // namespace lab
