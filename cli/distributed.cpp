#include "cli/distributed.hpp"

#include <chrono>
#include <cstdlib>
#include <future>
#include <stdexcept>
#include <thread>

#include "sim/simulation.hpp"

#ifdef PPISIM_WITH_MPI
#include <mpi.h>
#endif

namespace cli {
namespace {

bool g_initialised = false;

#ifdef PPISIM_WITH_MPI
// Worker to rank 0: ready for a run; a run's result; signalled (stopping).
// Rank 0 to a worker: a run; no more runs (0: done, 1: interrupted); halt the run in progress.
constexpr int kReady = 1, kRun = 2, kStop = 3, kResult = 4, kInterrupted = 5, kHalt = 6;
constexpr auto kPoll = std::chrono::microseconds(200);  // how often a waiting rank looks at its stop flag
constexpr int kPollsBeforeResting = 200;

bool started_by_mpirun() { return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE"); }

void send_word(std::uint64_t word, int to, int tag) { MPI_Send(&word, 1, MPI_UINT64_T, to, tag, MPI_COMM_WORLD); }

void tell_rank_0(int tag) {
  const double nothing = 0.0;
  MPI_Send(&nothing, 1, MPI_DOUBLE, 0, tag, MPI_COMM_WORLD);
}

// A worker waits for rank 0's answer; a halt for a run that has already
// ended crosses it and is dropped.
std::uint64_t answer_from_rank_0(int& tag) {
  for (;;) {
    std::uint64_t word = 0;
    MPI_Status status;
    MPI_Recv(&word, 1, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    if (status.MPI_TAG == kHalt) continue;
    tag = status.MPI_TAG;
    return word;
  }
}

// Tells rank 0 this worker was signalled, waits for its stop, and stops.
[[noreturn]] void report_interrupted() {
  tell_rank_0(kInterrupted);
  int tag = 0;
  (void)answer_from_rank_0(tag);
  throw sim::Interrupted();
}
#endif

}  // namespace

Distributed::Distributed([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#ifdef PPISIM_WITH_MPI
  if (started_by_mpirun()) {
    int provided = 0;  // workers compute on a second thread; only the main thread calls MPI
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    g_initialised = true;
  }
#endif
}

Distributed::~Distributed() {
#ifdef PPISIM_WITH_MPI
  if (g_initialised) MPI_Finalize();
#endif
}

int Distributed::rank() {
  int value = 0;
#ifdef PPISIM_WITH_MPI
  if (g_initialised) MPI_Comm_rank(MPI_COMM_WORLD, &value);
#endif
  return value;
}

int Distributed::size() {
  int value = 1;
#ifdef PPISIM_WITH_MPI
  if (g_initialised) MPI_Comm_size(MPI_COMM_WORLD, &value);
#endif
  return value;
}

bool Distributed::active() { return size() > 1; }

void Distributed::abort(int exit_code) {
#ifdef PPISIM_WITH_MPI
  if (g_initialised) MPI_Abort(MPI_COMM_WORLD, exit_code);
#endif
  std::exit(exit_code);
}

void Distributed::coordinate([[maybe_unused]] const std::vector<std::uint64_t>& todo,
                             [[maybe_unused]] std::size_t values_per_run,
                             [[maybe_unused]] const std::function<void(std::uint64_t, std::span<const double>)>& record,
                             [[maybe_unused]] const std::function<void(std::uint64_t)>& on_progress,
                             [[maybe_unused]] const std::atomic<bool>& stop,
                             [[maybe_unused]] const std::function<void()>& on_stopping) {
#ifdef PPISIM_WITH_MPI
  std::size_t next = 0, received = 0;
  int running = size() - 1;                         // workers not yet told to stop
  std::vector<bool> busy(static_cast<std::size_t>(size()), false);  // computing a run we handed out
  bool stopping = false;
  const auto stop_everyone = [&] {
    if (stopping) return;
    stopping = true;
    on_stopping();
    for (int worker = 1; worker < size(); ++worker)
      if (busy[static_cast<std::size_t>(worker)]) send_word(0, worker, kHalt);
  };
  std::vector<double> message(values_per_run + 1);  // run number, then its values
  int idle_polls = 0;
  while (running > 0) {
    if (stop.load()) stop_everyone();
    int arrived = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status);
    if (!arrived) {
      // Short runs answer within microseconds: look again at once a while, then rest (rank 0 only waits).
      if (++idle_polls < kPollsBeforeResting)
        std::this_thread::yield();
      else
        std::this_thread::sleep_for(kPoll);
      continue;
    }
    idle_polls = 0;
    MPI_Recv(message.data(), static_cast<int>(message.size()), MPI_DOUBLE, status.MPI_SOURCE, status.MPI_TAG,
             MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    const int worker = status.MPI_SOURCE;
    if (status.MPI_TAG == kResult) {  // finished, even if we are stopping: keep it
      busy[static_cast<std::size_t>(worker)] = false;
      record(static_cast<std::uint64_t>(message[0]), std::span<const double>(message).subspan(1));
      on_progress(++received);
    } else if (status.MPI_TAG == kInterrupted) {
      busy[static_cast<std::size_t>(worker)] = false;
      stop_everyone();
      send_word(1, worker, kStop);
      --running;
    } else if (!stopping && next < todo.size()) {  // kReady: the next run
      send_word(todo[next++], worker, kRun);
      busy[static_cast<std::size_t>(worker)] = true;
    } else {  // kReady: nothing more
      send_word(stopping ? 1 : 0, worker, kStop);
      --running;
    }
  }
  if (stopping) throw sim::Interrupted();
#else
  throw std::logic_error("ppisim was built without MPI");
#endif
}

void Distributed::work([[maybe_unused]] std::size_t values_per_run,
                       [[maybe_unused]] const std::function<std::vector<double>(std::uint64_t, const std::atomic<bool>&)>& compute,
                       [[maybe_unused]] const std::atomic<bool>& stop) {
#ifdef PPISIM_WITH_MPI
  std::vector<double> message(values_per_run + 1);
  for (;;) {
    if (stop.load()) report_interrupted();
    tell_rank_0(kReady);
    int tag = 0;
    const std::uint64_t word = answer_from_rank_0(tag);
    if (tag == kStop) {
      if (word == 1 || stop.load()) throw sim::Interrupted();
      return;
    }
    // The run computes on a second thread while this one watches for a
    // signal here and a halt from rank 0 (MPI calls stay on this thread).
    std::atomic<bool> halt{false};
    auto result = std::async(std::launch::async, [&] { return compute(word, halt); });
    while (result.wait_for(kPoll) != std::future_status::ready) {
      int arrived = 0;
      MPI_Iprobe(0, kHalt, MPI_COMM_WORLD, &arrived, MPI_STATUS_IGNORE);
      if (arrived) {
        std::uint64_t ignored = 0;
        MPI_Recv(&ignored, 1, MPI_UINT64_T, 0, kHalt, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      }
      if (arrived || stop.load()) halt.store(true);
    }
    std::vector<double> values;
    try {
      values = result.get();
    } catch (const sim::Interrupted&) {
      report_interrupted();
    }
    message[0] = static_cast<double>(word);  // run numbers stay far below 2^53
    std::copy(values.begin(), values.end(), message.begin() + 1);
    MPI_Send(message.data(), static_cast<int>(message.size()), MPI_DOUBLE, 0, kResult, MPI_COMM_WORLD);
  }
#else
  throw std::logic_error("ppisim was built without MPI");
#endif
}

void Distributed::broadcast([[maybe_unused]] std::vector<double>& values) {
#ifdef PPISIM_WITH_MPI
  if (g_initialised) MPI_Bcast(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
#endif
}

}  // namespace cli
