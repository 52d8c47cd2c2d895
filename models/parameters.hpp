#pragma once
// Every parameter of the breastfeeding peer-support model, declared once.
#include <string>
#include <vector>

#include "sim/parameters.hpp"

namespace models {

// The registry of all model parameters (built on first use, then shared).
const sim::ParameterRegistry& parameter_registry();

// For the test suite's knock-out check (tests/models/knockouts_are_seen.sh)
// only: the mechanism becomes off by default in this process, so every run
// the suite builds goes without it, however the test sets its parameters,
// as if the mechanism were removed from the code. Call before any run;
// throws std::invalid_argument for an unknown name.
void knock_out_by_default_for_testing(const std::string& name);

// The levers of the peer-professional interface a teacher reaches for first
// (boundaries F5, gate-keeping and access F6, surveillance F7, the contact
// schedule): the classroom page shows them above the rest of the registry.
// The development process (F9) is an intervention: the page's switch.
const std::vector<std::string>& classroom_levers();

// Checkpoint ages of the Infant Feeding Survey table, in days.
inline constexpr int kAge1Week = 7;
inline constexpr int kAge10Days = 10;  // after the midwife's last routine visit
inline constexpr int kAge6Weeks = 42;
inline constexpr int kAge12Weeks = 84;
inline constexpr int kAge3Months = 91;
inline constexpr int kAge4Months = 122;
inline constexpr int kAge6Months = 182;  // mothers are followed to 26 weeks

}  // namespace models
