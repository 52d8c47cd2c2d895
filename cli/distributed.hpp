#pragma once
// Spreading a sweep's runs, a run's replicates, or a calibration
// generation's particles, over MPI ranks (when ppisim is built with Open MPI
// and started by mpirun). Rank 0 hands out runs one at a time to whichever
// rank asks (dynamic: fast and slow runs balance themselves) and writes every
// result to the journal; the other ranks only compute. Each run depends only
// on its number (and, for a calibration, on the previous generation, which
// rank 0 broadcasts), so the results equal a one-process run.
//
// A signal to any rank stops them all: a signalled worker reports it, rank
// 0 then halts every run in progress (each stops within a simulated day),
// journals what did finish, and every rank throws sim::Interrupted, so rank
// 0 can print the resume command. mpirun passes SIGINT and SIGTERM on to
// every rank as SIGTERM, and kills them a second later: well after they
// have stopped.
#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace cli {

class Distributed {
 public:
  Distributed(int& argc, char**& argv);  // MPI_Init when started by mpirun
  ~Distributed();
  Distributed(const Distributed&) = delete;
  Distributed& operator=(const Distributed&) = delete;

  [[nodiscard]] static bool active();  // more than one rank
  // Ends every rank: a failure on one must not leave the others waiting.
  [[noreturn]] static void abort(int exit_code);
  [[nodiscard]] static int rank();
  [[nodiscard]] static int size();

  // Rank 0: hands out `todo` and passes each result to `record` (on rank 0);
  // throws sim::Interrupted once every rank has stopped, when `stop` was
  // raised here or any rank reported a signal. `on_stopping` is called as
  // soon as that is noticed: mpirun allows its ranks only a second.
  static void coordinate(const std::vector<std::uint64_t>& todo, std::size_t values_per_run,
                         const std::function<void(std::uint64_t run, std::span<const double> values)>& record,
                         const std::function<void(std::uint64_t done)>& on_progress, const std::atomic<bool>& stop,
                         const std::function<void()>& on_stopping);
  // Other ranks: compute runs until told to stop. `compute` must give up
  // (throw sim::Interrupted) soon after `halt` is raised. Throws
  // sim::Interrupted when the sweep was stopped by a signal to any rank.
  static void work(std::size_t values_per_run,
                   const std::function<std::vector<double>(std::uint64_t run, const std::atomic<bool>& halt)>& compute,
                   const std::atomic<bool>& stop);
  // Every rank: `values` (the same size on every rank) becomes rank 0's.
  static void broadcast(std::vector<double>& values);
};

}  // namespace cli
