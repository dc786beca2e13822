// Incremental UTF-8 validation for text messages and close reasons, fed pieces that may split
// a code point anywhere (a fragment or a TCP segment ends where it likes).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace stampede::ws::detail {

/// Checks that bytes fed in pieces are well-formed UTF-8 (Unicode 15, table 3-7): no
/// overlong forms, no surrogates (U+D800–U+DFFF), nothing above U+10FFFF. It fails at the
/// first byte that cannot continue a valid text, so a bad text is caught as early as a
/// whole-message check would allow ("fail fast", as the Autobahn suite expects).
///
/// The state is the number of continuation bytes still expected and the range the next one
/// must fall in: only the second byte of a sequence has a range narrower than 80..BF, which
/// is what rules out overlongs, surrogates and code points past U+10FFFF.
///
/// ```cpp
/// utf8_validator v;
/// v.feed("caf\xC3"); v.feed("\xA9");  // true, true: é split across pieces
/// v.complete();                        // true: the text ends on a code point
/// ```
class utf8_validator {
 public:
  /// Checks the next piece. False once the text so far cannot be valid UTF-8 (and from then on).
  constexpr bool feed(std::string_view piece) noexcept {
    if (failed_) return false;
    std::size_t i = 0;
    const std::size_t n = piece.size();
    while (i < n) {
      if (need_ == 0) {
        // ASCII runs are most text: skip them eight bytes at a time.
        if (!std::is_constant_evaluated()) {
          while (n - i >= 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, piece.data() + i, 8);
            if ((word & 0x8080808080808080ULL) != 0) break;
            i += 8;
          }
          if (i == n) break;
        }
        const auto b = static_cast<unsigned char>(piece[i++]);
        if (b < 0x80) continue;
        if (!start(b)) return fail();
      } else {
        const auto b = static_cast<unsigned char>(piece[i++]);
        if (b < low_ || b > high_) return fail();
        --need_;
        low_ = 0x80;
        high_ = 0xBF;
      }
    }
    return true;
  }

  /// Whether everything fed so far is valid and ends on a code point boundary: false for a
  /// text cut inside a sequence, which is invalid at the end of a message.
  [[nodiscard]] constexpr bool complete() const noexcept { return !failed_ && need_ == 0; }
  [[nodiscard]] constexpr bool failed() const noexcept { return failed_; }
  /// Forgets what was fed, for the next text.
  constexpr void reset() noexcept { *this = utf8_validator{}; }

 private:
  // A lead byte: how many continuation bytes follow, and the range of the first of them.
  constexpr bool start(unsigned char b) noexcept {
    low_ = 0x80;
    high_ = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      need_ = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need_ = 2;
      if (b == 0xE0) low_ = 0xA0;   // below is an overlong form of U+0000..U+07FF
      if (b == 0xED) high_ = 0x9F;  // above are the surrogates U+D800..U+DFFF
    } else if (b >= 0xF0 && b <= 0xF4) {
      need_ = 3;
      if (b == 0xF0) low_ = 0x90;   // below is an overlong form of U+0000..U+FFFF
      if (b == 0xF4) high_ = 0x8F;  // above is past U+10FFFF
    } else {
      return false;  // a continuation byte out of place, C0/C1 (always overlong), F5..FF
    }
    return true;
  }
  constexpr bool fail() noexcept {
    failed_ = true;
    return false;
  }

  std::uint8_t need_ = 0;
  std::uint8_t low_ = 0x80;
  std::uint8_t high_ = 0xBF;
  bool failed_ = false;
};

/// Whether `text` is whole, valid UTF-8.
[[nodiscard]] constexpr bool is_valid_utf8(std::string_view text) noexcept {
  utf8_validator v;
  return v.feed(text) && v.complete();
}

}  // namespace stampede::ws::detail
