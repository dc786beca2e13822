# Shared by scripts/demo and scripts/test: configure build/ once, then reuse it.
# Sourced, not run.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="${STAMPEDE_BUILD_DIR:-$root/build}"
# Build jobs: CMAKE_BUILD_PARALLEL_LEVEL if set (CMake's own variable), else one per core. Each
# compiler process can take about 1 GB, so lower it on a machine with little memory.
jobs="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
if ! [[ $jobs =~ ^[1-9][0-9]*$ ]]; then
  echo "CMAKE_BUILD_PARALLEL_LEVEL must be a positive number of build jobs, not '$jobs'" >&2
  exit 2
fi

# Configures build_dir if it has no cache yet (or the cache is from another source tree);
# otherwise the build reconfigures itself when CMake files change.
configure() {
  local cache="$build_dir/CMakeCache.txt"
  if [[ -f "$cache" ]] && grep -q "^CMAKE_HOME_DIRECTORY:INTERNAL=$root$" "$cache"; then
    return 0
  fi
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  # -O2 with line tables only (-g1): backtraces keep files and lines, and the build takes
  # about a third less CPU than with full debug information (-g). For a debugger's view of
  # variables, configure a build of your own with -g.
  cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "$@"
}

# Runs a command with its output kept in a log; shows the log only if the command fails.
quietly() {
  local log
  log=$(mktemp "${TMPDIR:-/tmp}/stampede.XXXXXX")
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "failed: $*" >&2
    return 1
  fi
  rm -f "$log"
}
