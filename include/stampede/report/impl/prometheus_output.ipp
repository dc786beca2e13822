// Bodies of prometheus_output (included by report/prometheus_output.hpp).
#pragma once

#include <stampede/config.hpp>

#include <stampede/core/charconv.hpp>
#include <stampede/core/error.hpp>
#include <stampede/metrics/sink.hpp>
#include <stampede/report/json_output.hpp>

#include <asio/buffer.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <istream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace stampede {

namespace detail::prometheus {

// A tag key as a label name: [a-zA-Z_][a-zA-Z0-9_]*, anything else an underscore.
STAMPEDE_DECL std::string label_name(std::string_view key) {
  std::string out;
  out.reserve(key.size() + 1);
  for (const char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), '_');
  return out;
}

// A label value in the text format: backslash, double quote and line feed escaped.
STAMPEDE_DECL void append_label_value(std::string_view value, std::string& out) {
  for (const char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

// `{k="v",…}` without the closing brace, so that a histogram can add `le`.
STAMPEDE_DECL std::string open_labels(const tag_set& tags) {
  std::string out = "{";
  for (const auto& t : tags) {
    if (out.size() > 1) out += ',';
    out += label_name(t.key);
    out += "=\"";
    append_label_value(t.value, out);
    out += '"';
  }
  return out;
}

// How many of a histogram's counters one exposed bucket merges: 64 per power of two.
STAMPEDE_DECL std::size_t slots_per_bucket(const histogram& h) {
  const auto per_half_octave = static_cast<std::size_t>(1.0 / h.max_relative_error() + 0.5);
  return std::max<std::size_t>(1, per_half_octave / 64);
}

// One series: a metric and one tag set, everything since the run started.
struct series {
  metric_id metric = 0;
  std::string labels;  // open_labels of its tags
  sink data;
};

}  // namespace detail::prometheus

struct prometheus_output::state {
  options opts;
  asio::io_context io{1};
  asio::ip::tcp::acceptor acceptor{io};
  std::thread thread;
  std::atomic<std::uint64_t> scrapes{0};

  // Aggregation, on the io thread only.
  std::shared_ptr<const metric_registry> registry;
  std::vector<std::vector<std::string>> labels;        // by source and tag set id
  std::vector<std::vector<std::vector<std::int64_t>>> series_of;  // source → tag id → metric → index + 1
  std::vector<detail::prometheus::series> all;
  sample_tag_tables tags;

  // The run's end, for linger; pending samples, for the backlog bound.
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::optional<std::chrono::steady_clock::time_point> ended;
  std::atomic<std::size_t> pending{0};
  std::atomic<std::uint64_t> dropped{0};

  void aggregate(const tick_samples& batch);
  [[nodiscard]] std::string render() const;
  void accept();
};

STAMPEDE_DECL void prometheus_output::state::aggregate(const tick_samples& batch) {
  namespace d = detail::prometheus;
  registry = batch.registry;
  for (const auto& block : batch.blocks) {
    tags.learn(block);
    if (series_of.size() <= block.source) {
      series_of.resize(std::size_t{block.source} + 1);
      labels.resize(std::size_t{block.source} + 1);
    }
    auto& by_tags = series_of[block.source];
    auto& label_texts = labels[block.source];
    for (const auto& s : block.samples) {
      if (by_tags.size() <= s.tags) by_tags.resize(std::size_t{s.tags} + 1);
      auto& by_metric = by_tags[s.tags];
      if (by_metric.size() <= s.metric) by_metric.resize(std::size_t{s.metric} + 1, 0);
      auto& index = by_metric[s.metric];
      if (index == 0) {
        if (label_texts.size() <= s.tags) label_texts.resize(std::size_t{s.tags} + 1);
        auto& text = label_texts[s.tags];
        if (text.empty()) text = d::open_labels(tags.get(block.source, s.tags));
        // Shards intern the same tag set under their own ids: one series per distinct set.
        const auto& descriptor = registry->descriptor(s.metric);
        const auto same = std::find_if(all.begin(), all.end(), [&](const d::series& x) {
          return x.metric == s.metric && x.labels == text;
        });
        if (same != all.end()) {
          index = same - all.begin() + 1;
        } else {
          all.push_back({s.metric, text, make_sink(descriptor)});
          index = static_cast<std::int64_t>(all.size());
        }
      }
      std::visit(
          [&](auto& sk) {
            using sink_type = std::decay_t<decltype(sk)>;
            if constexpr (std::is_same_v<sink_type, counter_sink>) {
              sk.add(s.value);
            } else if constexpr (std::is_same_v<sink_type, gauge_sink>) {
              sk.set(s.value, s.at);
            } else if constexpr (std::is_same_v<sink_type, rate_sink>) {
              sk.add(s.value != 0);
            } else {
              sk.add(s.value);
            }
          },
          all[static_cast<std::size_t>(index - 1)].data);
    }
  }
}

STAMPEDE_DECL std::string prometheus_output::state::render() const {
  namespace d = detail::prometheus;
  std::string out;
  if (!registry) return out;
  // Series grouped by metric, metrics in registry order, so each family is written once.
  std::map<metric_id, std::vector<const d::series*>> families;
  for (const auto& s : all) families[s.metric].push_back(&s);
  for (const auto& [id, members] : families) {
    const auto& m = registry->descriptor(id);
    const std::string base = "k6_" + m.name;
    switch (m.type) {
      case metric_type::counter: {
        const auto name = base + "_total";
        out += fmt::format("# HELP {} k6's {} (counter)\n# TYPE {} counter\n", name, m.name, name);
        for (const auto* s : members) {
          out += name + s->labels + "} " + format_go_float(k6_sample_value(m, std::get<counter_sink>(s->data).sum)) + '\n';
        }
        break;
      }
      case metric_type::gauge: {
        out += fmt::format("# HELP {} k6's {} (gauge)\n# TYPE {} gauge\n", base, m.name, base);
        for (const auto* s : members) {
          out += base + s->labels + "} " + format_go_float(k6_sample_value(m, std::get<gauge_sink>(s->data).value)) + '\n';
        }
        break;
      }
      case metric_type::rate: {
        const auto name = base + "_rate";
        out += fmt::format("# HELP {} k6's {} (rate: the share of non-zero samples)\n# TYPE {} gauge\n", name,
                           m.name, name);
        for (const auto* s : members) {
          out += name + s->labels + "} " + format_go_float(std::get<rate_sink>(s->data).rate().value_or(0)) + '\n';
        }
        break;
      }
      case metric_type::trend: {
        const auto name = base + (m.contains == value_type::time ? "_seconds" : m.contains == value_type::data ? "_bytes" : "");
        out += fmt::format("# HELP {} k6's {} (trend)\n# TYPE {} histogram\n", name, m.name, name);
        for (const auto* s : members) {
          const auto& ts = std::get<trend_sink>(s->data);
          const auto& h = ts.samples;
          // Histogram units to the exposed unit: nanoseconds to seconds, thousandths to ones.
          const double unit = m.contains == value_type::time ? 1e9 : ts.scale();
          const auto group = d::slots_per_bucket(h);
          const auto bucket = [&](double le, std::uint64_t cumulative) {
            out += name + "_bucket" + s->labels + (s->labels.size() > 1 ? "," : "") + "le=\"" + format_go_float(le) +
                   "\"} " + std::to_string(cumulative) + '\n';
          };
          std::uint64_t counted = 0;       // values up to the end of the current group
          std::uint64_t before_group = 0;  // values below the current group
          std::optional<std::size_t> current;
          std::optional<double> last_le;
          const auto close_group = [&] {
            const auto first = *current * group;
            const auto last = std::min(first + group, h.bucket_count()) - 1;
            // Its lower edge too, unless the previous group ended there, so that PromQL's
            // interpolation stays inside the values' own range.
            if (const auto lowest = h.bucket_lowest(first); lowest > 0) {
              const double lower = static_cast<double>(lowest - 1) / unit;
              if (!last_le || *last_le < lower) bucket(lower, before_group);
            }
            last_le = static_cast<double>(h.bucket_highest(last)) / unit;
            bucket(*last_le, counted);
          };
          h.for_each_nonzero_bucket([&](std::size_t index, std::uint64_t count) {
            const auto g = index / group;
            if (current && *current != g) close_group();
            if (!current || *current != g) {
              before_group = counted;
              current = g;
            }
            counted += count;
          });
          if (current) close_group();
          bucket(std::numeric_limits<double>::infinity(), h.count());
          out += name + "_sum" + s->labels + "} " + format_go_float(h.sum().to_double() / unit) + '\n';
          out += name + "_count" + s->labels + "} " + std::to_string(h.count()) + '\n';
        }
        break;
      }
    }
  }
  return out;
}

namespace detail::prometheus {

// What a scraper may send and how long it may take before its connection is closed: a
// request head is a line and a few headers.
inline constexpr std::size_t max_request_head = 8192;
inline constexpr std::chrono::seconds scrape_deadline{10};

// One scrape: reads the request head, answers and closes.
class session : public std::enable_shared_from_this<session> {
 public:
  session(asio::ip::tcp::socket socket, prometheus_output::state& owner)
      : socket_{std::move(socket)}, timer_{socket_.get_executor()}, owner_{owner} {}

  void start() {
    timer_.expires_after(scrape_deadline);
    timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
      if (!ec) self->socket_.close();
    });
    asio::async_read_until(socket_, request_, "\r\n\r\n",
                           [self = shared_from_this()](const std::error_code& ec, std::size_t) { self->answer(ec); });
  }

 private:
  void answer(const std::error_code& ec) {
    if (ec) {
      timer_.cancel();
      return;
    }
    std::string line;
    {
      std::istream in{&request_};
      std::getline(in, line);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first_space = line.find(' ');
    const auto second_space = line.find(' ', first_space + 1);
    const auto method = line.substr(0, first_space);
    auto target = first_space == std::string::npos ? std::string{} : line.substr(first_space + 1, second_space - first_space - 1);
    target = target.substr(0, target.find('?'));
    std::string status = "200 OK";
    std::string body;
    std::string type = "text/plain; version=0.0.4; charset=utf-8";
    if (method != "GET" && method != "HEAD") {
      status = "405 Method Not Allowed";
      body = "only GET and HEAD\n";
      type = "text/plain; charset=utf-8";
    } else if (target != "/metrics") {
      status = "404 Not Found";
      body = "the metrics are at /metrics\n";
      type = "text/plain; charset=utf-8";
    } else {
      body = owner_.render();
      owner_.scrapes.fetch_add(1);
    }
    response_ = fmt::format("HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", status,
                            type, body.size());
    if (method != "HEAD") response_ += body;
    asio::async_write(socket_, asio::buffer(response_), [self = shared_from_this()](const std::error_code&, std::size_t) {
      std::error_code ignored;
      self->socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
      self->socket_.close(ignored);
      self->timer_.cancel();
    });
  }

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  asio::streambuf request_{max_request_head};
  std::string response_;
  prometheus_output::state& owner_;
};

}  // namespace detail::prometheus

