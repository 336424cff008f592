#pragma once
// A testssl-like probe: a ClientHello written byte by byte, sent on a plain socket, and the first record the
// server answers read back (a ServerHello, or an alert, or nothing). It offers what no well-behaved TLS library
// would send any more (SSLv3, TLS 1.0, EXPORT or NULL suites, DEFLATE), so that what the server refuses is
// proven refused by the server, not by the client's own library.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace siao::test::tls {

inline constexpr std::uint16_t kSsl3 = 0x0300, kTls10 = 0x0301, kTls11 = 0x0302, kTls12 = 0x0303;
inline constexpr std::uint16_t kRenegotiationInfo = 0xff01;

struct Hello {
  std::uint16_t version = kTls12;             // the ClientHello's client_version
  std::vector<std::uint16_t> ciphers;         // IANA code points
  std::vector<std::uint8_t> compression{0};  // 1 is DEFLATE
  bool extensions = true;                     // none for SSLv3
};

struct ServerAnswer {
  bool hello = false;          // a ServerHello came back: the offer was accepted
  std::uint16_t version = 0;   // its server_version
  std::uint16_t cipher = 0;    // the suite chosen
  std::uint8_t compression = 0;
  bool renegotiation_info = false;  // it announced secure renegotiation (RFC 5746)
  int alert = -1;                   // the alert's description, when it answered one
  std::string describe() const {
    if (hello) return "ServerHello version " + std::to_string(version) + " cipher " + std::to_string(cipher);
    return alert >= 0 ? "alert " + std::to_string(alert) : "closed";
  }
};

namespace detail {

inline void put16(std::vector<std::uint8_t>& out, std::size_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
inline void put24(std::vector<std::uint8_t>& out, std::size_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  put16(out, v & 0xffff);
}
inline void extension(std::vector<std::uint8_t>& out, std::uint16_t type, const std::vector<std::uint8_t>& data) {
  put16(out, type);
  put16(out, data.size());
  out.insert(out.end(), data.begin(), data.end());
}
inline std::vector<std::uint8_t> list16(const std::vector<std::uint16_t>& items) {
  std::vector<std::uint8_t> out;
  put16(out, items.size() * 2);
  for (auto i : items) put16(out, i);
  return out;
}

}  // namespace detail

// The record carrying the ClientHello.
inline std::vector<std::uint8_t> client_hello(const Hello& h) {
  using namespace detail;
  std::vector<std::uint8_t> body;
  put16(body, h.version);
  std::mt19937 random(std::random_device{}());
  for (int i = 0; i < 32; ++i) body.push_back(static_cast<std::uint8_t>(random()));
  body.push_back(0);  // no session id
  put16(body, h.ciphers.size() * 2);
  for (auto c : h.ciphers) put16(body, c);
  body.push_back(static_cast<std::uint8_t>(h.compression.size()));
  body.insert(body.end(), h.compression.begin(), h.compression.end());
  if (h.extensions) {
    std::vector<std::uint8_t> ext;
    // Every group and signature scheme a modern server may pick, so that a suite is refused for itself only.
    extension(ext, 0x000a, list16({0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101, 0x0102}));
    extension(ext, 0x000b, {1, 0});  // ec_point_formats: uncompressed
    auto schemes = list16({0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0203,
                           0x0807, 0x0808});
    extension(ext, 0x000d, schemes);
    extension(ext, kRenegotiationInfo, {0});  // an initial handshake: renegotiated_connection empty
    put16(body, ext.size());
    body.insert(body.end(), ext.begin(), ext.end());
  }
  std::vector<std::uint8_t> handshake{1};  // client_hello
  put24(handshake, body.size());
  handshake.insert(handshake.end(), body.begin(), body.end());
  std::vector<std::uint8_t> record{22};  // handshake
  put16(record, h.version == kSsl3 ? kSsl3 : kTls10);
  put16(record, handshake.size());
  record.insert(record.end(), handshake.begin(), handshake.end());
  return record;
}

// What the server answers: the first record, parsed.
inline ServerAnswer parse_answer(const std::vector<std::uint8_t>& in) {
  ServerAnswer a;
  if (in.size() < 5) return a;
  const std::size_t record_length = static_cast<std::size_t>(in[3]) << 8 | in[4];
  if (in[0] == 21 && in.size() >= 7) {
    a.alert = in[6];
    return a;
  }
  if (in[0] != 22 || in.size() < 5 + 4 || in[5] != 2) return a;  // not a ServerHello
  std::size_t p = 9;
  auto need = [&](std::size_t n) { return p + n <= in.size() && p + n <= 5 + record_length; };
  if (!need(2 + 32 + 1)) return a;
  a.version = static_cast<std::uint16_t>(in[p] << 8 | in[p + 1]);
  p += 2 + 32;
  p += 1 + in[p];  // session id
  if (!need(3)) return a;
  a.cipher = static_cast<std::uint16_t>(in[p] << 8 | in[p + 1]);
  a.compression = in[p + 2];
  p += 3;
  a.hello = true;
  if (!need(2)) return a;
  const std::size_t end = p + 2 + (static_cast<std::size_t>(in[p]) << 8 | in[p + 1]);
  for (p += 2; p + 4 <= end && need(4);) {
    const auto type = static_cast<std::uint16_t>(in[p] << 8 | in[p + 1]);
    const std::size_t length = static_cast<std::size_t>(in[p + 2]) << 8 | in[p + 3];
    if (type == kRenegotiationInfo) a.renegotiation_info = true;
    p += 4 + length;
  }
  return a;
}

// Sends the hello to 127.0.0.1:port and reads the server's first record (or whatever came before it closed).
inline ServerAnswer probe(int port, const Hello& h) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  const auto hello = client_hello(h);
  std::size_t sent = 0;
  while (sent < hello.size()) {
    auto n = ::send(fd, hello.data() + sent, hello.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::vector<std::uint8_t> in;
  std::uint8_t buf[4096];
  for (;;) {  // until the first record is whole (a ServerHello is the first message of its record)
    if (in.size() >= 5 && in.size() >= 5 + (static_cast<std::size_t>(in[3]) << 8 | in[4])) break;
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.insert(in.end(), buf, buf + n);
  }
  ::close(fd);
  return parse_answer(in);
}

}  // namespace siao::test::tls
