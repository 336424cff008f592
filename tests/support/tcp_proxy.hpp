#pragma once
// A loopback TCP relay that a test can cut and restore, to play a database
// that goes away and comes back without touching the shared cluster.
#include <memory>

namespace siao::test {

class TcpProxy {
 public:
  explicit TcpProxy(int target_port);
  ~TcpProxy();  // NOLINT(bugprone-exception-escape): terminates when it cannot stop (tcp_proxy.cpp)
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const;
  void cut();      // drop every open connection, and each new one at once
  void restore();  // relay again

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siao::test
