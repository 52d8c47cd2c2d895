// Learning (F4): when a professional sees a mother whom a volunteer supports
// and trusts that volunteer above the threshold (she works "with" her), she
// learns about the volunteer's cultural group. Knowledge is read by
// professional_care on later days.
#include "models/declare.hpp"
#include "models/modules.hpp"

namespace models {
namespace {

struct LearningParameters {
  double threshold;  // learning.threshold
  double rate;  // learning.rate
};

sim::ParameterBlock<LearningParameters> declare_learning_parameters() {
  using namespace declare;
  sim::ParameterBlock<LearningParameters> block;
  block.bind(&LearningParameters::threshold, share("learning.threshold", 0.5,
              "Trust in a volunteer above which a professional works 'with' her and learns from joint cases",
              assumption("no data"), "F4"));
  block.bind(&LearningParameters::rate, share("learning.rate", 0.05,
              "Share of the gap to full cultural knowledge of a group learned per joint case with a trusted volunteer",
              assumption("no data"), "F4"));
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
    const auto values = learning_parameters().read(context.parameters());
    threshold_ = values.threshold;
    rate_ = values.rate;
  }

  void on_step(sim::RunContext&) override {
    auto& knowledge = world_.professionals.knowledge;
    for (const auto& [professional, volunteer] : world_.today.joint_contacts) {
      ++world_.today.joint_supports;
      if (world_.trust_between(professional, volunteer) <= threshold_) continue;
      const auto group = world_.volunteers.culture[static_cast<std::size_t>(volunteer)];
      double& known = knowledge[static_cast<std::size_t>(professional) * world_.groups + group];
      known += rate_ * (1.0 - known);
      ++world_.today.knowledge_transfers;
    }
  }

  World& world_;
  double threshold_ = 0.5, rate_ = 0.0;
};

}  // namespace

std::unique_ptr<sim::Module> make_learning(World& world) { return std::make_unique<Learning>(world); }

void declare_learning(sim::ParameterRegistry& registry) { learning_parameters().declare(registry); }

}  // namespace models
