// stampede's ws: WebSocket (RFC 6455) clients with k6's ws metrics. One include for the module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/ws/client.hpp>
#include <stampede/ws/close_code.hpp>
#include <stampede/ws/message.hpp>
#include <stampede/ws/options.hpp>
#include <stampede/ws/session.hpp>
