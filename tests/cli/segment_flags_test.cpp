// The execution-segment flags: k6's --execution-segment and --execution-segment-sequence,
// stampede's --execution-segment-index/-count and --execution-segment-from-env (mpirun, Slurm,
// Kubernetes Indexed Jobs), their errors, and what a part prints and returns when it runs.
#include <stampede/cli/main.hpp>
#include <stampede/cli/options.hpp>

#include <stampede/core/error.hpp>
#include <stampede/report/result_file.hpp>

#include "support/catch_compat.hpp"
#include "support/cli_run.hpp"
#include "support/temp_file.hpp"

#include <cstdio>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sp = stampede;

namespace {

sp::cli_options flags(std::initializer_list<std::string_view> args) {
  const std::vector<std::string_view> v{args};
  return sp::parse_cli(v);
}

// The part for `args` with the process environment `env`.
sp::execution_tuple part_for(std::initializer_list<std::string_view> args,
                             const std::map<std::string, std::string, std::less<>>& env = {}) {
  return sp::execution_part(flags(args), [&](std::string_view name) -> std::optional<std::string> {
    if (const auto it = env.find(name); it != env.end()) return it->second;
    return std::nullopt;
  });
}

std::string error_for(std::initializer_list<std::string_view> args,
                      const std::map<std::string, std::string, std::less<>>& env = {}) {
  try {
    (void)part_for(args, env);
  } catch (const sp::usage_error& e) {
    return e.what();
  }
  return "(no error)";
}

sp::execution_tuple tuple(const char* segment, const char* sequence) {
  return sp::execution_tuple{sp::execution_segment::parse(segment), sp::execution_segment_sequence::parse(sequence)};
}

}  // namespace

TEST_CASE("k6's segment flags name the part: a segment, in a sequence or alone") {
  CHECK(part_for({}).is_whole());
  CHECK(part_for({"--execution-segment", "1/4:2/4"}) == tuple("1/4:1/2", ""));
  CHECK(part_for({"--execution-segment=25%:50%", "--execution-segment-sequence=0,25%,50%,1"}) ==
        tuple("1/4:1/2", "0,1/4,1/2,1"));
  CHECK(part_for({"--execution-segment", "0.25:0.5", "--execution-segment-sequence", "0,1/4,1/2,3/4,1"}).to_string() ==
        "1/4:1/2 in 0,1/4,1/2,3/4,1");
  CHECK(error_for({"--execution-segment-sequence", "0,1/2,1"}).find("--execution-segment-sequence needs") == 0);
  CHECK(error_for({"--execution-segment", "1/3:1/2", "--execution-segment-sequence", "0,1/4,1/2,1"}) ==
        "couldn't find segment 1/3:1/2 in sequence 0,1/4,1/2,1");
  CHECK(error_for({"--execution-segment", "3/4:1/4"}).find("--execution-segment: ") == 0);
  CHECK(error_for({"--execution-segment", "x"}) ==
        "--execution-segment: 'x' is not a valid percentage, decimal, fraction or interval value");
}

TEST_CASE("an index and a count name one of equal parts, or of a sequence's") {
  CHECK(part_for({"--execution-segment-index", "0", "--execution-segment-count", "4"}) == tuple("0:1/4", "0,1/4,1/2,3/4,1"));
  CHECK(part_for({"--execution-segment-index=2", "--execution-segment-count=3"}) == tuple("2/3:1", "0,1/3,2/3,1"));
  CHECK(part_for({"--execution-segment-index", "0", "--execution-segment-count", "1"}).is_whole());
  CHECK(part_for({"--execution-segment-index", "1", "--execution-segment-sequence", "0,1/2,3/4,1"}) ==
        tuple("1/2:3/4", "0,1/2,3/4,1"));
  CHECK(error_for({"--execution-segment-index", "4", "--execution-segment-count", "4"}) ==
        "--execution-segment-index is 4, but the test runs as 4 parts (indexes 0 to 3)");
  CHECK(error_for({"--execution-segment-index", "1"}).find("--execution-segment-index needs --execution-segment-count") == 0);
  CHECK(error_for({"--execution-segment-count", "3"}).find("--execution-segment-count needs --execution-segment-index") == 0);
  CHECK(error_for({"--execution-segment-index", "1", "--execution-segment-count", "2", "--execution-segment-sequence",
                   "0,1/3,2/3,1"}) ==
        "--execution-segment-count 2 disagrees with --execution-segment-sequence 0,1/3,2/3,1 (3 parts)");
  CHECK(error_for({"--execution-segment", "0:1/2", "--execution-segment-index", "0", "--execution-segment-count", "2"})
            .find("--execution-segment names the part itself") == 0);
  CHECK_THROWS_WITH(flags({"--execution-segment-index", "-1"}),
                    "--execution-segment-index: expected a whole number, from 0, got \"-1\"");
  CHECK_THROWS_WITH(flags({"--execution-segment-count", "0"}),
                    "--execution-segment-count: expected a whole number of parts, 1 to 1000000, got \"0\"");
}

