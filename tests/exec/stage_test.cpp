// Tests of stages and stage lists: k6's list form, composition with >> and *, holds, and the
// scaled / stretched variants.
#include <stampede/exec/stage.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <chrono>
#include <limits>
#include <optional>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

TEST_CASE("composed stages equal the list k6 users write") {
  const sp::stage_list k6_style{{30s, 100}, {1min, 100}, {10s, 0}};
  const auto composed = sp::ramp_to(100, 30s) >> sp::hold(1min) >> sp::ramp_to(0, 10s);
  CHECK(composed == k6_style);
  CHECK(composed.size() == 3);
  CHECK(composed.stages()[1] == sp::stage{1min, 100});
  CHECK(composed != sp::stage_list{{30s, 100}, {1min, 90}, {10s, 0}});
  CHECK(composed != sp::stage_list{{30s, 100}, {1min, 100}});
}

TEST_CASE("a hold after a target is resolved when the list is built, a leading hold is not") {
  struct row {
    const char* name;
    sp::stage_list list;
    std::vector<sp::stage> stored;
  };
  const row rows[] = {
      {"hold written in a list", {{30s, 100}, {1min}}, {{30s, 100}, {1min, 100}}},
      {"two holds in a row", {{10s, 5}, {1s}, {2s}}, {{10s, 5}, {1s, 5}, {2s, 5}}},
      {"hold after a jump", sp::jump_to(7) >> sp::hold(3s), {{0s, 7}, {3s, 7}}},
      {"leading hold", sp::hold(5s) >> sp::ramp_to(10, 1s), {{5s, std::nullopt}, {1s, 10}}},
      {"hold of a hold", sp::hold(1s) >> sp::hold(2s), {{1s, std::nullopt}, {2s, std::nullopt}}},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(r.list.stages() == r.stored);
  }
  // A leading hold means "the executor's start level", which the list does not know: it never
  // equals a stage with a target, only another leading hold.
  CHECK(sp::hold(5s) != sp::stage_list{{5s, 0}});
  CHECK(sp::hold(5s) == sp::stage_list{{5s}});
  CHECK(sp::hold(5s) != sp::hold(6s));
}

TEST_CASE("resolved fills leading holds with the start level and keeps the rest") {
  const auto list = sp::hold(5s) >> sp::ramp_to(10, 1s) >> sp::hold(2s);
  const std::vector<sp::stage> expected{{5s, 3}, {1s, 10}, {2s, 10}};
  CHECK(list.resolved(3) == expected);
  CHECK(sp::stage_list{}.resolved(3).empty());
  CHECK(sp::stage_list{{1s, 4}}.resolved(9) == std::vector<sp::stage>{{1s, 4}});
}

TEST_CASE(">> at a hold resolves it to the left side's last target") {
  const auto left = sp::ramp_to(50, 10s) >> sp::jump_to(80);
  const auto right = sp::hold(20s) >> sp::ramp_to(0, 5s);
  const auto joined = left >> right;
  CHECK(joined == sp::stage_list{{10s, 50}, {0s, 80}, {20s, 80}, {5s, 0}});
  // The operands are untouched values.
  CHECK(right.stages().front().target == std::nullopt);
  CHECK((sp::stage_list{} >> right) == right);
  CHECK((left >> sp::stage_list{}) == left);
}

TEST_CASE("total_duration sums the stages, zero-length ones included") {
  CHECK(sp::stage_list{}.total_duration() == 0ns);
  CHECK(sp::stage_list{{30s, 100}, {1min, 100}, {10s, 0}}.total_duration() == 100s);
  CHECK((sp::jump_to(10) >> sp::hold(1500ms)).total_duration() == 1500ms);
}

TEST_CASE("a pattern repeated with * chains its copies") {
  const auto wave = sp::ramp_to(100, 10s) >> sp::ramp_to(0, 10s);
  CHECK(wave * 1 == wave);
  CHECK(wave * 3 ==
        sp::stage_list{{10s, 100}, {10s, 0}, {10s, 100}, {10s, 0}, {10s, 100}, {10s, 0}});
  CHECK((wave * 3).total_duration() == 60s);
  // A pattern that starts with a hold: each repetition holds the previous one's last level.
  const auto steps = sp::hold(5s) >> sp::jump_to(10);
  CHECK(steps * 2 == sp::stage_list{{5s}, {0s, 10}, {5s, 10}, {0s, 10}});
}

TEST_CASE("repeating a pattern fewer than once is a usage error") {
  const auto wave = sp::ramp_to(100, 10s);
  CHECK_THROWS_AS(wave * 0, sp::usage_error);
  CHECK_THROWS_WITH(wave * 0, "stage_list * 0: a pattern is repeated at least once");
  CHECK_THROWS_WITH(wave * -2, "stage_list * -2: a pattern is repeated at least once");
}

TEST_CASE("scaled multiplies every target and rounds to the nearest integer") {
  const sp::stage_list list{{30s, 100}, {1min}, {10s, 3}, {0s, 0}};
  struct row {
    double factor;
    sp::stage_list expected;
  };
  const row rows[] = {
      {2, {{30s, 200}, {1min, 200}, {10s, 6}, {0s, 0}}},
      {0.5, {{30s, 50}, {1min, 50}, {10s, 2}, {0s, 0}}},  // 1.5 rounds away from zero
      {0.1, {{30s, 10}, {1min, 10}, {10s, 0}, {0s, 0}}},
      {0, {{30s, 0}, {1min, 0}, {10s, 0}, {0s, 0}}},
  };
  for (const auto& r : rows) {
    INFO("factor " << r.factor);
    CHECK(list.scaled(r.factor) == r.expected);
  }
  // Durations stay; leading holds stay holds.
  CHECK((sp::hold(5s) >> sp::ramp_to(4, 1s)).scaled(2) == (sp::hold(5s) >> sp::ramp_to(8, 1s)));
}

TEST_CASE("stretched multiplies every duration and rounds to the nearest nanosecond") {
  const sp::stage_list list{{30s, 100}, {1min, 100}, {0s, 0}, {3ns, 0}};
  CHECK(list.stretched(2) == sp::stage_list{{1min, 100}, {2min, 100}, {0s, 0}, {6ns, 0}});
  CHECK(list.stretched(0.5) == sp::stage_list{{15s, 100}, {30s, 100}, {0s, 0}, {2ns, 0}});
  CHECK(list.stretched(0.5).total_duration() == 45s + 2ns);
}

TEST_CASE("scaling or stretching by a negative or non-finite factor is a usage error") {
  const sp::stage_list list{{30s, 100}};
  CHECK_THROWS_WITH(list.scaled(-1),
                    "stage_list::scaled(-1): the factor must be a finite number >= 0");
  CHECK_THROWS_WITH(list.stretched(std::numeric_limits<double>::quiet_NaN()),
                    "stage_list::stretched(nan): the factor must be a finite number >= 0");
  CHECK_THROWS_WITH(list.stretched(std::numeric_limits<double>::infinity()),
                    "stage_list::stretched(inf): the factor must be a finite number >= 0");
}

TEST_CASE("a stage list iterates over its stages") {
  const sp::stage_list list{{1s, 1}, {2s, 2}};
  std::vector<sp::stage> seen;
  for (const auto& s : list) seen.push_back(s);
  CHECK(seen == list.stages());
  CHECK_FALSE(list.empty());
  CHECK(sp::stage_list{}.empty());
  CHECK(sp::stage_list{std::vector<sp::stage>{{1s, 1}, {2s}}} == sp::stage_list{{1s, 1}, {2s, 1}});
}
