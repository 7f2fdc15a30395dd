// The HTTP server: the only place that includes Boost.Beast/Asio (they compile slowly).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace openkap::api {

class App;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = any free port
  size_t io_threads = 1;
  size_t max_body_bytes = 64 * 1024;
  size_t max_header_bytes = 8 * 1024;
  int read_timeout_seconds = 15;   // a request must arrive whole within this
  int idle_timeout_seconds = 60;   // keep-alive
};

class Server {
 public:
  Server(App& app, ServerOptions options);
  ~Server();
  // Binds and listens; returns the bound port. Throws with a readable message on failure.
  uint16_t listen();
  // Serves until SIGINT/SIGTERM or stop(); then stops accepting and waits (bounded) for the
  // requests in flight to be answered. `on_ready` runs once the server accepts connections.
  void run(const std::function<void()>& on_ready);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace openkap::api
