// Bodies of server (included by testbed/server.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/error.hpp>
#include <stampede/testbed/detail/server_core.hpp>

#include <utility>

namespace stampede::testbed {

STAMPEDE_DECL server::server(server_options options) : core_(std::make_unique<detail::server_core>(std::move(options))) {}

STAMPEDE_DECL server::~server() = default;  // server_core's destructor stops and joins

STAMPEDE_DECL std::uint16_t server::port() const noexcept {
  return core_->port();
}

STAMPEDE_DECL std::string server::url(std::string_view path) const {
  return detail::http_url(core_->host(), core_->port(), path);
}

STAMPEDE_DECL void server::set_replicas(int n) {
  auto& pool = core_->state().pool;
  if (!pool) throw usage_error("testbed::server::set_replicas: the server has no replica model (server_options::replicas)");
  pool->resize(n);
}

STAMPEDE_DECL replica_model server::replicas() const {
  const auto& pool = core_->state().pool;
  if (!pool) throw usage_error("testbed::server::replicas: the server has no replica model (server_options::replicas)");
  return pool->model();
}

STAMPEDE_DECL bool server::has_replicas() const noexcept {
  return core_->state().pool.has_value();
}

STAMPEDE_DECL server_stats server::stats() const {
  return core_->state().stats.snapshot();
}

STAMPEDE_DECL const server_options& server::options() const noexcept {
  return core_->state().options;
}

STAMPEDE_DECL void server::stop() {
  core_->stop();
}

}  // namespace stampede::testbed
