#include "cli/distributed.hpp"

#include <cstdlib>
#include <stdexcept>

#ifdef PPISIM_WITH_MPI
#include <mpi.h>
#endif

namespace cli {
namespace {

bool g_initialised = false;

#ifdef PPISIM_WITH_MPI
constexpr int kReady = 1, kRun = 2, kStop = 3, kResult = 4;

bool started_by_mpirun() { return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE"); }
#endif

}  // namespace

Distributed::Distributed([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#ifdef PPISIM_WITH_MPI
  if (started_by_mpirun()) {
    MPI_Init(&argc, &argv);
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
                             [[maybe_unused]] const std::function<void(std::uint64_t)>& on_progress) {
#ifdef PPISIM_WITH_MPI
  std::size_t next = 0, received = 0;
  int stopped = 0;
  std::vector<double> message(values_per_run + 1);  // run number, then its values
  while (stopped < size() - 1) {
    MPI_Status status;
    MPI_Recv(message.data(), static_cast<int>(message.size()), MPI_DOUBLE, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD,
             &status);
    if (status.MPI_TAG == kResult) {
      record(static_cast<std::uint64_t>(message[0]), std::span<const double>(message).subspan(1));
      on_progress(++received);
      continue;
    }
    // kReady: the next run, or stop.
    if (next < todo.size()) {
      const std::uint64_t run = todo[next++];
      MPI_Send(&run, 1, MPI_UINT64_T, status.MPI_SOURCE, kRun, MPI_COMM_WORLD);
    } else {
      const std::uint64_t none = 0;
      MPI_Send(&none, 1, MPI_UINT64_T, status.MPI_SOURCE, kStop, MPI_COMM_WORLD);
      ++stopped;
    }
  }
#else
  throw std::logic_error("ppisim was built without MPI");
#endif
}

void Distributed::work([[maybe_unused]] std::size_t values_per_run,
                       [[maybe_unused]] const std::function<std::vector<double>(std::uint64_t)>& compute) {
#ifdef PPISIM_WITH_MPI
  std::vector<double> message(values_per_run + 1);
  for (;;) {
    double ready = 0.0;
    MPI_Send(&ready, 1, MPI_DOUBLE, 0, kReady, MPI_COMM_WORLD);
    std::uint64_t run = 0;
    MPI_Status status;
    MPI_Recv(&run, 1, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    if (status.MPI_TAG == kStop) return;
    const auto values = compute(run);
    message[0] = static_cast<double>(run);  // run numbers stay far below 2^53
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
