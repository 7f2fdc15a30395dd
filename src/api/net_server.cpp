#include <utility>  // before Asio: boost/asio/awaitable.hpp needs std::exchange (DESIGN.md)

#include "api/net_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "api/app.h"
#include "api/log.h"

namespace openkap::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Resumes the calling coroutine with the App's answer, on the connection's own executor.
template <class Token>
auto async_dispatch(App& app, Request req, Token&& token) {
  return asio::async_initiate<Token, void(Response)>(
      [&app](auto handler, Request r) {
        auto ex = asio::get_associated_executor(handler);
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        app.dispatch(std::move(r), [h, ex](Response res) {
          asio::post(ex, [h, res = std::move(res)]() mutable { (*h)(std::move(res)); });
        });
      },
      token, std::move(req));
}

Request to_request(const http::request<http::string_body>& m, const std::string& client) {
  Request r;
  r.method = std::string(m.method_string());
  r.target = std::string(m.target());
  const auto q = r.target.find('?');
  r.path = url_decode(std::string_view(r.target).substr(0, q), false);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  r.headers.reserve(8);
  for (const auto& f : m) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  r.body = m.body();
  r.client_addr = client;
  return r;
}

http::response<http::string_body> to_message(Response&& res, unsigned version, bool keep_alive, bool head) {
  http::response<http::string_body> m{static_cast<http::status>(res.status), version};
  m.set(http::field::server, "openkap");
  if (!res.content_type.empty()) m.set(http::field::content_type, res.content_type);
  for (auto& [k, v] : res.headers) m.insert(k, v);
  m.keep_alive(keep_alive);
  if (head) {
    m.content_length(res.body.size());
  } else {
    m.body() = std::move(res.body);
    m.prepare_payload();
  }
  return m;
}

Response early_problem(int status, const std::string& code, const std::string& title, const std::string& detail) {
  Response r = problem(status, code, title, detail);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

struct Server::Impl {
  App& app;
  ServerOptions options;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::signal_set signals{io, SIGINT, SIGTERM};
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};

  Impl(App& a, ServerOptions o) : app(a), options(std::move(o)), io(static_cast<int>(options.io_threads)) {}

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    std::string client;
    {
      beast::error_code ec;
      auto ep = stream.socket().remote_endpoint(ec);
      if (!ec) client = ep.address().to_string();
    }
    beast::flat_buffer buffer;
    for (;;) {
      beast::error_code ec;
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      // Slow clients get a bounded time to send a whole request, so they cannot hold the server.
      stream.expires_after(std::chrono::seconds(buffer.size() > 0 ? options.read_timeout_seconds
                                                                  : options.idle_timeout_seconds));
      co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) {
        stream.expires_after(std::chrono::seconds(options.read_timeout_seconds));
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec) {
        if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::bad_method ||
            ec == http::error::bad_target || ec == http::error::bad_version || ec == http::error::bad_field ||
            ec == http::error::bad_value || ec == http::error::bad_line_ending || ec == http::error::bad_chunk ||
            ec == http::error::bad_content_length || ec == http::error::bad_obs_fold ||
            ec == http::error::bad_transfer_encoding) {
          const bool too_big = ec == http::error::body_limit || ec == http::error::header_limit;
          auto res = too_big ? early_problem(ec == http::error::body_limit ? 413 : 431, "too_large",
                                             "Request too large",
                                             ec == http::error::body_limit ? "the body is larger than 64 KiB"
                                                                           : "the headers are larger than 8 KiB")
                             : early_problem(400, "bad_request", "Bad request", "the HTTP request is malformed");
          auto msg = to_message(std::move(res), 11, false, false);
          stream.expires_after(std::chrono::seconds(5));
          beast::error_code wec;
          co_await http::async_write(stream, msg, asio::redirect_error(asio::use_awaitable, wec));
        }
        break;
      }
      auto& m = parser.get();
      const bool keep_alive = m.keep_alive() && !stopping.load();
      const bool head = m.method() == http::verb::head;
      const unsigned version = m.version();
      ++in_flight;
      Response res = co_await async_dispatch(app, to_request(m, client), asio::use_awaitable);
      auto msg = to_message(std::move(res), version, keep_alive && !stopping.load(), head);
      stream.expires_after(std::chrono::seconds(options.read_timeout_seconds));
      co_await http::async_write(stream, msg, asio::redirect_error(asio::use_awaitable, ec));
      --in_flight;
      if (ec || msg.need_eof()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      // Each connection runs on its own strand: tcp_stream's timer and the coroutine never race.
      tcp::socket socket =
          co_await acceptor.async_accept(asio::make_strand(io), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (!acceptor.is_open()) co_return;
        continue;  // e.g. too many open files: keep serving the connections we have
      }
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(socket.get_executor(), session(std::move(socket)), [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log_event(LogLevel::error, "connection failed", {{"error", ex.what()}});
        }
      });
    }
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    // Finish in-flight requests (bounded), then stop the loop; idle keep-alive connections close.
    auto timer = std::make_shared<asio::steady_timer>(io);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [this, timer, deadline, poll] {
      if (in_flight.load() == 0 || std::chrono::steady_clock::now() > deadline) {
        io.stop();
        return;
      }
      timer->expires_after(std::chrono::milliseconds(10));
      timer->async_wait([poll](const beast::error_code&) { (*poll)(); });
    };
    (*poll)();
  }
};

Server::Server(App& app, ServerOptions options) : impl_(std::make_unique<Impl>(app, std::move(options))) {}
Server::~Server() = default;

uint16_t Server::listen() {
  auto& a = impl_->acceptor;
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) throw std::runtime_error("--listen: '" + impl_->options.host + "' is not an IP address");
  tcp::endpoint ep(address, impl_->options.port);
  a.open(ep.protocol());
  a.set_option(asio::socket_base::reuse_address(true));
  a.bind(ep, ec);
  if (ec) throw std::runtime_error("cannot listen on " + impl_->options.host + ":" +
                                   std::to_string(impl_->options.port) + ": " + ec.message());
  a.listen(asio::socket_base::max_listen_connections);
  return a.local_endpoint().port();
}

void Server::run(const std::function<void()>& on_ready) {
  auto& im = *impl_;
  im.signals.async_wait([&im](const beast::error_code& ec, int) {
    if (!ec) im.begin_stop();
  });
  asio::co_spawn(im.io, im.accept_loop(), asio::detached);
  if (on_ready) on_ready();
  std::vector<std::thread> extra;
  for (size_t i = 1; i < im.options.io_threads; ++i) extra.emplace_back([&im] { im.io.run(); });
  im.io.run();
  for (auto& t : extra) t.join();
}

void Server::stop() {
  asio::post(impl_->io, [this] { impl_->begin_stop(); });
}

}  // namespace openkap::api
