// Built by the packaging test against stampede::gtest from an install.
#include <stampede/testing/gtest.hpp>

TEST(InstalledGtestComponent, GivesMeetsThresholds) {
  stampede::result passed;
  EXPECT_THAT(passed, stampede::gtest::MeetsThresholds());
  stampede::result stopped;
  stopped.status = stampede::run_status::interrupted;
  EXPECT_THAT(stopped, ::testing::Not(stampede::gtest::MeetsThresholds()));
}
