// Tests of sp::table: the seed's Markdown layout, aligned text, CSV quoting and JSON.
#include <stampede/core/table.hpp>

#include <stampede/core/error.hpp>

#include "support/catch_compat.hpp"

#include <string>

namespace sp = stampede;

namespace {

sp::table seed_rows() {
  sp::table t{{"Replicas", "Workers", "Users", "RPS", "Median (ms)", "P95 (ms)", "P99 (ms)", "Failures (%)", "Total Requests"}};
  t.add_row({sp::table_cell::of(1, 0), sp::table_cell::of(4, 0), sp::table_cell::of(200, 0), sp::table_cell::of(47.6, 1),
             sp::table_cell::of(3200, 1), {}, {}, sp::table_cell::of(0, 0), sp::table_cell::of(3063, 0)});
  t.add_row({sp::table_cell::of(8, 0), sp::table_cell::of(8, 0), sp::table_cell::of(800, 0), sp::table_cell::of(156.3, 1),
             sp::table_cell::of(2700, 1), {}, {}, sp::table_cell::of(0.01, 2), sp::table_cell::of(10239, 0)});
  return t;
}

}  // namespace

TEST_CASE("table writes Markdown in the layout of the seed's Locust matrix") {
  // ../shared/seeds/locust-distributed-matrix.md, first and last rows of "Complete Results".
  CHECK(seed_rows().to_markdown() ==
        "| Replicas | Workers | Users | RPS | Median (ms) | P95 (ms) | P99 (ms) | Failures (%) | Total Requests |\n"
        "|----------|---------|-------|-----|-------------|----------|----------|--------------|----------------|\n"
        "| 1 | 4 | 200 | 47.6 | 3200.0 |  |  | 0 | 3063 |\n"
        "| 8 | 8 | 800 | 156.3 | 2700.0 |  |  | 0.01 | 10239 |\n");
}

TEST_CASE("table aligns text columns: numbers and their titles right, words left") {
  sp::table t{{"Config", "RPS"}};
  t.add_row({sp::table_cell::of("one replica"), sp::table_cell::of(781.5, 1)});
  t.add_row({sp::table_cell::of("ten"), sp::table_cell::of(33.75, 2)});
  CHECK(t.to_text() ==
        "Config         RPS\n"
        "one replica  781.5\n"
        "ten          33.75\n");
}

TEST_CASE("table counts µ and σ as one column each when aligning") {
  sp::table t{{"σ", "p99"}};
  t.add_row({sp::table_cell::of(0.02, 2), sp::table_cell::of("12µs")});
  CHECK(t.to_text() == "   σ  p99\n0.02  12µs\n");
}

TEST_CASE("table writes CSV with exact numbers, quoting and empty cells") {
  sp::table t{{"name", "value, unit", "empty"}};
  t.add_row({sp::table_cell::of("say \"hi\""), sp::table_cell::of(0.1 + 0.2, 1), {}});
  CHECK(t.to_csv() == "name,\"value, unit\",empty\r\n\"say \"\"hi\"\"\",0.30000000000000004,\r\n");
}

TEST_CASE("table writes JSON with numbers, strings and nulls") {
  sp::table t{{"Replicas", "RPS", "P99 (ms)", "note"}};
  t.add_row({sp::table_cell::of(2, 0), sp::table_cell::of(786.681245, 1), {}, sp::table_cell::of("a \"b\"")});
  CHECK(t.to_json() == R"j({"columns":["Replicas","RPS","P99 (ms)","note"],"rows":[[2,786.681245,null,"a \"b\""]]})j");
}

TEST_CASE("table rejects a row of the wrong width and names unknown columns") {
  sp::table t{{"a", "b"}};
  CHECK_THROWS_WITH(t.add_row({sp::table_cell::of("x")}), "a table row has 1 cells but the table has 2 columns");
  t.add_row({sp::table_cell::of("x"), sp::table_cell::of(1, 0)});
  CHECK(t.at(0, "b").number == 1.0);
  CHECK_THROWS_WITH((void)t.at(0, "c"), "the table has no column \"c\"");
  CHECK_THROWS_WITH((void)t.at(3, "a"), "the table has 1 rows, not 4");
}
