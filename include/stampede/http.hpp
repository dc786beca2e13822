// stampede's http: the HTTP/1.1 client, requests, responses, timings, errors and response predicates.
// One include for the module; <stampede/stampede.hpp> includes every module.
#pragma once

#include <stampede/config.hpp>

#include <stampede/http/body.hpp>
#include <stampede/http/client.hpp>
#include <stampede/http/client_options.hpp>
#include <stampede/http/cookie_jar.hpp>
#include <stampede/http/error.hpp>
#include <stampede/http/expected_statuses.hpp>
#include <stampede/http/headers.hpp>
#include <stampede/http/metrics_target.hpp>
#include <stampede/http/predicates.hpp>
#include <stampede/http/request.hpp>
#include <stampede/http/response.hpp>
#include <stampede/http/timings.hpp>
#include <stampede/http/url.hpp>
