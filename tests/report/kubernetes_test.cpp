// The Kubernetes manifest (`manifest kubernetes`): the Job and Service as a golden file, the
// options that change it, every refusal of a bad option, and the manifest read back by a YAML
// reader as kubectl reads it (tests/report/tools/manifest_check.py, on PyYAML).
#include <stampede/core/error.hpp>
#include <stampede/report/kubernetes.hpp>

#include "support/catch_compat.hpp"
#include "support/golden.hpp"
#include "support/temp_file.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace sp = stampede;
using namespace std::chrono_literals;

namespace {

sp::kubernetes_manifest_options checkout() {
  return {
      .name = "checkout",
      .image = "registry.example.com/shop/load:1.4",
      .parallelism = 4,
      .program = "/app/my_test",
      .start_at = std::chrono::sys_days{std::chrono::year{2026} / 12 / 6} + 19h + 30min,
  };
}

// The usage_error's message, or what happened instead.
std::string error_of(const sp::kubernetes_manifest_options& options) {
  try {
    (void)sp::kubernetes_manifest(options);
    return "no error";
  } catch (const sp::usage_error& e) {
    return e.what();
  }
}

void write_file(const std::string& path, const std::string& text) { std::ofstream{path, std::ios::binary} << text; }

}  // namespace

TEST_CASE("kubernetes_manifest writes a headless Service and an Indexed Job of N parts") {
  stampede_test::check_golden("report/golden/kubernetes_job.yaml", sp::kubernetes_manifest(checkout()));
}

TEST_CASE("kubernetes_manifest appends extra args, leaves out unset options, and quotes what YAML could misread") {
  auto options = checkout();
  options.name = "no";  // YAML 1.1 reads a bare no as false
  options.spread = false;
  options.start_at.reset();
  options.cpu = "500m";
  options.memory = "1Gi";
  options.extra_args = {"--env", "BASE_URL=http://api:8080/#top", "--tag=say \"hi\"\n"};
  const auto yaml = sp::kubernetes_manifest(options);
  CHECK(yaml.rfind("# stampede: no, 4 parts\n", 0) == 0);
  CHECK(yaml.find("affinity") == std::string::npos);
  CHECK(yaml.find("--start-at") == std::string::npos);
  CHECK(yaml.find("  name: \"no\"\n") != std::string::npos);
  CHECK(yaml.find("    job-name: \"no\"\n") != std::string::npos);
  CHECK(yaml.find("kubectl logs -l job-name=no --tail=-1 > parts.log") != std::string::npos);
  CHECK(yaml.find("            - \"--quiet\"\n"
                  "            - \"--env\"\n"
                  "            - \"BASE_URL=http://api:8080/#top\"\n"
                  "            - \"--tag=say \\\"hi\\\"\\n\"\n"
                  "          resources:\n") != std::string::npos);
  CHECK(yaml.find("            requests:\n"
                  "              cpu: \"500m\"\n"
                  "              memory: \"1Gi\"\n"
                  "            limits:\n"
                  "              cpu: \"500m\"\n"
                  "              memory: \"1Gi\"\n") != std::string::npos);
}

TEST_CASE("kubernetes_manifest shows a program name that the shell would split as one quoted word") {
  auto options = checkout();
  options.program = "/opt/load tests/it's";
  const auto yaml = sp::kubernetes_manifest(options);
  CHECK(yaml.find("#   './it'\\''s' merge parts.log\n") != std::string::npos);
  CHECK(yaml.find("          command: [\"/opt/load tests/it's\"]\n") != std::string::npos);
}

