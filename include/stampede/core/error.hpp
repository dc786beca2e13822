// The exceptions stampede throws for bad input from its user: a definition, a flag, a string.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace stampede {

/// Bad input from the user: a test definition, a command-line flag, a threshold or duration
/// string. The message names the problem and the value at fault. Failures of the system
/// under test are never exceptions; they are recorded and classified.
class usage_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Text that could not be parsed. `what()` shows the problem, the text, and a caret under
/// the offending character:
///
/// ```text
/// invalid duration "1m3x": unknown unit "x"
///   1m3x
///      ^
/// ```
class parse_error : public usage_error {
 public:
  /// `what` names the kind of text ("duration", "threshold"), `problem` says what is wrong,
  /// and `position` is the 0-based byte offset of the offending character (`input.size()` for "the
  /// text ended too soon").
  parse_error(std::string_view what, std::string_view input, std::size_t position,
              std::string_view problem)
      : usage_error(format(what, input, position, problem)),
        input_(input),
        position_(position > input.size() ? input.size() : position) {}

  /// The text that failed to parse.
  [[nodiscard]] const std::string& input() const noexcept { return input_; }
  /// The 0-based byte offset of the offending character in `input()`.
  [[nodiscard]] std::size_t position() const noexcept { return position_; }

 private:
  static std::string format(std::string_view what, std::string_view input, std::size_t position,
                            std::string_view problem) {
    if (position > input.size()) position = input.size();
    std::string out = "invalid ";
    out.append(what).append(" \"").append(input).append("\": ").append(problem);
    out.append("\n  ").append(input).append("\n  ");
    // Count code points, not bytes, so the caret lines up under UTF-8 text such as "µs".
    for (std::size_t i = 0; i < position; ++i) {
      if ((static_cast<unsigned char>(input[i]) & 0xC0) != 0x80) out += ' ';
    }
    out += '^';
    return out;
  }

  std::string input_;
  std::size_t position_;
};

}  // namespace stampede
