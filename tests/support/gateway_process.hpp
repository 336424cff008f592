#pragma once
// The real siao-gateway binary, started for a test on free loopback ports.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace siao::test {

int free_port();

// The keys every test gateway gives the shipped contracts (contracts/), through SIAO_KEY_<CLIENT ID>.
inline constexpr const char* kBackofficeKey = "test-backoffice-key-0123456789";  // every scope
inline constexpr const char* kSamplePartnerKey = "test-sample-partner-key-0123456789";
inline constexpr const char* kAuditorKey = "test-auditor-key-0123456789";
inline constexpr const char* kRosalieKey = "test-rosalie-key-0123456789";

// The audit log's keys of every test gateway (tests/support/keys), so that tests can open and verify its records.
inline constexpr const char* kAuditMasterKeyFile = SIAO_SOURCE_DIR "/tests/support/keys/audit-master.key";
inline constexpr const char* kAuditSigningKeyFile = SIAO_SOURCE_DIR "/tests/support/keys/audit-signing.pem";

// Schemas, contracts and the test keys above, for whatever `env` does not set already.
void with_test_defaults(std::map<std::string, std::string>& env);

struct GatewayOptions {
  std::string database_url;                  // empty: an unreachable one
  bool tls = false;                          // also listen with TLS (a test certificate)
  std::map<std::string, std::string> env;    // extra GATEWAY_* settings
  std::string verb = "serve";
  bool wait_healthy = true;
  int http_port = 0;                         // 0: a free one; given, to restart on the same port
};

class GatewayProcess {
 public:
  explicit GatewayProcess(GatewayOptions options);
  ~GatewayProcess();  // kills it if still running
  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  int http_port() const { return http_port_; }
  int https_port() const { return https_port_; }
  pid_t pid() const { return pid_; }

  void signal(int signo) const;
  // Waits for the process to end; its exit code, or nothing on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // Waits until GET /ready answers 200.
  bool wait_ready(std::chrono::milliseconds timeout) const;
  std::string output() const;  // what it printed (stdout and stderr)

 private:
  GatewayOptions options_;
  int http_port_ = 0, https_port_ = 0;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string log_path_;
};

// Runs the binary to completion (for config errors, `version`...).
struct RunResult {
  int exit_code;
  std::string output;
};
RunResult run_gateway(const std::vector<std::string>& args, std::map<std::string, std::string> env);

// A whole file's text; empty when it cannot be read (a log not written yet, a process gone from /proc).
std::string read_file(const std::string& path);

}  // namespace siao::test
