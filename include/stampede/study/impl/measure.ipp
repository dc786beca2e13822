// Bodies of study/measure.hpp.
#pragma once

#include <stampede/config.hpp>

namespace stampede {

STAMPEDE_DECL run_facts facts_of(const result& run) {
  run_facts f;
  f.metrics = &run.metrics;
  f.iterations = run.complete_iterations() + run.interrupted_iterations();
  for (const auto& e : run.errors) f.iteration_errors += e.count;
  f.duration = run.duration;
  f.shards = run.shards;
  f.generator_cpu = run.generator_cpu;
  return f;
}

STAMPEDE_DECL measurement measure(const snapshot& window, const result& run, const saturation_limits& limits) {
  return measure(window, facts_of(run), limits);
}

}  // namespace stampede
