// Referral and access (F3, F6, opt-out): each mechanism of models/referral.cpp
// against its knock-out (mechanisms.NAME=false), the same scenario and seed
// otherwise (common random numbers), so that removing it from the code, or
// knocking it out in both arms (knockouts_are_seen.sh), fails a test.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "models/outputs.hpp"
#include "output_indices.hpp"
#include "run_world.hpp"

namespace {

using test_support::run_world;

// A year of a busy town with enough volunteers that capacity rarely binds.
std::vector<std::string> town(std::vector<std::string> extra) {
  std::vector<std::string> all{"horizon=1 year", "population.births=3000 per year", "volunteers.initial=40"};
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

// The same town and seed, with the mechanism on and knocked out.
struct OnAndOff {
  std::unique_ptr<test_support::WorldRun> on, off;
};
OnAndOff on_and_knocked_out(const std::vector<std::string>& extra, const std::string& mechanism, std::uint64_t seed) {
  auto knocked = town(extra);
  knocked.push_back("mechanisms." + mechanism + "=false");
  return {run_world(town(extra), seed), run_world(knocked, seed)};
}

double referrals_of(const test_support::WorldRun& run) { return run.total(test_support::series::referrals); }

}  // namespace

TEST_CASE("referral_gatekeeping: professionals who gate-keep refer fewer mothers (F6)", "[science]") {
  const auto [gatekept, open] =
      on_and_knocked_out({"professionals.initial.gatekeeping=0.8", "scheme.ward_access=none"}, "referral_gatekeeping", 3);
  INFO("referrals: gate-keeping on " << referrals_of(*gatekept) << ", knocked out " << referrals_of(*open));
  REQUIRE(referrals_of(*open) > 500);
  CHECK(referrals_of(*gatekept) < 0.6 * referrals_of(*open));
}

TEST_CASE("workload_referral_push: overworked professionals refer more (F3)", "[science]") {
  // 40 midwives for 3000 births a year: about 75 each, far above capacity, so the push term is large.
  const auto [with_push, without] =
      on_and_knocked_out({"professionals.midwives=40", "scheme.ward_access=none"}, "workload_referral_push", 9);
  INFO("referrals: with push " << referrals_of(*with_push) << ", knocked out " << referrals_of(*without)
                              << "; mean workload " << with_push->summary(test_support::summary::prof_workload));
  REQUIRE(with_push->summary(test_support::summary::prof_workload) > 1.2);
  CHECK(referrals_of(*with_push) > 1.1 * referrals_of(*without));
}

TEST_CASE("direct_access: volunteers who meet mothers on the ward reach more of them (F6, F8)", "[science]") {
  const auto [on, knocked] =
      on_and_knocked_out({"scheme.ward_access=guaranteed", "volunteers.on_joining.autonomy=0.8"}, "direct_access", 5);
  const double reached_on = on->summary(test_support::summary::reached_by_volunteer);
  const double reached_off = knocked->summary(test_support::summary::reached_by_volunteer);
  INFO("reached: direct access " << reached_on << ", knocked out " << reached_off);
  CHECK(on->total(test_support::series::access_granted) > 200);
  CHECK(knocked->total(test_support::series::access_granted) == 0);
  CHECK(reached_on > reached_off + 0.02);
}

TEST_CASE("access_gatekeeping: staff who gate-keep refuse volunteers' requests for direct access (F6)", "[science]") {
  const auto [on, knocked] = on_and_knocked_out(
      {"scheme.ward_access=granted_by_staff", "volunteers.on_joining.autonomy=0.8", "professionals.initial.gatekeeping=0.8"},
      "access_gatekeeping", 5);
  const double granted = on->total(test_support::series::access_granted);
  const double refused = on->total(test_support::series::access_refused);
  INFO("gate-keeping 0.8: granted " << granted << ", refused " << refused << "; knocked out: granted "
                                    << knocked->total(test_support::series::access_granted));
  REQUIRE(granted + refused > 200);
  CHECK(refused / (granted + refused) > 0.5);  // about the staff's mean gate-keeping
  CHECK(knocked->total(test_support::series::access_refused) == 0);
  CHECK(knocked->total(test_support::series::access_granted) > 1.5 * granted);
}

TEST_CASE("opt-out referral bypasses gate-keeping: far more mothers referred than by judgement", "[science]") {
  const auto gatekept = town({"professionals.initial.gatekeeping=0.9", "scheme.ward_access=none"});
  auto opt_out = gatekept, judged = gatekept;
  opt_out.push_back("scheme.referral_policy=opt_out");
  judged.push_back("scheme.referral_policy=professional_judgement");
  const auto universal = run_world(opt_out, 11);
  const auto discretion = run_world(judged, 11);
  const double share_universal = universal->summary(test_support::summary::referrals_per_mother);
  const double share_judged = discretion->summary(test_support::summary::referrals_per_mother);
  INFO("referrals per mother: opt-out " << share_universal << ", professional judgement " << share_judged);
  CHECK(share_universal > 2.0 * share_judged);
  // Opt-out is not universal: the decline share shows, and under judgement nobody "declines".
  CHECK(universal->summary(models::output_catalog().summary_index("opt_out_declined_share")) > 0.1);
  CHECK(std::isnan(discretion->summary(models::output_catalog().summary_index("opt_out_declined_share"))));
}
