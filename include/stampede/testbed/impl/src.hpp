// The testbed module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/testbed/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/testbed.hpp>

#include <stampede/testbed/impl/replica_model.ipp>
#include <stampede/testbed/impl/service_time.ipp>
#include <stampede/testbed/impl/route.ipp>
#include <stampede/testbed/impl/server_options.ipp>
#include <stampede/testbed/impl/server.ipp>
#include <stampede/testbed/impl/proxy.ipp>
#include <stampede/testbed/impl/slot_scheduler.ipp>
