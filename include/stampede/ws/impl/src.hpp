// The ws module's non-template bodies, for a build with STAMPEDE_SEPARATE_COMPILATION:
// included once, by stampede/impl/src.hpp or one of the library's sources (src/).
#pragma once

#if !defined(STAMPEDE_SEPARATE_COMPILATION)
#  error "stampede/ws/impl/src.hpp is for builds that define STAMPEDE_SEPARATE_COMPILATION"
#endif

#include <stampede/ws.hpp>
#include <stampede/ws/detail/frame_decoder.hpp>
#include <stampede/ws/detail/handshake.hpp>

#include <stampede/ws/impl/close_payload.ipp>
#include <stampede/ws/impl/frame_decoder.ipp>
#include <stampede/ws/impl/handshake.ipp>
#include <stampede/ws/impl/session.ipp>
#include <stampede/ws/impl/client.ipp>
