# Shared by scripts/demo and scripts/test: configure build/ once, then reuse it.
# Sourced, not run.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="${STAMPEDE_BUILD_DIR:-$root/build}"
jobs=$(nproc 2>/dev/null || echo 2)

# Configures build_dir if it has no cache yet (or the cache is from another source tree);
# otherwise the build reconfigures itself when CMake files change.
configure() {
  local cache="$build_dir/CMakeCache.txt"
  if [[ -f "$cache" ]] && grep -q "^CMAKE_HOME_DIRECTORY:INTERNAL=$root$" "$cache"; then
    return 0
  fi
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
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
