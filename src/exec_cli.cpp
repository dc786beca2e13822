// Part of stampede::compiled: the bodies of the runner and sp::main (exec, cli). The library's bodies are split
// over a few sources so that a parallel build spreads them over the cores;
// <stampede/impl/src.hpp> holds them all for a single translation unit.
#include <stampede/exec/impl/src.hpp>
#include <stampede/cli/impl/src.hpp>
