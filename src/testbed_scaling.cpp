// Part of stampede::compiled: the bodies of the testbed server and scaling studies. The library's bodies are split
// over a few sources so that a parallel build spreads them over the cores;
// <stampede/impl/src.hpp> holds them all for a single translation unit.
#include <stampede/testbed/impl/src.hpp>
#include <stampede/scaling/impl/src.hpp>
