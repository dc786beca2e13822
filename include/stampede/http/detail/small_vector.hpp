// A vector of trivially copyable values that keeps its first N in the object itself.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

namespace stampede::http::detail {

/// Up to N elements inline, more on the heap: a response's headers usually fit, so reading
/// one allocates nothing. No pointer into itself (unlike a std::string's small buffer), so a
/// bitwise relocation (g++ 12 does one for temporaries inside `co_await`) is harmless.
template <typename T, std::size_t N>
class small_vector {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] T* data() noexcept { return heap_.empty() ? inline_.data() : heap_.data(); }
  [[nodiscard]] const T* data() const noexcept {
    return heap_.empty() ? inline_.data() : heap_.data();
  }
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  T& back() noexcept { return data()[size_ - 1]; }
  T* begin() noexcept { return data(); }
  T* end() noexcept { return data() + size_; }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size_; }

  void clear() noexcept {
    size_ = 0;
    heap_.clear();  // keeps its capacity
  }
  void push_back(const T& value) { append(&value, 1); }
  void append(const T* values, std::size_t n) {
    if (n == 0) return;
    if (heap_.empty() && size_ + n <= N) {
      std::memcpy(inline_.data() + size_, values, n * sizeof(T));
    } else {
      if (heap_.empty()) heap_.assign(inline_.data(), inline_.data() + size_);
      heap_.insert(heap_.end(), values, values + n);
    }
    size_ += n;
  }
  /// Removes the elements for which `pred` holds, keeping the order of the others.
  template <typename Pred>
  std::size_t erase_if(Pred pred) {
    T* first = data();
    T* last = std::remove_if(first, first + size_, pred);
    const auto removed = static_cast<std::size_t>(first + size_ - last);
    size_ -= removed;
    if (!heap_.empty()) heap_.resize(size_);
    return removed;
  }

 private:
  std::array<T, N> inline_{};
  std::vector<T> heap_;  // all the elements, once they did not fit inline
  std::size_t size_ = 0;
};

}  // namespace stampede::http::detail
