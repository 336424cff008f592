// The delivery.* configuration keys (docs/delivery.md).
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "gateway/config/config.hpp"

using namespace std::chrono_literals;

namespace {

using Env = std::map<std::string, std::string>;

siao::config::EnvLookup lookup(const Env& env) {
  return [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
}

std::string refusal(const Env& env) {
  try {
    siao::config::load("", lookup(env));
  } catch (const siao::config::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("delivery configuration retries for 72 hours by default") {
  Env env;
  auto c = siao::config::load("", lookup(env));
  CHECK(c.delivery.enabled);
  CHECK(c.delivery.max_age_seconds == 72 * 3600);
  CHECK(c.delivery.base_delay == 1000ms);
  CHECK(c.delivery.lease_seconds * 1000 > c.delivery.timeout.count());
  CHECK(c.delivery.ca_file.empty());
}

TEST_CASE("delivery configuration comes from the environment and is checked") {
  Env env{{"GATEWAY_DELIVERY_MAX_AGE_SECONDS", "2"}, {"GATEWAY_DELIVERY_BASE_DELAY_MS", "50"},
          {"GATEWAY_DELIVERY_CA_FILE", "/etc/ssl/partners.pem"}, {"GATEWAY_DELIVERY_ENABLED", "false"}};
  auto c = siao::config::load("", lookup(env));
  CHECK(c.delivery.max_age_seconds == 2);
  CHECK(c.delivery.base_delay == 50ms);
  CHECK(c.delivery.ca_file == "/etc/ssl/partners.pem");
  CHECK(!c.delivery.enabled);
  CHECK(refusal({{"GATEWAY_DELIVERY_LEASE_SECONDS", "5"}, {"GATEWAY_DELIVERY_TIMEOUT_MS", "5000"}})
            .find("delivery.lease_seconds") != std::string::npos);
  CHECK(refusal({{"GATEWAY_DELIVERY_MAX_AGE_SECONDS", "0"}}).find("delivery.max_age_seconds") != std::string::npos);
  CHECK(refusal({{"GATEWAY_DELIVERY_KEEP_DAYS", "0"}}).find("delivery.keep_days") != std::string::npos);
}