STAMPEDE_DECL void prometheus_output::state::accept() {
  acceptor.async_accept([this](const std::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) std::make_shared<detail::prometheus::session>(std::move(socket), *this)->start();
    accept();
  });
}

STAMPEDE_DECL prometheus_output::prometheus_output(options o) : state_{std::make_shared<state>()} {
  state_->opts = std::move(o);
  auto& st = *state_;
  std::error_code ec;
  const auto address = asio::ip::make_address(st.opts.host, ec);
  if (ec) throw usage_error(fmt::format("\"{}\" is not an IP address to listen on", st.opts.host));
  const asio::ip::tcp::endpoint endpoint{address, st.opts.port};
  st.acceptor.open(endpoint.protocol(), ec);
  if (!ec) st.acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) st.acceptor.bind(endpoint, ec);
  if (!ec) st.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw usage_error(fmt::format("cannot listen on {}:{}: {}", st.opts.host, st.opts.port, ec.message()));
  }
  st.accept();
  st.thread = std::thread{[&st] { st.io.run(); }};
}

STAMPEDE_DECL prometheus_output::~prometheus_output() {
  auto& st = *state_;
  asio::post(st.io, [&st] {
    std::error_code ignored;
    st.acceptor.close(ignored);
  });
  st.io.stop();
  if (st.thread.joinable()) st.thread.join();
}