TEST_CASE("kubernetes_manifest refuses bad options, naming the field and its value") {
  using options_change = void (*)(sp::kubernetes_manifest_options&);
  const std::string long_name(64, 'a');
  struct bad_case {
    options_change change;
    std::string message;
  };
  const std::vector<bad_case> cases{
      {[](auto& o) { o.name = "Checkout"; },
       "kubernetes_manifest: name \"Checkout\" is not a DNS-1123 label: it may hold only lowercase letters, digits "
       "and '-'"},
      {[](auto& o) { o.name = "check_out"; },
       "kubernetes_manifest: name \"check_out\" is not a DNS-1123 label: it may hold only lowercase letters, digits "
       "and '-'"},
      {[](auto& o) { o.name = std::string(64, 'a'); },
       "kubernetes_manifest: name \"" + long_name +
           "\" is not a DNS-1123 label: it has 64 characters, at most 63 are allowed"},
      {[](auto& o) { o.name = ""; }, "kubernetes_manifest: name \"\" is not a DNS-1123 label: it is empty"},
      {[](auto& o) { o.name = "1checkout"; },
       "kubernetes_manifest: name \"1checkout\" is not a DNS-1123 label: it must start with a lowercase letter"},
      {[](auto& o) { o.name = "-checkout"; },
       "kubernetes_manifest: name \"-checkout\" is not a DNS-1123 label: it must start with a lowercase letter"},
      {[](auto& o) { o.name = "checkout-"; },
       "kubernetes_manifest: name \"checkout-\" is not a DNS-1123 label: it must end with a lowercase letter or digit"},
      {[](auto& o) {
         o.name = std::string(62, 'a');
         o.parallelism = 1;
       },
       "kubernetes_manifest: name \"" + std::string(62, 'a') +
           "\" is too long for 1 part: the last pod's hostname \"" + std::string(62, 'a') +
           "-0\" has more than 63 characters"},
      {[](auto& o) {
         o.name = std::string(60, 'a');
         o.parallelism = 1000;
       },
       "kubernetes_manifest: name \"" + std::string(60, 'a') +
           "\" is too long for 1000 parts: the last pod's hostname \"" + std::string(60, 'a') +
           "-999\" has more than 63 characters"},
      {[](auto& o) { o.image = ""; }, "kubernetes_manifest: image must not be empty"},
      {[](auto& o) { o.image = "shop/load 1.4"; },
       "kubernetes_manifest: image \"shop/load 1.4\" holds whitespace or a control character"},
      {[](auto& o) { o.parallelism = 0; }, "kubernetes_manifest: parallelism must be between 1 and 1000, got 0"},
      {[](auto& o) { o.parallelism = 1001; }, "kubernetes_manifest: parallelism must be between 1 and 1000, got 1001"},
      {[](auto& o) { o.program = "app/my_test"; },
       "kubernetes_manifest: program \"app/my_test\" must be the absolute path of the test binary inside the image, "
       "such as \"/app/my_test\""},
      {[](auto& o) { o.program = "/app/"; },
       "kubernetes_manifest: program \"/app/\" must be the absolute path of the test binary inside the image, "
       "such as \"/app/my_test\""},
      {[](auto& o) { o.program = "/app/my_test\n#"; },
       "kubernetes_manifest: program \"/app/my_test\\n#\" holds a control character"},
  };
  for (const auto& c : cases) {
    auto options = checkout();
    c.change(options);
    CHECK(error_of(options) == c.message);
  }
}

TEST_CASE("kubernetes_manifest accepts the limits themselves: 1 and 1000 parts, the longest name that fits") {
  auto options = checkout();
  options.parallelism = 1;
  options.name = std::string(61, 'a');  // the only hostname, name-0, has 63 characters
  CHECK(error_of(options) == "no error");
  CHECK(sp::kubernetes_manifest(options).rfind("# stampede: " + options.name + ", 1 part\n", 0) == 0);
  options.parallelism = 1000;
  options.name = std::string(59, 'a');  // the last hostname, name-999, has 63 characters
  CHECK(error_of(options) == "no error");
}

TEST_CASE("a YAML reader reads the manifest: a headless Service and an Indexed Job of N parts") {
  const stampede_test::temp_file file{"kubernetes.yaml"};
  // Writes `yaml` to the file; the command that checks it holds the objects of a test of `parts` parts.
  const auto check_command = [&](const std::string& yaml, const std::string& parts) {
    write_file(file.path, yaml);
    return std::string{"python3 "} + STAMPEDE_TESTS_DIR + "/report/tools/manifest_check.py " + file.path + " " + parts;
  };
  if (std::system("python3 -c 'import yaml' >/dev/null 2>&1") != 0) {
    WARN("python3 or its yaml module is not installed: the manifest was not read by a YAML reader (scripts/setup "
         "installs python3-yaml)");
  } else {
    auto options = checkout();
    {
      const auto command = check_command(sp::kubernetes_manifest(options), "4");
      INFO(command);
      CHECK(std::system(command.c_str()) == 0);
    }
    options.name = "no";
    options.parallelism = 1;
    options.spread = false;
    options.extra_args = {"--env", "A=b: c # d", "{x}", "- [y]"};
    {
      const auto command = check_command(sp::kubernetes_manifest(options), "1");
      INFO(command);
      CHECK(std::system(command.c_str()) == 0);
    }
    {
      // The reader tells a wrong manifest: this one's Job has 1 completion, not 2.
      const auto command = check_command(sp::kubernetes_manifest(options), "2") + " 2>/dev/null";
      INFO(command);
      CHECK(std::system(command.c_str()) != 0);
    }
  }
}
