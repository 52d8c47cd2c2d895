// Learning (F4): when a professional sees a mother whom a volunteer supports
// and trusts that volunteer above the threshold (she works "with" her), she
// learns about the volunteer's cultural group, the more the further her
// trust is above the threshold: the rate rises linearly from 0 at the
// threshold to learning.rate at full trust, so no outcome hangs on whether
// trust is just above or just below a default. Knowledge is read by
// professional_care on later days.
#include <algorithm>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "sim/statistics.hpp"

namespace models {
namespace {

struct LearningParameters {
  double threshold;  // learning.threshold
  double rate;  // learning.rate
  bool learns;   // mechanism switch
};

sim::ParameterBlock<LearningParameters> declare_learning_parameters() {
  using namespace declare;
  sim::ParameterBlock<LearningParameters> block;
  block.bind(&LearningParameters::threshold, share("learning.threshold", 0.5,
              "Trust in a volunteer above which a professional works 'with' her and learns from joint cases (the rate "
              "rises linearly from 0 here to learning.rate at full trust)",
              assumption("no data"), "F4"));
  block.bind(&LearningParameters::rate, share("learning.rate", 0.05,
              "Share of the gap to full cultural knowledge of a group learned per joint case with a fully trusted volunteer",
              assumption("no data"), "F4"));
  block.mechanism(&LearningParameters::learns,
                  {.name = "cultural_learning", .module = "learning", .finding = "F4",
                   .what = "professionals who trust a volunteer learn her cultural group's knowledge in joint cases",
                   .knocked_out = "professionals' cultural knowledge stays at zero"});
  return block;
}

const sim::ParameterBlock<LearningParameters>& learning_parameters() {
  static const sim::ParameterBlock<LearningParameters> block = declare_learning_parameters();
  return block;
}


class Learning final : public sim::Module {
 public:
  explicit Learning(World& world)
      : Module({.name = "learning",
                .purpose = "professionals who trust a volunteer learn her cultural knowledge in joint cases (F4)",
                .reads = {"today.joint_contacts", "trust", "volunteers.culture"},
                .writes = {"professionals.knowledge", "today.joint_supports", "today.knowledge_transfers"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("joint_supports"), c.series_index("knowledge_transfers"), c.series_index("prof_cultural_knowledge")};
    const auto values = learning_parameters().read(context.parameters());
    threshold_ = values.threshold;
    rate_ = values.rate;
    learns_ = values.learns;
  }

  void on_record(sim::RunContext& context) override {
    context.record(series_.joint, world_.today.joint_supports);
    context.record(series_.transfers, world_.today.knowledge_transfers);
    const auto& knowledge = world_.professionals.knowledge;
    sim::RunningMean mean;
    for (std::size_t k = 0; k < world_.professionals.count(); ++k) {
      double known = 0.0;
      for (std::size_t g = 0; g < world_.groups; ++g) known += knowledge[k * world_.groups + g];
      mean.add(known / static_cast<double>(world_.groups));
    }
    context.record(series_.knowledge, mean.value());
  }

  void on_step(sim::RunContext&) override {
    auto& knowledge = world_.professionals.knowledge;
    for (const auto& [professional, volunteer] : world_.today.joint_contacts) {
      ++world_.today.joint_supports;
      const double working_with =
          threshold_ < 1.0 ? (world_.trust_between(professional, volunteer) - threshold_) / (1.0 - threshold_) : 0.0;
      if (!learns_ || working_with <= 0.0) continue;
      const auto group = world_.volunteers.culture[static_cast<std::size_t>(volunteer)];
      double& known = knowledge[static_cast<std::size_t>(professional) * world_.groups + group];
      known += rate_ * std::min(1.0, working_with) * (1.0 - known);
      ++world_.today.knowledge_transfers;
    }
  }

  World& world_;
  struct SeriesIndices {
    std::size_t joint, transfers, knowledge;
  } series_{};  // where this module records (looked up in the catalog)
  double threshold_ = 0.5, rate_ = 0.0;
  bool learns_ = true;
};

}  // namespace

static std::unique_ptr<sim::Module> make_learning(World& world) { return std::make_unique<Learning>(world); }

static void declare_learning(sim::ParameterRegistry& registry) { learning_parameters().declare(registry); }

static void declare_learning_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"joint_supports", "contacts per day", "Professional contacts with a mother a volunteer is supporting (F3, F4)"});
  catalog.add_series({"knowledge_transfers", "events per day", "Joint cases in which a professional learned from a trusted volunteer (F4)"});
  catalog.add_series({"prof_cultural_knowledge", "score 0-1", "Mean cultural knowledge professionals have learned, over professionals and groups (F4)"});
  catalog.add_series_mean({"prof_cultural_knowledge", "score 0-1", "Mean cultural knowledge of professionals over the measured days (from measurement.from)"}, "prof_cultural_knowledge");
}

const ModuleType& learning_module() {
  static const ModuleType type{declare_learning, declare_learning_outputs, make_learning};
  return type;
}

}  // namespace models
