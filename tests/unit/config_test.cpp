#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

#include "gateway/config/config.hpp"

using siao::config::Config;
using siao::config::ConfigError;
using siao::config::load;
using namespace std::chrono_literals;

namespace {

using Env = std::map<std::string, std::string>;

siao::config::EnvLookup lookup(const Env& env) {
  return [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
}

// A JSON file in /tmp, removed when the test ends.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/siao-config-test-XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    path_ = name;
    auto written = ::write(fd, text.data(), text.size());
    ::close(fd);
    if (written != static_cast<ssize_t>(text.size())) throw std::runtime_error("short write");
  }
  ~TempFile() {
    std::error_code ignored;  // already gone: nothing to do
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The message of the ConfigError that load throws, or "" when it succeeds.
std::string error_of(const std::string& path, const Env& env) {
  try {
    load(path, lookup(env));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("with no file and an empty environment the defaults apply") {
  Env env;
  Config c = load("", lookup(env));
  CHECK(c.http_listen == "127.0.0.1:8080");
  CHECK(c.https_listen.empty());
  CHECK(c.io_threads == 2);
  CHECK(c.log_level == "info");
  CHECK(c.contracts_dir == "contracts");
  CHECK(c.limits.header_bytes == 16 * 1024);
  CHECK(c.limits.body_bytes == 1024 * 1024);
  CHECK(c.limits.read_timeout == 10'000ms);
  CHECK(c.limits.drain_timeout == 20'000ms);
  CHECK(c.database.pool_size == 2);
  CHECK(c.database.max_queue == 4096);
  CHECK(c.database.migrate_on_start);
}

TEST_CASE("nested keys of a JSON file are applied and the others keep their defaults") {
  TempFile file(R"({"database":{"pool_size":8,"migrate_on_start":false,"statement_timeout_ms":1500},
                    "limits":{"body_bytes":2048},"log_level":"debug"})");
  Env env;
  Config c = load(file.path(), lookup(env));
  CHECK(c.database.pool_size == 8);
  CHECK_FALSE(c.database.migrate_on_start);
  CHECK(c.database.statement_timeout == 1500ms);
  CHECK(c.limits.body_bytes == 2048);
  CHECK(c.log_level == "debug");
  CHECK(c.limits.header_bytes == 16 * 1024);
  CHECK(c.io_threads == 2);
}

TEST_CASE("the environment overrides the file") {
  TempFile file(R"({"database":{"pool_size":8},"log_level":"debug","limits":{"body_bytes":2048}})");
  Env env{{"GATEWAY_DB_POOL_SIZE", "16"},
          {"GATEWAY_LOG_LEVEL", "warn"},
          {"GATEWAY_MIGRATE_ON_START", "0"},
          {"DATABASE_URL", "postgresql://db/siao"}};
  Config c = load(file.path(), lookup(env));
  CHECK(c.database.pool_size == 16);
  CHECK(c.log_level == "warn");
  CHECK_FALSE(c.database.migrate_on_start);
  CHECK(c.database.url == "postgresql://db/siao");
  CHECK(c.limits.body_bytes == 2048);  // not overridden: the file's value stays
}

TEST_CASE("an unknown key in the file is refused - naming the dotted key") {
  TempFile file(R"({"database":{"pool_sise":8}})");
  auto msg = error_of(file.path(), {});
  CHECK(contains(msg, "database.pool_sise"));
  CHECK(contains(msg, "unknown key"));
  CHECK(contains(msg, file.path()));
}

TEST_CASE("a value of the wrong type in the file is refused - naming the key") {
  TempFile number_as_text(R"({"database":{"pool_size":"8"}})");
  auto msg = error_of(number_as_text.path(), {});
  CHECK(contains(msg, "database.pool_size"));
  CHECK(contains(msg, "wrong type"));

  TempFile text_as_number(R"({"http":{"listen":8080}})");
  CHECK(contains(error_of(text_as_number.path(), {}), "http.listen: wrong type"));

  TempFile negative(R"({"limits":{"read_timeout_ms":-5}})");
  CHECK(contains(error_of(negative.path(), {}), "limits.read_timeout_ms"));
}

TEST_CASE("an object where a value is expected is refused as a wrong type") {
  TempFile file(R"({"database":{"pool_size":{}}})");
  CHECK(contains(error_of(file.path(), {}), "database.pool_size"));
}

TEST_CASE("an environment value that is not a number names the key and the variable") {
  auto msg = error_of("", {{"GATEWAY_DB_POOL_SIZE", "eight"}});
  CHECK(contains(msg, "GATEWAY_DB_POOL_SIZE"));
  CHECK(contains(msg, "database.pool_size"));
  CHECK(contains(msg, "'eight'"));

  CHECK(contains(error_of("", {{"GATEWAY_BODY_LIMIT", "4096kb"}}), "limits.body_bytes"));
  CHECK(contains(error_of("", {{"GATEWAY_READ_TIMEOUT_MS", "-1"}}), "GATEWAY_READ_TIMEOUT_MS"));
  CHECK(contains(error_of("", {{"GATEWAY_MIGRATE_ON_START", "yes"}}), "database.migrate_on_start"));
}

TEST_CASE("https.listen without tls.cert is refused - naming tls.cert") {
  auto msg = error_of("", {{"GATEWAY_HTTPS_LISTEN", "0.0.0.0:8443"}, {"GATEWAY_TLS_KEY", "key.pem"}});
  CHECK(msg.rfind("tls.cert", 0) == 0);

  CHECK(error_of("", {{"GATEWAY_HTTPS_LISTEN", "0.0.0.0:8443"}, {"GATEWAY_TLS_CERT", "cert.pem"}})
            .rfind("tls.key", 0) == 0);

  Env both{{"GATEWAY_HTTPS_LISTEN", "0.0.0.0:8443"}, {"GATEWAY_TLS_CERT", "c.pem"}, {"GATEWAY_TLS_KEY", "k.pem"}};
  Config c = load("", lookup(both));
  CHECK(c.https_listen == "0.0.0.0:8443");
  CHECK(c.tls.cert_file == "c.pem");
}

TEST_CASE("a log level outside the known ones is refused") {
  CHECK(error_of("", {{"GATEWAY_LOG_LEVEL", "verbose"}}).rfind("log_level", 0) == 0);
  CHECK(error_of("", {{"GATEWAY_LOG_LEVEL", "off"}}).empty());
}

TEST_CASE("values out of range are refused - naming the key") {
  CHECK(error_of("", {{"GATEWAY_DB_POOL_SIZE", "0"}}).rfind("database.pool_size", 0) == 0);
  CHECK(error_of("", {{"GATEWAY_IO_THREADS", "65"}}).rfind("io_threads", 0) == 0);
  CHECK(error_of("", {{"GATEWAY_BODY_LIMIT", "1023"}}).rfind("limits.body_bytes", 0) == 0);
  CHECK(error_of("", {{"GATEWAY_HTTP_LISTEN", ""}}).rfind("http.listen", 0) == 0);
}

TEST_CASE("invalid JSON is refused - naming the offset") {
  TempFile file(R"({"database": })");
  auto msg = error_of(file.path(), {});
  CHECK(contains(msg, "not valid JSON at offset 13"));

  TempFile array("[1,2]");
  CHECK(contains(error_of(array.path(), {}), "must hold a JSON object"));

  CHECK(contains(error_of("/nonexistent/siao/config.json", {}), "cannot be read"));
}
