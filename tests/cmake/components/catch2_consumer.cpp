// Built by the packaging test against stampede::catch2 from an install (Catch2 v2 or v3).
#include <stampede/testing/catch2.hpp>
#if CATCH_VERSION_MAJOR >= 3
#  include <catch2/catch_test_macros.hpp>
#endif

TEST_CASE("an installed stampede::catch2 gives meets_thresholds()") {
  stampede::result passed;
  REQUIRE_THAT(passed, stampede::catch2::meets_thresholds());
  stampede::result stopped;
  stopped.status = stampede::run_status::interrupted;
  REQUIRE_FALSE(stampede::catch2::meets_thresholds().match(stopped));
}
