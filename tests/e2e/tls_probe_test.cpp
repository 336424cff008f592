// TLS as a scanner sees it (tls_test.cpp checks that 1.2 and 1.3 are served and a client certificate accepted):
// hand-written ClientHellos (tls_hello.hpp) prove that the server itself refuses SSLv3, TLS 1.0 and 1.1, every
// weak suite family and compression; each suite Debian's `openssl ciphers` knows is offered alone, under an EC
// and an RSA certificate, and what is accepted must be forward-secret AEAD; TLS 1.3 suites and renegotiation go
// through the OpenSSL API; client certificates are matched on the leaf. The same probes against a weak
// `openssl s_server` show they would catch a weak configuration. docs/security.md gives the commands by hand.
#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "tests/e2e/contracts_fixture.hpp"
#include "tests/e2e/tls_hello.hpp"
#include "tests/support/test_cert.hpp"

using namespace siao::test;
using namespace siao::test::tls;
using namespace std::chrono_literals;

namespace {

std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

// A TLS 1.2-and-below suite as `openssl ciphers -V` describes it.
struct Suite {
  std::uint16_t code = 0;
  std::string name, protocol, kx, au, enc, mac;
  // Forward-secret key exchange, authenticated, and an AEAD cipher: what the gateway may accept.
  bool strong() const { return (kx == "ECDH" || kx == "DH") && (au == "RSA" || au == "ECDSA") && mac == "AEAD"; }
};

// Every suite Debian's openssl knows, weak ones included (@SECLEVEL=0), TLS 1.3's left out.
std::vector<Suite> openssl_suites() {
  std::vector<Suite> out;
  std::istringstream lines(run("openssl ciphers -V 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' 2>/dev/null"));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string code, dash;
    Suite s;
    words >> code >> dash >> s.name >> s.protocol;
    if (code.size() != 9 || s.protocol == "TLSv1.3") continue;  // "0xC0,0x2C"
    s.code = static_cast<std::uint16_t>(std::stoi(code.substr(2, 2), nullptr, 16) << 8 |
                                        std::stoi(code.substr(7, 2), nullptr, 16));
    for (std::string kv; words >> kv;) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) continue;
      auto key = kv.substr(0, eq), value = kv.substr(eq + 1);
      if (key == "Kx") s.kx = value;
      else if (key == "Au") s.au = value;
      else if (key == "Enc") s.enc = value;
      else if (key == "Mac") s.mac = value;
    }
    out.push_back(s);
  }
  REQUIRE_MESSAGE(out.size() > 50, "openssl ciphers listed too few suites");
  return out;
}

// Families of weak suites by IANA code point, many unknown to Debian's own OpenSSL: each family offered at once
// must be refused.
const std::map<std::string, std::vector<std::uint16_t>>& weak_families() {
  static const std::map<std::string, std::vector<std::uint16_t>> families = {
      {"NULL", {0x0001, 0x0002, 0x003B, 0xC001, 0xC006, 0xC00B, 0xC010, 0xC015, 0x002C, 0x002D, 0x002E, 0x00B0,
                0x00B1, 0x00B4, 0x00B5, 0x00B8, 0x00B9}},
      {"aNULL", {0x0018, 0x001A, 0x001B, 0x0034, 0x003A, 0x006C, 0x006D, 0x00A6, 0x00A7, 0xC015, 0xC016, 0xC017,
                 0xC018, 0xC019}},
      {"EXPORT", {0x0003, 0x0006, 0x0008, 0x000B, 0x000E, 0x0011, 0x0014, 0x0017, 0x0019, 0x0062, 0x0063, 0x0064,
                  0x0065}},
      {"RC4", {0x0004, 0x0005, 0x0018, 0x0066, 0x008A, 0x008E, 0x0092, 0xC002, 0xC007, 0xC00C, 0xC011, 0xC016,
               0xC033}},
      {"DES", {0x0009, 0x000C, 0x000F, 0x0012, 0x0015, 0x001A}},
      {"3DES", {0x000A, 0x000D, 0x0010, 0x0013, 0x0016, 0x001B, 0x008B, 0x008F, 0x0093, 0xC003, 0xC008, 0xC00D,
                0xC012, 0xC017, 0xC01A, 0xC01B, 0xC01C, 0xC034}},
      {"MD5", {0x0001, 0x0003, 0x0004, 0x0006, 0x0017, 0x0018}},
      {"CBC with SHA-1", {0x002F, 0x0033, 0x0035, 0x0039, 0x0041, 0x0045, 0x0084, 0x0088, 0x0096, 0x009A, 0xC004,
                          0xC005, 0xC009, 0xC00A, 0xC00E, 0xC00F, 0xC013, 0xC014, 0xC01D, 0xC01E, 0xC01F, 0xC020,
                          0xC021, 0xC022, 0xC035, 0xC036}},
      {"CBC with SHA-2", {0x003C, 0x003D, 0x0067, 0x006B, 0x00BA, 0x00BE, 0x00C0, 0x00C4, 0xC023, 0xC024, 0xC027,
                          0xC028, 0xC072, 0xC073, 0xC076, 0xC077}},
      {"static RSA key exchange", {0x009C, 0x009D, 0xC09C, 0xC09D, 0xC0A0, 0xC0A1, 0x002F, 0x0035, 0x003C, 0x003D,
                                   0x0041, 0x0084, 0xC03C, 0xC03D, 0xC050, 0xC051}},
      {"PSK and SRP", {0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0xCCAB, 0xCCAC, 0xCCAD, 0xCCAE, 0xC0A4,
                       0xC0A5, 0xC01D, 0xC01E, 0xC01F, 0xC020}},
  };
  return families;
}

