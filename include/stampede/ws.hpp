// stampede's ws: WebSocket (RFC 6455). So far the close status codes; the client comes next.
// One include for the module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/ws/close_code.hpp>
