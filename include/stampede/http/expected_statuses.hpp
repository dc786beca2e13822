// Which response statuses count as expected: k6's `http.expectedStatuses`.
#pragma once

#include <initializer_list>
#include <vector>

namespace stampede::http {

/// A closed range of statuses; a single status converts to a range of one.
struct status_range {
  int min;
  int max;
  constexpr status_range(int status) noexcept : min{status}, max{status} {}  // NOLINT: implicit
  constexpr status_range(int lo, int hi) noexcept : min{lo}, max{hi} {}
  friend bool operator==(const status_range&, const status_range&) = default;
};

/// The statuses a request expects. They decide the `expected_response` tag and
/// `http_req_failed`: a response outside them, or no response at all, is a failed request.
/// The default is k6's: 200–399.
///
/// ```cpp
/// http::expected_statuses{200, 404, {500, 503}}
/// ```
class expected_statuses {
 public:
  /// k6's default, 200–399.
  expected_statuses() : ranges_{{200, 399}} {}
  expected_statuses(std::initializer_list<status_range> ranges) : ranges_{ranges} {}

  /// Whether `status` is in one of the ranges. A failed request (status 0) never is.
  [[nodiscard]] bool contains(int status) const noexcept {
    if (status == 0) return false;
    for (const auto& r : ranges_) {
      if (status >= r.min && status <= r.max) return true;
    }
    return false;
  }
  [[nodiscard]] const std::vector<status_range>& ranges() const noexcept { return ranges_; }

  friend bool operator==(const expected_statuses&, const expected_statuses&) = default;

 private:
  std::vector<status_range> ranges_;
};

}  // namespace stampede::http
