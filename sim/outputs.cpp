#include "sim/outputs.hpp"

#include <stdexcept>

namespace sim {

static std::size_t add_unique(std::vector<OutputSpec>& specs, std::map<std::string, std::size_t>& index,
                              OutputSpec spec) {
  if (spec.name.empty() || spec.unit.empty() || spec.description.empty())
    throw std::logic_error("output '" + spec.name + "' needs a name, a unit and a description");
  if (!index.emplace(spec.name, specs.size()).second) throw std::logic_error("output '" + spec.name + "' declared twice");
  specs.push_back(std::move(spec));
  return specs.size() - 1;
}

std::size_t OutputCatalog::add_series(OutputSpec spec) { return add_unique(series_, series_index_, std::move(spec)); }
std::size_t OutputCatalog::add_summary(OutputSpec spec) {
  return add_unique(summaries_, summary_index_, std::move(spec));
}

std::size_t OutputCatalog::add_series_mean(OutputSpec spec, const std::string& series, double scale) {
  const auto from = series_index(series);
  const auto summary = add_summary(std::move(spec));
  series_means_.push_back({summary, from, scale});
  return summary;
}

static std::size_t lookup(const std::map<std::string, std::size_t>& index, const std::string& name) {
  const auto found = index.find(name);
  if (found == index.end()) throw std::out_of_range("no output named '" + name + "'");
  return found->second;
}

std::size_t OutputCatalog::series_index(const std::string& name) const { return lookup(series_index_, name); }
std::optional<std::size_t> OutputCatalog::find_series(const std::string& name) const {
  const auto found = series_index_.find(name);
  return found == series_index_.end() ? std::nullopt : std::optional(found->second);
}
std::size_t OutputCatalog::summary_index(const std::string& name) const { return lookup(summary_index_, name); }

}  // namespace sim
