// Scheme settings by locality: the scenario's values at the start; the
// interventions module changes them during a run.
#include <cmath>

#include "models/modules.hpp"

namespace models {

LocalScheme scheme_settings(const sim::ParameterSet& p) {
  LocalScheme scheme;
  scheme.boundary_clarity = p.real("scheme.boundary_clarity");
  scheme.opt_out = p.text("scheme.referral_policy") == "opt_out";
  const auto& access = p.text("scheme.ward_access");
  scheme.ward_access = access == "none"         ? LocalScheme::Access::none
                       : access == "guaranteed" ? LocalScheme::Access::guaranteed
                                                : LocalScheme::Access::granted_by_staff;
  scheme.proactive = p.text("scheme.contact_schedule.mode") == "proactive";
  scheme.planned_contacts = static_cast<std::uint16_t>(p.integer("scheme.contact_schedule.contacts"));
  scheme.first_within = static_cast<std::int32_t>(std::max(1L, std::lround(p.real("scheme.contact_schedule.first_within"))));
  scheme.interval = static_cast<std::int32_t>(std::max(1L, std::lround(p.real("scheme.contact_schedule.interval"))));
  scheme.request_probability = 1.0 - std::exp(-p.real("scheme.contact_schedule.request_rate"));
  scheme.referral_probability = p.real("professionals.referral_probability");
  scheme.surveillance_max = p.real("professionals.surveillance_max");
  return scheme;
}

}  // namespace models
