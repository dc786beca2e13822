// What a stream (a std::tmpfile standing in for stdout or stderr) has received, read back.
#pragma once

#include <cstdio>
#include <string>

namespace stampede::testing {

inline std::string file_text(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buffer[4096];
  for (std::size_t n = 0; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) out.append(buffer, n);
  return out;
}

}  // namespace stampede::testing
