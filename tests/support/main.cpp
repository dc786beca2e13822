// The test runner's main(): ours, because Debian's libCatch2WithMain.a is built without
// benchmarking and Catch2 v3 splits its main into another library.
#if !defined(STAMPEDE_CATCH2_MAJOR) || STAMPEDE_CATCH2_MAJOR < 3
#  define CATCH_CONFIG_RUNNER
#endif
#include "support/catch_compat.hpp"

int main(int argc, char* argv[]) {
  return Catch::Session().run(argc, argv);
}