STAMPEDE_DECL void prometheus_output::on_start(const load_test& test, const execution_tuple& /*part*/) { (void)test; }

STAMPEDE_DECL void prometheus_output::on_samples(const std::shared_ptr<const tick_samples>& samples) {
  auto& st = *state_;
  const auto count = samples->size();
  if (st.pending.load() + count > st.opts.max_backlog) {
    st.dropped.fetch_add(count);
    // Later samples still name the tag sets these blocks bring.
    asio::post(st.io, [&st, samples] {
      for (const auto& block : samples->blocks) st.tags.learn(block);
    });
    return;
  }
  st.pending.fetch_add(count);
  asio::post(st.io, [&st, samples, count] {
    st.aggregate(*samples);
    st.pending.fetch_sub(count);
  });
}

STAMPEDE_DECL void prometheus_output::on_end(const result& r) {
  (void)r;
  auto& st = *state_;
  {
    const std::lock_guard lock{st.mutex};
    st.ended = std::chrono::steady_clock::now();
  }
  st.changed.notify_all();
  if (const auto dropped = st.dropped.load(); dropped > 0) {
    throw std::runtime_error(fmt::format("prometheus ({}): {} samples were not aggregated: the endpoint fell {} samples "
                                         "behind the run",
                                         url(), dropped, st.opts.max_backlog));
  }
}

