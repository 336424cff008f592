#include "tests/support/gateway_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/test_cert.hpp"

// POSIX has programs declare it; glibc's <unistd.h> does only under _GNU_SOURCE.
extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace siao::test {

namespace {

std::string binary() {
  const char* from_env = std::getenv("SIAO_GATEWAY_BIN");
  return from_env && *from_env ? from_env : SIAO_GATEWAY_BIN_DEFAULT;
}

std::string temp_path(const std::string& stem) {
  std::string pattern = "/tmp/siao-" + stem + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  return buf.data();
}

// The parent's environment less GATEWAY_*, SIAO_KEY_* and DATABASE_URL, plus `extra`.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    if (kv.rfind("GATEWAY_", 0) == 0 || kv.rfind("DATABASE_URL=", 0) == 0 || kv.rfind("SIAO_KEY_", 0) == 0) continue;
    auto key = std::string(kv.substr(0, kv.find('=')));
    if (!extra.contains(key)) out.emplace_back(kv);
  }
  for (const auto& [k, v] : extra) out.push_back(k + "=" + v);
  return out;
}

pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& log_path) {
  std::vector<char*> argv;
  std::string bin = binary();
  argv.push_back(bin.data());
  std::vector<std::string> args_copy = args;
  for (auto& a : args_copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto env_strings = child_environment(env);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // Nothing else of the test's: a gateway left running must not hold its files (a build lock taken around the
  // test run, a database connection) open.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + bin + ": " + std::generic_category().message(rc));
  return pid;
}

std::optional<int> reap(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

void with_test_defaults(std::map<std::string, std::string>& env) {
  auto set_default = [&env](const char* name, std::string value) { env.emplace(name, std::move(value)); };
  set_default("GATEWAY_SCHEMAS_DIR", std::string(SIAO_SOURCE_DIR) + "/schemas");
  set_default("GATEWAY_CONTRACTS_DIR", std::string(SIAO_SOURCE_DIR) + "/contracts");
  // Never the developer's own keys under var/: only the ones the tests name.
  set_default("GATEWAY_SECRETS_DIR", "/nonexistent/siao-test-secrets");
  set_default("GATEWAY_AUDIT_MASTER_KEY_FILE", kAuditMasterKeyFile);
  set_default("GATEWAY_AUDIT_SIGNING_KEY_FILE", kAuditSigningKeyFile);
  set_default("SIAO_KEY_SIAO_BACKOFFICE", kBackofficeKey);
  set_default("SIAO_KEY_SAMPLE_PARTNER", kSamplePartnerKey);
  set_default("SIAO_KEY_AUDITOR", kAuditorKey);
  set_default("SIAO_KEY_ROSALIE", kRosalieKey);
}

GatewayProcess::GatewayProcess(GatewayOptions options)
    : options_(std::move(options)), http_port_(options_.http_port ? options_.http_port : free_port()) {
  auto env = options_.env;
  env["GATEWAY_HTTP_LISTEN"] = "127.0.0.1:" + std::to_string(http_port_);
  env["DATABASE_URL"] = options_.database_url.empty()
                            ? "postgresql://nobody@127.0.0.1:" + std::to_string(free_port()) + "/none"
                            : options_.database_url;
  if (!env.contains("GATEWAY_LOG_LEVEL")) env["GATEWAY_LOG_LEVEL"] = "info";
  with_test_defaults(env);
  if (options_.tls) {
    https_port_ = free_port();
    const auto& cert = server_certificate();
    env["GATEWAY_HTTPS_LISTEN"] = "127.0.0.1:" + std::to_string(https_port_);
    env["GATEWAY_TLS_CERT"] = cert.cert_file;
    env["GATEWAY_TLS_KEY"] = cert.key_file;
  }
  log_path_ = temp_path("gateway-log");
  pid_ = spawn({options_.verb}, env, log_path_);
  if (!options_.wait_healthy) return;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto code = reap(pid_, std::chrono::milliseconds(0))) {
      exit_code_ = code;
      throw std::runtime_error("the gateway exited with " + std::to_string(*code) + ":\n" + output());
    }
    try {
      HttpClient client(http_port_);
      if (client.get("/health").status == 200) return;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("the gateway did not become healthy:\n" + output());
}

GatewayProcess::~GatewayProcess() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGKILL);
    reap(pid_, std::chrono::seconds(5));
  }
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

void GatewayProcess::signal(int signo) const { ::kill(pid_, signo); }

std::optional<int> GatewayProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (!exit_code_) exit_code_ = reap(pid_, timeout);
  return exit_code_;
}

bool GatewayProcess::wait_ready(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      HttpClient client(http_port_);
      if (client.get("/ready").status == 200) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string GatewayProcess::output() const { return read_file(log_path_); }

RunResult run_gateway(const std::vector<std::string>& args, std::map<std::string, std::string> env) {
  auto log = temp_path("gateway-run");
  with_test_defaults(env);
  pid_t pid = spawn(args, env, log);
  auto code = reap(pid, std::chrono::seconds(30));
  if (!code) {
    ::kill(pid, SIGKILL);
    reap(pid, std::chrono::seconds(5));
  }
  RunResult r{code.value_or(-1), read_file(log)};
  ::unlink(log.c_str());
  return r;
}

}  // namespace siao::test
