// The smallest useful stampede test, for the compile-time figure in docs/performance.md:
// one scenario that GETs a URL and checks the status, run by sp::main with k6's flags.
#include <stampede/stampede.hpp>

namespace sp = stampede;

namespace {

sp::task<> get_home(sp::vu& u) {
  const auto url = u.env("URL", "http://127.0.0.1:8080/");
  auto res = co_await u.http().get(url);
  u.check(res, "status was 200", [](const sp::http::response& r) { return r.status() == 200; });
}

}  // namespace

int main(int argc, char** argv) { return sp::main(argc, argv, sp::load_test{.scenarios = {{.exec = get_home}}}); }
