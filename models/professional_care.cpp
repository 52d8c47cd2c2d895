// Professional care (F3): scheduled midwife and health-visitor contacts by
// the baby's age. Each contact is an opportunity to refer (see referral).
#include <cmath>

#include "models/modules.hpp"
#include "models/parameters.hpp"

namespace models {
namespace {

constexpr std::uint8_t kMidwifeVisit = 1, kHealthVisitorVisit = 2;

class ProfessionalCare final : public sim::Module {
 public:
  explicit ProfessionalCare(World& world)
      : Module("professional_care", "scheduled midwife and health-visitor contacts (F3)"), world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    visits_by_age_.assign(kAge6Months + 1, 0);
    for (const double age : context.parameters().list("professionals.midwife_visits"))
      visits_by_age_[static_cast<std::size_t>(std::lround(age))] |= kMidwifeVisit;
    for (const double age : context.parameters().list("professionals.health_visitor_visits"))
      visits_by_age_[static_cast<std::size_t>(std::lround(age))] |= kHealthVisitorVisit;
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    auto& mothers = world_.mothers;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) {
      const auto visits = visits_by_age_[static_cast<std::size_t>(day - mothers.birth_day[i])];
      if (!visits) continue;
      if ((visits & kMidwifeVisit) && mothers.midwife[i] != kNobody) contact(i, mothers.midwife[i], day);
      if ((visits & kHealthVisitorVisit) && mothers.health_visitor[i] != kNobody)
        contact(i, mothers.health_visitor[i], day);
    }
  }

  void contact(std::size_t i, std::int32_t professional, int day) {
    auto& mothers = world_.mothers;
    ++mothers.professional_contacts[i];
    mothers.last_professional_contact[i] = day;
    world_.contacts_today.push_back({mothers.first_id + static_cast<std::int64_t>(i), professional});
  }

  World& world_;
  std::vector<std::uint8_t> visits_by_age_;
};

}  // namespace

std::unique_ptr<sim::Module> make_professional_care(World& world) { return std::make_unique<ProfessionalCare>(world); }

}  // namespace models
