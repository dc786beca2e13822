// The http module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/http/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/http.hpp>

#include <stampede/http/impl/url.ipp>
#include <stampede/http/impl/cookie_jar.ipp>
#include <stampede/http/impl/headers.ipp>
#include <stampede/http/impl/request.ipp>
#include <stampede/http/impl/dns_cache.ipp>
#include <stampede/http/impl/rate_limiter.ipp>
#include <stampede/http/impl/client.ipp>
