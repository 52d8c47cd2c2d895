// Scheme settings by locality: the scenario's values at the start; the
// interventions module changes them during a run.
#include <cmath>
#include <stdexcept>

#include "models/modules.hpp"

namespace models {

void apply_scheme_setting(LocalScheme& scheme, const std::string& path, const sim::ParameterValue& value) {
  const auto number = [&] { return std::get<double>(value); };
  const auto word = [&] { return std::get<std::string>(value); };
  const auto days = [&] { return static_cast<std::int32_t>(std::max(1L, std::lround(number()))); };
  if (path == "scheme.boundary_clarity") scheme.boundary_clarity = number();
  else if (path == "scheme.referral_policy") scheme.opt_out = word() == "opt_out";
  else if (path == "scheme.ward_access")
    scheme.ward_access = word() == "none"         ? LocalScheme::Access::none
                         : word() == "guaranteed" ? LocalScheme::Access::guaranteed
                                                  : LocalScheme::Access::granted_by_staff;
  else if (path == "scheme.contact_schedule.mode") scheme.proactive = word() == "proactive";
  else if (path == "scheme.contact_schedule.contacts") scheme.planned_contacts = static_cast<std::uint16_t>(number());
  else if (path == "scheme.contact_schedule.first_within") scheme.first_within = days();
  else if (path == "scheme.contact_schedule.interval") scheme.interval = days();
  else if (path == "scheme.contact_schedule.request_rate") scheme.request_probability = 1.0 - std::exp(-number());
  else if (path == "professionals.referral_probability") scheme.referral_probability = number();
  else if (path == "professionals.surveillance_max") scheme.surveillance_max = number();
  else throw std::logic_error("no scheme setting for run-time parameter '" + path + "'");
}

LocalScheme scheme_settings(const sim::ParameterSet& parameters) {
  LocalScheme scheme;
  for (const auto& spec : parameters.registry().all())
    if (spec.runtime_changeable) apply_scheme_setting(scheme, spec.path, parameters.value(spec.path));
  return scheme;
}

}  // namespace models
