// ParameterBlock: a parameter declared once, bound to a typed field.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "sim/parameter_block.hpp"

namespace {

enum class Mode { quick, slow };
struct Settings {
  double clarity;
  long long count;
  Mode mode;
  int days;
};

sim::ParameterBlock<Settings> block() {
  sim::ParameterBlock<Settings> b;
  b.bind(&Settings::clarity, {.path = "x.clarity", .kind = sim::ParameterKind::real, .default_value = 0.3, .min = 0,
                              .max = 1, .description = "d", .runtime_changeable = true});
  b.bind(&Settings::count, {.path = "x.count", .kind = sim::ParameterKind::integer, .default_value = 2.6, .min = 0,
                            .max = 10, .description = "d"});
  b.choice(&Settings::mode, {.path = "x.mode", .default_value = std::string("slow"), .description = "d"},
           {{"quick", Mode::quick}, {"slow", Mode::slow}});
  b.bind(&Settings::days, {.path = "x.days", .kind = sim::ParameterKind::duration, .default_value = 0.2, .min = 0,
                           .max = 9, .description = "d"},
         [](const sim::ParameterValue& value) { return std::get<double>(value) < 1 ? 1 : 2; });
  return b;
}

}  // namespace

TEST_CASE("a parameter block declares its specs and reads them into typed fields") {
  const auto b = block();
  sim::ParameterRegistry registry;
  b.declare(registry);
  REQUIRE(registry.find("x.mode"));
  CHECK(registry.find("x.mode")->kind == sim::ParameterKind::choice);
  CHECK(registry.find("x.mode")->choices == std::vector<std::string>{"quick", "slow"});
  sim::ParameterSet parameters(registry);
  const auto settings = b.read(parameters);
  CHECK(settings.clarity == 0.3);
  CHECK(settings.count == 3);  // whole numbers round as ParameterSet::integer does
  CHECK(settings.mode == Mode::slow);
  CHECK(settings.days == 1);  // through its own conversion
}

TEST_CASE("a parameter block applies one setting by path") {
  const auto b = block();
  Settings base{0.1, 1, Mode::quick, 1};
  CHECK(b.apply(base, "x.mode", std::string("slow")));
  CHECK(base.mode == Mode::slow);
  CHECK(b.apply(base, "x.clarity", 0.9));
  CHECK(base.clarity == 0.9);
  CHECK(base.count == 1);  // the others untouched
  CHECK_FALSE(b.apply(base, "y.unknown", 1.0));
  CHECK_THROWS_AS(b.apply(base, "x.mode", std::string("sideways")), std::logic_error);
}

TEST_CASE("a mechanism is declared with its switch, on by default, and knocked out by name") {
  struct Switches {
    double rate;
    bool spreads;
  };
  sim::ParameterBlock<Switches> b;
  b.bind(&Switches::rate, {.path = "x.rate", .default_value = 0.5, .min = 0.0, .max = 1.0, .description = "a rate"});
  b.mechanism(&Switches::spreads, {.name = "spreading", .module = "x", .finding = "F5", .what = "it spreads",
                                   .knocked_out = "it stays put"});
  sim::ParameterRegistry registry;
  b.declare(registry);
  REQUIRE(registry.mechanisms().size() == 1);
  CHECK(registry.find_mechanism("spreading")->module == "x");
  const auto* spec = registry.find("mechanisms.spreading");
  REQUIRE(spec);
  CHECK(spec->kind == sim::ParameterKind::boolean);
  CHECK(spec->finding == "F5");
  sim::ParameterSet parameters(registry);
  CHECK(b.read(parameters).spreads);
  sim::knock_out(parameters, "spreading", {});
  CHECK_FALSE(b.read(parameters).spreads);
  CHECK(b.read(parameters).rate == 0.5);
  try {
    sim::knock_out(parameters, "spreadin", {"file.yaml", 3, 5});
    FAIL("an unknown mechanism must be bad input");
  } catch (const sim::InputError& error) {
    CHECK(std::string(error.what()).find("did you mean 'spreading'?") != std::string::npos);
  }
  CHECK_THROWS_AS(b.declare(registry), std::logic_error);  // declared twice
  CHECK_THROWS_AS(registry.add_mechanism({.name = "bare", .module = "x"}), std::logic_error);  // says nothing of itself
}