STAMPEDE_DECL std::uint16_t prometheus_output::port() const noexcept {
  std::error_code ec;
  const auto endpoint = state_->acceptor.local_endpoint(ec);
  return ec ? state_->opts.port : endpoint.port();
}

STAMPEDE_DECL std::string prometheus_output::url() const {
  const auto& host = state_->opts.host;
  return fmt::format("http://{}:{}/metrics", host.find(':') != std::string::npos ? "[" + host + "]" : host, port());
}

STAMPEDE_DECL std::string prometheus_output::exposition() const {
  auto& st = *state_;
  std::promise<std::string> text;
  auto future = text.get_future();
  asio::post(st.io, [&st, &text] { text.set_value(st.render()); });
  return future.get();
}

STAMPEDE_DECL std::uint64_t prometheus_output::scrapes() const noexcept { return state_->scrapes.load(); }

STAMPEDE_DECL void prometheus_output::linger(const run_control* control, bool forever) const {
  auto& st = *state_;
  const int requests_before = control != nullptr ? control->stop_requests() : 0;
  std::unique_lock lock{st.mutex};
  while (true) {
    if (control != nullptr && control->stop_requests() > requests_before) return;
    const auto now = std::chrono::steady_clock::now();
    if (!forever) {
      if (!st.ended) return;  // the run never ended: nothing to linger after
      const auto until = *st.ended + std::chrono::duration_cast<std::chrono::steady_clock::duration>(st.opts.linger);
      if (now >= until) return;
      st.changed.wait_until(lock, std::min(until, now + std::chrono::milliseconds{100}));
    } else {
      if (control == nullptr) return;  // nothing could end the wait
      st.changed.wait_for(lock, std::chrono::milliseconds{100});
    }
  }
}

}  // namespace stampede