TEST_CASE("from the environment: mpirun, MPICH, Slurm and a Kubernetes Indexed Job") {
  const auto from_env = std::initializer_list<std::string_view>{"--execution-segment-from-env"};
  CHECK(part_for(from_env, {{"OMPI_COMM_WORLD_RANK", "1"}, {"OMPI_COMM_WORLD_SIZE", "3"}}) == tuple("1/3:2/3", "0,1/3,2/3,1"));
  CHECK(part_for(from_env, {{"PMI_RANK", "0"}, {"PMI_SIZE", "2"}}) == tuple("0:1/2", "0,1/2,1"));
  CHECK(part_for(from_env, {{"SLURM_PROCID", "3"}, {"SLURM_NTASKS", "4"}}) == tuple("3/4:1", "0,1/4,1/2,3/4,1"));
  // Open MPI's variables win over Slurm's when mpirun runs inside a Slurm allocation.
  CHECK(part_for(from_env, {{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}, {"OMPI_COMM_WORLD_RANK", "0"},
                            {"OMPI_COMM_WORLD_SIZE", "2"}}) == tuple("0:1/2", "0,1/2,1"));
  CHECK(part_for({"--execution-segment-from-env", "--execution-segment-count", "4"}, {{"JOB_COMPLETION_INDEX", "2"}}) ==
        tuple("1/2:3/4", "0,1/4,1/2,3/4,1"));
  CHECK(error_for(from_env, {{"JOB_COMPLETION_INDEX", "2"}}).find("JOB_COMPLETION_INDEX needs --execution-segment-count") ==
        0);
  CHECK(error_for(from_env).find("--execution-segment-from-env: none of OMPI_COMM_WORLD_RANK, PMI_RANK") == 0);
  CHECK(error_for(from_env, {{"PMI_RANK", "x"}, {"PMI_SIZE", "2"}}) ==
        "--execution-segment-from-env: PMI_RANK must be a whole number, at least 0, got \"x\"");
  CHECK(error_for(from_env, {{"PMI_RANK", "0"}, {"PMI_SIZE", "0"}}) ==
        "--execution-segment-from-env: PMI_SIZE must be a whole number, at least 1, got \"0\"");
  CHECK(error_for({"--execution-segment-from-env", "--execution-segment-count", "3"},
                  {{"OMPI_COMM_WORLD_RANK", "0"}, {"OMPI_COMM_WORLD_SIZE", "2"}}) ==
        "--execution-segment-count 3 disagrees with OMPI_COMM_WORLD_SIZE=2");
  CHECK(error_for({"--execution-segment-from-env", "--execution-segment-index", "0"}, {{"PMI_RANK", "0"}, {"PMI_SIZE", "2"}})
            .find("--execution-segment-from-env takes the index from the environment") == 0);
}

namespace {

sp::testing::cli_outcome run_main(std::initializer_list<std::string_view> args, sp::load_test test) {
  return sp::testing::run_cli_captured(std::vector<std::string_view>{args}, std::move(test));
}

sp::task<> quick(sp::vu&) { co_return; }

sp::load_test quick_test(std::int64_t vus, std::int64_t iterations) {
  return sp::load_test{.scenarios = {{.name = "quick", .exec = quick,
                                      .executor = sp::shared_iterations{.vus = vus, .iterations = iterations}}},
                       .thresholds = {sp::iterations.count() > 1000}};
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a part shows its share in the header, and with a result file leaves the verdict to the merge") {
  stampede_test::temp_file file{"part.json"};
  const auto r = run_main({"--threads", "1", "--seed", "1", "--execution-segment-index", "1", "--execution-segment-count",
                           "4", "--out", "result=" + file.path},
                          quick_test(8, 40));
  INFO(r.err);
  CHECK(contains(r.err, "scenarios: (25.00%) 1 scenario, 2 max VUs"));
  CHECK(contains(r.err, "* quick: 10 iterations shared among 2 VUs"));
  // The threshold failed in this part, for information: the part wrote its result and exits 0.
  CHECK(contains(r.out, "count>1000"));
  CHECK(contains(r.err, "execution segment 1/4:1/2: exit code 99 reported in the result file; this part exits 0"));
  CHECK(r.code == 0);
  const auto doc = sp::result_document_from_json(stampede_test::read_text(file.path));
  CHECK(doc.segment == "1/4:1/2");
  CHECK(doc.sequence == "0,1/4,1/2,3/4,1");
  CHECK(doc.exit_code == 99);

  // Without a result file the part's own verdict is all there is.
  const auto alone = run_main({"-q", "--threads", "1", "--execution-segment", "0:1/2"}, quick_test(8, 40));
  CHECK(alone.code == 99);
}

TEST_CASE("a part with nothing to do says so and exits 0") {
  // Its thresholds, judged on no samples, fail (count>1000), and do not count.
  const auto r = run_main({"--threads", "1", "--execution-segment", "1/2:1"}, quick_test(1, 1));
  CHECK(r.code == 0);
  CHECK(contains(r.out, "count>1000"));
  CHECK(contains(r.err, "execution segment 1/2:1 in 0,1/2,1: no work for this part"));
  CHECK(contains(r.err, "* quick: 0 iterations shared among 0 VUs"));
}

TEST_CASE("a bad segment flag exits 104 before the run") {
  const auto r = run_main({"--execution-segment-index", "5", "--execution-segment-count", "2"}, quick_test(1, 1));
  CHECK(r.code == sp::exit_code::invalid_config);
  CHECK(r.err.find("error: --execution-segment-index is 5, but the test runs as 2 parts") == 0);
}