std::vector<std::uint16_t> every_code(const std::vector<Suite>& suites) {
  std::set<std::uint16_t> all;
  for (const auto& s : suites) all.insert(s.code);
  for (const auto& [family, codes] : weak_families()) all.insert(codes.begin(), codes.end());
  return {all.begin(), all.end()};
}

// An RSA certificate made by the openssl binary (the gateway's tests otherwise use EC ones).
struct RsaCertificate {
  contracts::TempDir dir{"tls-rsa"};
  std::string cert = (dir.path() / "cert.pem").string(), key = (dir.path() / "key.pem").string();
  RsaCertificate() {
    run("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 -keyout " + key + " -out " + cert +
        " 2>/dev/null");
    REQUIRE(std::filesystem::exists(cert));
  }
};

bool accepts_connections(int port) {
  try {
    HttpClient probe(port, 1s);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void wait_listening(int port) {
  for (int i = 0; i < 200 && !accepts_connections(port); ++i) std::this_thread::sleep_for(50ms);
  REQUIRE(accepts_connections(port));
}

// The gateway serving TLS with the test's EC certificate, or with an RSA one.
struct TlsGateway {
  std::unique_ptr<RsaCertificate> rsa;
  int port = 0;
  std::unique_ptr<GatewayProcess> gw;
  explicit TlsGateway(bool with_rsa) {
    if (!with_rsa) {
      gw = std::make_unique<GatewayProcess>(GatewayOptions{.tls = true});
      port = gw->https_port();
    } else {
      rsa = std::make_unique<RsaCertificate>();
      port = free_port();
      gw = std::make_unique<GatewayProcess>(GatewayOptions{
          .env = {{"GATEWAY_HTTPS_LISTEN", "127.0.0.1:" + std::to_string(port)},
                  {"GATEWAY_TLS_CERT", rsa->cert},
                  {"GATEWAY_TLS_KEY", rsa->key}}});
    }
    wait_listening(port);
  }
};

struct VersionFindings {
  std::vector<std::string> accepted;  // versions below 1.2 a ServerHello answered
  bool tls12 = false;
  Suite tls12_choice;
};

VersionFindings probe_versions(int port, const std::vector<Suite>& suites) {
  VersionFindings out;
  const auto codes = every_code(suites);
  for (auto [version, name] : {std::pair{kSsl3, "SSLv3"}, {kTls10, "TLS 1.0"}, {kTls11, "TLS 1.1"}}) {
    auto a = probe(port, {.version = version, .ciphers = codes, .extensions = version != kSsl3});
    if (a.hello) out.accepted.push_back(std::string(name) + " (" + a.describe() + ")");
  }
  auto a = probe(port, {.version = kTls12, .ciphers = codes});
  out.tls12 = a.hello && a.version == kTls12;
  for (const auto& s : suites)
    if (s.code == a.cipher) out.tls12_choice = s;
  return out;
}

std::vector<std::string> accepted_families(int port) {
  std::vector<std::string> out;
  for (const auto& [family, codes] : weak_families())
    if (auto a = probe(port, {.ciphers = codes}); a.hello) out.push_back(family + " (" + a.describe() + ")");
  return out;
}

std::vector<Suite> accepted_suites(int port, const std::vector<Suite>& suites) {
  std::vector<Suite> out;
  for (const auto& s : suites)
    if (probe(port, {.ciphers = {s.code}}).hello) out.push_back(s);
  return out;
}

std::string names(const std::vector<Suite>& suites) {
  std::string out;
  for (const auto& s : suites) out += s.name + " ";
  return out;
}

// A TLS connection through the OpenSSL API, for what a raw hello cannot show.
struct TlsOptions {
  int min_version = 0, max_version = 0;
  std::string suites;                // TLS 1.3 ciphersuites
  std::string cert, key, extra_cert;  // a client certificate, and one more sent as its chain
};

class TlsConnection {
 public:
  TlsConnection(int port, const TlsOptions& o) : ctx_(SSL_CTX_new(TLS_client_method())) {
    REQUIRE(ctx_);
    if (o.min_version) SSL_CTX_set_min_proto_version(ctx_, o.min_version);
    if (o.max_version) SSL_CTX_set_max_proto_version(ctx_, o.max_version);
    if (!o.suites.empty()) REQUIRE(SSL_CTX_set_ciphersuites(ctx_, o.suites.c_str()) == 1);
    if (!o.cert.empty()) {
      REQUIRE(SSL_CTX_use_certificate_file(ctx_, o.cert.c_str(), SSL_FILETYPE_PEM) == 1);
      REQUIRE(SSL_CTX_use_PrivateKey_file(ctx_, o.key.c_str(), SSL_FILETYPE_PEM) == 1);
    }
    if (!o.extra_cert.empty()) {
      FILE* f = std::fopen(o.extra_cert.c_str(), "r");
      REQUIRE(f);
      X509* extra = PEM_read_X509(f, nullptr, nullptr, nullptr);
      static_cast<void>(std::fclose(f));  // read only: nothing to lose on close
      REQUIRE(extra);
      REQUIRE(SSL_CTX_add0_chain_cert(ctx_, extra) == 1);  // owned by the context from here
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    connected_ = SSL_connect(ssl_) == 1;
  }
  ~TlsConnection() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    if (ctx_) SSL_CTX_free(ctx_);
  }
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  bool connected() const { return connected_; }
  SSL* ssl() { return ssl_; }

  // The status of a GET, 0 when no answer came.
  int get(const std::string& target) {
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) <= 0) return 0;
    std::string answer;
    char buf[4096];
    for (int n = 0; (n = SSL_read(ssl_, buf, sizeof buf)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
    if (answer.rfind("HTTP/1.1 ", 0) != 0) return 0;
    return std::stoi(answer.substr(9, 3));
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool connected_ = false;
};

// A client-initiated renegotiation under TLS 1.2: true if it completed.
bool client_renegotiation_completes(int port) {
  TlsConnection c(port, {.max_version = TLS1_2_VERSION});
  REQUIRE(c.connected());
  if (SSL_renegotiate(c.ssl()) != 1) return false;
  return SSL_do_handshake(c.ssl()) == 1 && SSL_renegotiate_pending(c.ssl()) == 0;
}

// `openssl s_client` as an operator would run it: true if it completed a handshake.
bool s_client_connects(int port, const std::string& options) {
  auto out = run("openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " " + options +
                 " </dev/null 2>&1");
  return out.find("Cipher is (NONE)") == std::string::npos && out.find("New, ") != std::string::npos;
}

}  // namespace

TEST_CASE("tls probe: SSLv3 - TLS 1.0 and 1.1 are refused by the server itself - TLS 1.2 picks a strong suite") {
  const auto suites = openssl_suites();
  for (bool rsa : {false, true}) {
    CAPTURE(rsa);
    TlsGateway g(rsa);
    auto v = probe_versions(g.port, suites);
    CHECK_MESSAGE(v.accepted.empty(), "accepted: " << v.accepted.front());
    CHECK(v.tls12);
    CHECK_MESSAGE(v.tls12_choice.strong(), "offered everything, it chose " << v.tls12_choice.name);
    // The same with the openssl binary, as docs/security.md runs it by hand.
    CHECK_FALSE(s_client_connects(g.port, "-tls1 -cipher ALL@SECLEVEL=0"));
    CHECK_FALSE(s_client_connects(g.port, "-tls1_1 -cipher ALL@SECLEVEL=0"));
    CHECK(s_client_connects(g.port, "-tls1_2"));
    CHECK(s_client_connects(g.port, "-tls1_3"));
  }
}

TEST_CASE("tls probe: every weak suite family is refused and each suite accepted alone is forward-secret AEAD") {
  const auto suites = openssl_suites();
  for (bool rsa : {false, true}) {
    CAPTURE(rsa);
    TlsGateway g(rsa);
    auto families = accepted_families(g.port);
    CHECK_MESSAGE(families.empty(), "accepted: " << families.front());
    auto accepted = accepted_suites(g.port, suites);
    MESSAGE(std::string(rsa ? "RSA" : "EC") << " certificate: " << accepted.size() << " of " << suites.size()
                                 << " suites accepted under TLS 1.2: " << names(accepted));
    CHECK_FALSE(accepted.empty());
    for (const auto& s : accepted) CHECK_MESSAGE(s.strong(), s.name << " is accepted");
  }
}

TEST_CASE("tls probe: TLS 1.3 suites are AEAD - no compression - secure renegotiation only and none from the client") {
  TlsGateway g(false);
  std::vector<std::string> accepted;
  for (const char* suite : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                            "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"}) {
    TlsConnection c(g.port, {.min_version = TLS1_3_VERSION, .max_version = TLS1_3_VERSION, .suites = suite});
    if (c.connected()) accepted.emplace_back(suite);
  }
  MESSAGE("TLS 1.3 suites accepted: " << accepted.size());
  CHECK_FALSE(accepted.empty());
  for (const auto& s : accepted)
    CHECK_MESSAGE((s.find("GCM") != std::string::npos || s.find("CHACHA20_POLY1305") != std::string::npos), s);

  // DEFLATE offered first: the server must pick no compression (CRIME).
  auto a = probe(g.port, {.ciphers = every_code(openssl_suites()), .compression = {1, 0}});
  REQUIRE(a.hello);
  CHECK(a.compression == 0);
  CHECK(a.renegotiation_info);  // RFC 5746: a renegotiation, if any, is bound to the connection
  CHECK_FALSE(client_renegotiation_completes(g.port));
  // The connection refused a renegotiation; a fresh one still serves.
  TlsConnection again(g.port, {.max_version = TLS1_2_VERSION});
  REQUIRE(again.connected());
  CHECK(again.get("/health") == 200);
}

TEST_CASE("tls probe: a client certificate is matched on its leaf - a pinned certificate sent as mere chain is no one") {
  auto pinned = make_certificate("pinned-partner");
  auto other = make_certificate("pinned-partner");
  contracts::ContractsGateway g;
  g.add({.id = "pinned-partner",
         .scopes = R"(["households:read"])",
         .credentials = R"({"certificates": [")" + pinned.sha256 + R"("]})"});
  g.start(true);
  const int port = g.gw->https_port();
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    CAPTURE(version);
    TlsConnection right(port, {.min_version = version, .max_version = version, .cert = pinned.cert_file,
                               .key = pinned.key_file});
    REQUIRE(right.connected());
    CHECK(right.get("/api/v2/households") == 200);
    // Someone holding another key sends the pinned certificate along as a chain certificate: the fingerprint
    // is the leaf's, so the pinned one authenticates nobody.
    TlsConnection chained(port, {.min_version = version, .max_version = version, .cert = other.cert_file,
                                 .key = other.key_file, .extra_cert = pinned.cert_file});
    REQUIRE(chained.connected());
    CHECK(chained.get("/api/v2/households") == 401);
    TlsConnection none(port, {.min_version = version, .max_version = version});
    REQUIRE(none.connected());
    CHECK(none.get("/api/v2/households") == 401);
  }
}

