#include "models/scheme.hpp"

#include <algorithm>
#include <cmath>

#include "models/declare.hpp"

namespace models {
namespace {

using namespace declare;

// Whole days of at least one, from a duration in days.
std::int32_t whole_days(const sim::ParameterValue& value) {
  return static_cast<std::int32_t>(std::max(1L, std::lround(std::get<double>(value))));
}

// A daily rate as the chance of at least one event in a day.
double daily_chance(const sim::ParameterValue& value) { return 1.0 - std::exp(-std::get<double>(value)); }

sim::ParameterBlock<LocalScheme> declare_scheme_parameters() {
  sim::ParameterBlock<LocalScheme> block;
  block.choice(&LocalScheme::referral_policy,
               {.path = "scheme.referral_policy", .default_value = std::string("professional_judgement"),
                .description = "How mothers reach volunteers: referred at professionals' discretion, or all "
                               "breastfeeding mothers referred unless they decline (opt-out)",
                .source = setting("policy lever"), .finding = "F6", .runtime_changeable = true},
               {{"professional_judgement", ReferralPolicy::professional_judgement}, {"opt_out", ReferralPolicy::opt_out}});
  block.choice(&LocalScheme::contact_mode,
               {.path = "scheme.contact_schedule.mode", .default_value = std::string("proactive"),
                .description = "Proactive: volunteers make scheduled contacts; reactive: only when the mother asks",
                .source = data("McFadden et al. 2017 Cochrane CD001141: proactive support is more effective"),
                .runtime_changeable = true},
               {{"proactive", ContactMode::proactive}, {"reactive", ContactMode::reactive}});
  block.bind(&LocalScheme::planned_contacts,
             {.path = "scheme.contact_schedule.contacts", .kind = ParameterKind::integer, .default_value = 4.0,
              .unit = "contacts", .min = 1.0, .max = 50.0,
              .description = "Peer contacts per supported mother (the most she gets when reactive)",
              .source = data("McFadden et al. 2019 Int Breastfeed J 14:42: at least 4 postnatal contacts"),
              .runtime_changeable = true});
  block.bind(&LocalScheme::first_within,
             {.path = "scheme.contact_schedule.first_within", .kind = ParameterKind::duration, .default_value = 2.0,
              .unit = "days", .min = 1.0, .max = 60.0, .description = "Time from referral to the first proactive contact",
              .source = data("first contact within 48 hours of referral (model brief)"), .runtime_changeable = true},
             whole_days);
  block.bind(&LocalScheme::interval,
             {.path = "scheme.contact_schedule.interval", .kind = ParameterKind::duration, .default_value = 7.0,
              .unit = "days", .min = 1.0, .max = 182.0, .description = "Time between proactive peer contacts",
              .source = assumption("weekly contacts in the early weeks"), .runtime_changeable = true},
             whole_days);
  block.bind(&LocalScheme::request_probability,
             {.path = "scheme.contact_schedule.request_rate", .kind = ParameterKind::rate, .default_value = 0.05,
              .unit = "per day", .min = 0.0, .max = 1.0,
              .description = "Under reactive support, how often a mother with a volunteer asks for a contact",
              .source = assumption("about one request in three weeks"), .runtime_changeable = true},
             daily_chance);
  block.bind(&LocalScheme::boundary_clarity,
             {.path = "scheme.boundary_clarity", .kind = ParameterKind::real, .default_value = 0.3, .unit = "share",
              .min = 0.0, .max = 1.0, .description = "How well the volunteer role is defined and agreed (0 = not at all)",
              .source = assumption("the study found poorly defined boundaries"), .finding = "F5",
              .runtime_changeable = true});
  block.choice(&LocalScheme::ward_access,
               {.path = "scheme.ward_access", .default_value = std::string("granted_by_staff"),
                .description = "Volunteers' direct access to mothers on the ward and in clinics: never, when the "
                               "locality's professionals allow it (chance 1 - their mean gate-keeping), or always",
                .source = setting("policy lever"), .finding = "F6", .runtime_changeable = true},
               {{"none", WardAccess::none}, {"granted_by_staff", WardAccess::granted_by_staff},
                {"guaranteed", WardAccess::guaranteed}});
  block.bind(&LocalScheme::surveillance_max,
             {.path = "professionals.surveillance_max", .kind = ParameterKind::real, .default_value = 1.0,
              .unit = "share", .min = 0.0, .max = 1.0, .description = "Cap on surveillance set by policy (1 = no cap)",
              .source = setting("policy lever (surveillance policy)"), .finding = "F7", .runtime_changeable = true});
  block.bind(&LocalScheme::referral_probability,
             {.path = "professionals.referral_probability", .kind = ParameterKind::real, .default_value = 0.5,
              .unit = "share", .min = 0.0, .max = 1.0,
              .description = "Chance that a professional with no gate-keeping refers a breastfeeding mother to a "
                             "volunteer at a scheduled contact",
              .source = assumption("no data on referral rates; a candidate for sensitivity analysis"),
              .finding = "F3, F6", .runtime_changeable = true});
  return block;
}

}  // namespace

const sim::ParameterBlock<LocalScheme>& scheme_parameters() {
  static const sim::ParameterBlock<LocalScheme> block = declare_scheme_parameters();
  return block;
}

}  // namespace models
