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
  block.bind(&LocalScheme::opt_out_decline,
             {.path = "scheme.opt_out_decline", .kind = ParameterKind::real, .default_value = 0.2, .unit = "share",
              .min = 0.0, .max = 1.0,
              .description = "Under opt-out referral, the chance that a breastfeeding mother declines the volunteer "
                             "when she is first offered one (she is not offered again)",
              .source = assumption("no published decline rate of an opt-out peer-support scheme found; about one "
                                   "mother in five is assumed to say no, a lever for sensitivity analysis"),
              .finding = "F6", .runtime_changeable = true});
  block.choice(&LocalScheme::waiting_order,
               {.path = "scheme.waiting_list.order", .default_value = std::string("youngest_baby_first"),
                .description = "Which referred mother a volunteer with room takes first: the one with the youngest "
                               "baby, or the one referred earliest (first come, first served)",
                .source = assumption("triage by baby's age: stopping is most frequent in the first weeks (about 21% "
                                     "of breastfeeding mothers stop within 2 weeks, IFS 2000) and trials measure the "
                                     "effect at 4-6 weeks (McFadden et al. 2019), so the youngest gain most"),
                .runtime_changeable = true},
               {{"youngest_baby_first", WaitingOrder::youngest_baby_first},
                {"earliest_referral_first", WaitingOrder::earliest_referral_first}});
  block.bind(&LocalScheme::waiting_expiry,
             {.path = "scheme.waiting_list.expiry", .kind = ParameterKind::duration, .default_value = 14.0,
              .unit = "days", .min = 1.0, .max = 365.0,
              .description = "How long a referred mother waits for a volunteer with room before her referral lapses "
                             "(she leaves the list, counted in referrals_lapsed)",
              .source = assumption("support is for the early weeks: a referral at the new-birth visit (day 10-14) "
                                   "that waits two weeks more reaches her after 4 weeks, when most early stopping "
                                   "has happened"),
              .runtime_changeable = true},
             whole_days);
  block.bind(&LocalScheme::reactive_close_after,
             {.path = "scheme.contact_schedule.close_after", .kind = ParameterKind::duration, .default_value = 28.0,
              .unit = "days", .min = 1.0, .max = 1000.0,
              .description = "Under reactive support, a case with no request for this long (since her last contact, "
                             "or since the volunteer took her on) closes and frees its place",
              .source = assumption("a volunteer reviews a silent case after about four weeks; at one request in "
                                   "three weeks, about a quarter of cases close before a request (1000 days: never, "
                                   "as in v1)"),
              .runtime_changeable = true},
             whole_days);
  return block;
}

}  // namespace

const sim::ParameterBlock<LocalScheme>& scheme_parameters() {
  static const sim::ParameterBlock<LocalScheme> block = declare_scheme_parameters();
  return block;
}

}  // namespace models
