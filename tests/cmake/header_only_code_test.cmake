# Checks that including <stampede/stampede.hpp> in a header-only translation unit generates no
# code for stampede bodies the program does not call. A polymorphic class whose virtual
# functions are declared plainly in the class and defined `inline` in impl/ has its first such
# function as key function, so every such translation unit emitted its vtable and, through
# it, everything its virtual functions reach (the summary, the JSON, CSV and Prometheus
# writers): declaring them STAMPEDE_DECL avoids that. What may remain is what namespace-scope
# objects need to initialise (the built-in metrics). Run as `cmake -P` by ctest with
# OBJECT (the compiled `int main(){}` with the umbrella header) and NM.
cmake_minimum_required(VERSION 3.21)

execute_process(COMMAND "${NM}" -C --defined-only "${OBJECT}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE symbols ERROR_VARIABLE error)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${OBJECT}: ${error}")
endif()

# Functions (text symbols) in namespace stampede, one per line.
string(REPLACE "\n" ";" lines "${symbols}")
set(unexpected "")
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^[0-9a-fA-F]* *[TtWw] (stampede::.*)$")
    continue()
  endif()
  set(name "${CMAKE_MATCH_1}")
  # The built-in metrics are namespace-scope objects; constructing them validates their names.
  if(name MATCHES "^stampede::metric<[^>]*>::~?metric\\(" OR
     name MATCHES "^stampede::(validate_metric_name|usage_error::~usage_error|error::~error)\\(")
    continue()
  endif()
  list(APPEND unexpected "${name}")
endforeach()

if(unexpected)
  list(LENGTH unexpected count)
  list(JOIN unexpected "\n  " shown)
  message(FATAL_ERROR "a header-only translation unit that only includes <stampede/stampede.hpp> "
    "generated code for ${count} stampede function(s) it does not call (a vtable emitted where no "
    "object is made? declare the virtual functions STAMPEDE_DECL):\n  ${shown}")
endif()
message(STATUS "no stampede function compiled for a translation unit that calls none")
