#pragma once
// Keyed random streams. Every draw is a pure function of
// (seed, stream, agent, day, draw index) computed by the Philox4x32-10
// counter-based generator (Salmon et al., SC'11). Nothing is carried from one
// draw to the next, so results do not depend on thread count or on the order
// in which agents are visited, and two scenarios run with one seed share
// their random numbers (common random numbers).
#include <array>
#include <cstddef>
#include <cstdint>

namespace sim {

using Counter = std::array<std::uint32_t, 4>;
using Key = std::array<std::uint32_t, 2>;

// The Philox4x32 bijection with 10 rounds: 4 words of output per counter.
// Inline: the feeding step draws one block per breastfeeding mother per day,
// and an out-of-line call was a fifth of a town run's instructions.
inline constexpr std::uint32_t kPhiloxMultiplier0 = 0xD2511F53, kPhiloxMultiplier1 = 0xCD9E8D57;
inline constexpr std::uint32_t kPhiloxWeyl0 = 0x9E3779B9, kPhiloxWeyl1 = 0xBB67AE85;
inline Counter philox4x32(Counter counter, Key key) {
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t product0 = std::uint64_t{kPhiloxMultiplier0} * counter[0];
    const std::uint64_t product1 = std::uint64_t{kPhiloxMultiplier1} * counter[2];
    counter = {static_cast<std::uint32_t>(product1 >> 32) ^ counter[1] ^ key[0], static_cast<std::uint32_t>(product1),
               static_cast<std::uint32_t>(product0 >> 32) ^ counter[3] ^ key[1], static_cast<std::uint32_t>(product0)};
    key[0] += kPhiloxWeyl0;
    key[1] += kPhiloxWeyl1;
  }
  return counter;
}

// A uniform double in [0, 1) from two 32-bit words (53 bits of precision).
inline double to_unit_interval(std::uint32_t high, std::uint32_t low) {
  const std::uint64_t bits = (std::uint64_t{high} << 21) ^ (std::uint64_t{low} >> 11);
  return static_cast<double>(bits & ((std::uint64_t{1} << 53) - 1)) * 0x1.0p-53;
}

// Mixes a 64-bit value (SplitMix64 finaliser); used to derive seeds.
std::uint64_t mix64(std::uint64_t value);

// The seed of replicate `replicate` of a run with base seed `seed`. Replicate r
// of two scenarios with the same base seed get the same random numbers.
std::uint64_t replicate_seed(std::uint64_t seed, std::uint64_t replicate);

// The draws of one (stream, agent, day): a short sequence of uniforms, each
// one a fixed position in the keyed sequence.
class Draws {
 public:
  // `slot` separates several independent sequences of one (stream, agent, day),
  // e.g. two contacts of one mother on one day; each slot has 65,536 blocks.
  Draws(Key key, std::uint32_t stream, std::uint32_t agent, std::uint32_t day, std::uint16_t slot = 0)
      : key_(key), stream_(stream), agent_(agent), day_(day), block_(std::uint32_t{slot} << 16) {}

  // The next uniform in [0, 1).
  double uniform() {
    if (next_word_ > 2) refill();
    const double u = to_unit_interval(words_[next_word_], words_[next_word_ + 1]);
    next_word_ += 2;
    return u;
  }
  // True with probability p.
  bool bernoulli(double p) { return uniform() < p; }
  // A whole number in [0, n).
  std::uint32_t below(std::uint32_t n);
  // A standard normal deviate (Box–Muller).
  double normal();
  // A Poisson count with mean `mean` (inversion for small means, PTRS
  // transformed rejection (Hörmann 1993) for large ones).
  std::uint64_t poisson(double mean);

 private:
  friend class DrawsBatch;
  // Draws whose first block (block `slot << 16`) was computed already, by DrawsBatch.
  Draws(Key key, std::uint32_t stream, std::uint32_t agent, std::uint32_t day, std::uint16_t slot, const Counter& first_block)
      : key_(key), stream_(stream), agent_(agent), day_(day), block_((std::uint32_t{slot} << 16) + 1),
        words_(first_block), next_word_(0) {}

  void refill() {
    // Counter layout: agent, day, stream, and a block number for longer sequences.
    words_ = philox4x32({agent_, day_, stream_, block_++}, key_);
    next_word_ = 0;
  }

  Key key_;
  std::uint32_t stream_, agent_, day_;
  std::uint32_t block_;  // which Philox block of this (stream, agent, day): slot << 16, then counting
  Counter words_{};
  int next_word_ = 4;  // index into words_; 4 means empty
};

// The generator of one run: a key from the run's seed, streams by number.
class RandomStreams {
 public:
  explicit RandomStreams(std::uint64_t seed)
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)} {}

  [[nodiscard]] Draws draws(std::uint32_t stream, std::uint32_t agent, std::uint32_t day, std::uint16_t slot = 0) const {
    return Draws(key_, stream, agent, day, slot);
  }
  // The first uniform of (stream, agent, day, slot): the common case, one draw.
  [[nodiscard]] double uniform(std::uint32_t stream, std::uint32_t agent, std::uint32_t day, std::uint16_t slot = 0) const {
    const Counter words = philox4x32({agent, day, stream, std::uint32_t{slot} << 16}, key_);
    return to_unit_interval(words[0], words[1]);
  }

 private:
  friend class DrawsBatch;
  Key key_;
};

// The draws of up to kCapacity agents on one (stream, day, slot), their first
// Philox blocks generated together so that the rounds vectorise across agents
// (SIMD where the CPU has it). For a loop that draws for most agents every day
// (the feeding step) this costs a fraction of one block at a time. Each
// agent's draws are exactly RandomStreams::draws(stream, agent, day, slot):
// still keyed, never dependent on which other agents share the batch.
class DrawsBatch {
 public:
  static constexpr std::size_t kCapacity = 64;

  DrawsBatch(const RandomStreams& streams, std::uint32_t stream, std::uint32_t day, std::uint16_t slot = 0)
      : key_(streams.key_), stream_(stream), day_(day), slot_(slot) {}

  // Queues an agent (at most kCapacity between clears); its draws are draws(size() - 1) after generate().
  void add(std::uint32_t agent) { agents_[size_++] = agent; }
  // Queues the agent only if `wanted`, without a branch: for loops that pick
  // agents at random-looking points. Counts towards kCapacity either way.
  void add_if(bool wanted, std::uint32_t agent) {
    agents_[size_] = agent;
    size_ += wanted;
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool full() const { return size_ == kCapacity; }
  // Computes the first block of every queued agent.
  void generate();
  // The draws of the position-th queued agent, once generated.
  [[nodiscard]] Draws draws(std::size_t position) const {
    const Counter first_block{words_[0][position], words_[1][position], words_[2][position], words_[3][position]};
    return Draws(key_, stream_, agents_[position], day_, slot_, first_block);
  }
  void clear() { size_ = 0; }

 private:
  Key key_;
  std::uint32_t stream_, day_;
  std::uint16_t slot_;
  std::size_t size_ = 0;
  std::array<std::uint32_t, kCapacity> agents_{};
  std::array<std::array<std::uint32_t, kCapacity>, 4> words_{};  // word w of agent j's first block: words_[w][j]
};

}  // namespace sim
