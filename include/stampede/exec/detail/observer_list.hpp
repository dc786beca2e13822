// The observers of a run, called so that one that fails cannot lose the run.
#pragma once

#include <stampede/exec/observer.hpp>

#include <fmt/format.h>

#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::detail {

// The run's observers. One that throws is detached for the rest of the run and its failure
// written into the result's `output_errors` at once, so that the observers after it at the
// end (the summary) see it: an output that fails must not lose the run.
class observer_list {
 public:
  observer_list(const std::vector<run_observer*>& observers, std::vector<std::string>& failures) : failures_{failures} {
    for (auto* o : observers) {
      if (o != nullptr) observers_.push_back(o);
    }
  }
  // Whether any observer streams samples: the recorders keep them only then.
  [[nodiscard]] bool want_samples() {
    bool any = false;
    notify("wants_samples", [&](run_observer& o) { any = o.wants_samples() || any; });
    return any;
  }
  template <typename Fn>
  void notify(std::string_view call, Fn&& fn) {
    for (auto*& o : observers_) {
      if (o == nullptr) continue;
      try {
        fn(*o);
      } catch (const std::exception& e) {
        failures_.push_back(fmt::format("an observer failed in {} and was detached: {}", call, e.what()));
        o = nullptr;
      } catch (...) {
        failures_.push_back(fmt::format("an observer failed in {} and was detached", call));
        o = nullptr;
      }
    }
  }

 private:
  std::vector<run_observer*> observers_;
  std::vector<std::string>& failures_;
};

}  // namespace stampede::detail
