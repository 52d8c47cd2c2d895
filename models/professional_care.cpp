// Professional care (F3, F4): each professional's workload, then the
// scheduled midwife and health-visitor contacts by the baby's age. A contact
// adds confidence in proportion to what the professional has learned of the
// mother's culture from volunteers (usual care itself is in the baseline).
#include <cmath>

#include "models/modules.hpp"
#include "models/parameters.hpp"
#include "sim/quantity.hpp"

namespace models {
namespace {

constexpr std::uint8_t kMidwifeVisit = 1, kHealthVisitorVisit = 2;
constexpr double kChildhoodYears = 5.0;  // health visitors' families have children under 5

class ProfessionalCare final : public sim::Module {
 public:
  explicit ProfessionalCare(World& world)
      : Module("professional_care", "workload, then scheduled midwife and health-visitor contacts (F3, F4)"),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& p = context.parameters();
    visits_by_age_.assign(kAge6Months + 1, 0);
    for (const double age : p.list("professionals.midwife_visits"))
      visits_by_age_[static_cast<std::size_t>(std::lround(age))] |= kMidwifeVisit;
    for (const double age : p.list("professionals.health_visitor_visits"))
      visits_by_age_[static_cast<std::size_t>(std::lround(age))] |= kHealthVisitorVisit;
    // Mothers at a time at the recommended caseload, so that workload 1 means "as recommended".
    const double handover = world_.handover_age;
    midwife_capacity_ = p.real("professionals.recommended_births_per_midwife") * handover / sim::kDaysPerYear;
    health_visitor_capacity_ = p.real("professionals.recommended_families_per_health_visitor") *
                               (kAge6Months + 1 - handover) / (kChildhoodYears * sim::kDaysPerYear);
    load_relief_ = p.real("professionals.load_relief");
    confidence_gain_ = p.real("professionals.confidence_gain");
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    update_workload(day);
    auto& mothers = world_.mothers;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) {
      const auto visits = visits_by_age_[static_cast<std::size_t>(day - mothers.birth_day[i])];
      if (!visits) continue;
      if ((visits & kMidwifeVisit) && mothers.midwife[i] != kNobody) contact(i, mothers.midwife[i], day);
      if ((visits & kHealthVisitorVisit) && mothers.health_visitor[i] != kNobody)
        contact(i, mothers.health_visitor[i], day);
    }
  }

  // Demand: the mothers a professional is responsible for today, less the
  // share volunteers take over ("spread the load", F3).
  void update_workload(int day) {
    auto& pros = world_.professionals;
    std::fill(pros.workload.begin(), pros.workload.end(), 0.0);
    const auto& mothers = world_.mothers;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) {
      const auto professional = world_.professional_of(i, day);
      if (professional == kNobody) continue;
      pros.workload[static_cast<std::size_t>(professional)] += mothers.volunteer[i] == kNobody ? 1.0 : 1.0 - load_relief_;
    }
    for (std::size_t k = 0; k < pros.count(); ++k)
      pros.workload[k] /= pros.role[k] == Role::midwife ? midwife_capacity_ : health_visitor_capacity_;
  }

  void contact(std::size_t i, std::int32_t professional, int day) {
    auto& mothers = world_.mothers;
    ++mothers.professional_contacts[i];
    mothers.last_professional_contact[i] = day;
    const double knowledge = world_.professionals.knowledge[static_cast<std::size_t>(professional) * world_.groups +
                                                            mothers.culture[i]];
    mothers.confidence[i] += confidence_gain_ * knowledge * (1.0 - mothers.confidence[i]);
    world_.contacts_today.push_back({mothers.first_id + static_cast<std::int64_t>(i), professional});
    if (mothers.volunteer[i] != kNobody) world_.joint_contacts.push_back({professional, mothers.volunteer[i]});
  }

  World& world_;
  std::vector<std::uint8_t> visits_by_age_;
  double midwife_capacity_ = 1.0, health_visitor_capacity_ = 1.0, load_relief_ = 0.0, confidence_gain_ = 0.0;
};

}  // namespace

std::unique_ptr<sim::Module> make_professional_care(World& world) { return std::make_unique<ProfessionalCare>(world); }

}  // namespace models
