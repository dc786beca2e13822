// The `stampede::compiled` library: stampede's non-template bodies, compiled once, so that
// the translation units of a program built with STAMPEDE_SEPARATE_COMPILATION parse only
// declarations (docs/install.md, "Build modes").
#include <stampede/impl/src.hpp>