TEST_CASE("tls probe: the same probes find a weak openssl s_server weak") {
  const auto suites = openssl_suites();
  RsaCertificate cert;
  const int port = free_port();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    const std::string accept = std::to_string(port);
    ::execlp("openssl", "openssl", "s_server", "-quiet", "-accept", accept.c_str(), "-cert", cert.cert.c_str(),
             "-key", cert.key.c_str(), "-cipher", "ALL:COMPLEMENTOFALL:@SECLEVEL=0", "-min_protocol", "TLSv1",
             "-client_renegotiation", "-www", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  struct Reaper {
    pid_t pid;
    explicit Reaper(pid_t p) : pid(p) {}
    Reaper(const Reaper&) = delete;
    Reaper& operator=(const Reaper&) = delete;
    ~Reaper() {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  } reaper(pid);
  wait_listening(port);
  auto v = probe_versions(port, suites);
  CHECK_FALSE(v.accepted.empty());
  auto families = accepted_families(port);
  CHECK(families.size() >= 3);
  auto accepted = accepted_suites(port, suites);
  CHECK(std::any_of(accepted.begin(), accepted.end(), [](const Suite& s) { return !s.strong(); }));
  CHECK(client_renegotiation_completes(port));
  MESSAGE("the weak server: " << v.accepted.size() << " old versions, " << families.size() << " weak families, "
                              << accepted.size() << " suites accepted");
}
