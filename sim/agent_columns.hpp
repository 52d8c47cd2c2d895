#pragma once
// The columns of one kind of agent (structure of arrays), registered once,
// so that adding and removing agents is generic: a new column is declared
// with the value a new agent starts with, and every add and every removal
// of departed agents reaches it without being listed again. Modules may
// register columns of their own on the World's agents at initialize.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

namespace sim {

class AgentColumns {
 public:
  AgentColumns() = default;
  AgentColumns(const AgentColumns&) = delete;  // holds references to its owner's columns
  AgentColumns& operator=(const AgentColumns&) = delete;

  // Registers `column` (which must outlive this store), filled to the current
  // agent count with `initial`; every agent added later starts with `initial`.
  template <class T>
  void attach(std::vector<T>& column, T initial) {
    column.resize(count_, initial);
    column.reserve(reserved_);
    columns_.push_back({[&column, initial] { column.push_back(initial); },
                        [&column](std::size_t n) {
                          column.erase(column.begin(), column.begin() + static_cast<std::ptrdiff_t>(n));
                        },
                        [&column](std::size_t n) { column.reserve(n); },
                        [&column] { std::vector<T>().swap(column); }});
  }

  // Room for n agents in every column, and in every column attached later: a
  // store whose size is known ahead grows without doubling its columns (each
  // doubling leaves the old buffer to the allocator, where it stays resident).
  void reserve(std::size_t n) {
    reserved_ = std::max(reserved_, n);
    for (const auto& column : columns_) column.reserve(reserved_);
  }

  // One more agent: every column gets its initial value (the caller then sets what differs).
  void append() {
    for (const auto& column : columns_) column.append();
    ++count_;
  }

  // Removes the first `n` agents from every column.
  void erase_front(std::size_t n) {
    for (const auto& column : columns_) column.erase_front(n);
    count_ -= n;
  }

  // No agents left, and every column's memory given back (not only emptied:
  // clear() keeps the capacity): for a store no one reads any more.
  void release() {
    for (const auto& column : columns_) column.release();
    count_ = 0;
    reserved_ = 0;
  }

  [[nodiscard]] std::size_t count() const { return count_; }
  [[nodiscard]] std::size_t columns() const { return columns_.size(); }

 private:
  struct Column {
    std::function<void()> append;
    std::function<void(std::size_t)> erase_front;
    std::function<void(std::size_t)> reserve;
    std::function<void()> release;
  };
  std::vector<Column> columns_;
  std::size_t count_ = 0;
  std::size_t reserved_ = 0;
};

}  // namespace sim
