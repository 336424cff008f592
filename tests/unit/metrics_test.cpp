#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/ops/metrics.hpp"
#include "gateway/ops/prometheus.hpp"

using siao::ops::Metrics;
using siao::ops::PromText;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

// The lines that are not valid Prometheus text format 0.0.4.
std::vector<std::string> invalid_lines(const std::string& text) {
  static const std::regex comment(R"re(# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)))re");
  static const std::regex sample(
      R"re([a-zA-Z_:][a-zA-Z0-9_:]*)re"
      R"re((\{[a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^"\\\n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^"\\\n])*")*\})?)re"
      R"re( ([+-]?Inf|NaN|[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?)( -?[0-9]+)?)re");
  std::vector<std::string> bad;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    bool ok = l.rfind('#', 0) == 0 ? std::regex_match(l, comment) : std::regex_match(l, sample);
    if (!ok) bad.push_back(l);
  }
  return bad;
}

}  // namespace

TEST_CASE("a registered route's requests are counted by status") {
  Metrics m;
  m.register_route("/health");
  m.register_route("/items/{id}");
  m.request_finished("/health", 200, 0.001);
  m.request_finished("/health", 200, 0.002);
  m.request_finished("/health", 503, 0.002);
  m.request_finished("/items/{id}", 404, 0.01);
  auto text = m.render();
  CHECK(has_line(text, R"(siao_http_requests_total{route="/health",status="200"} 2)"));
  CHECK(has_line(text, R"(siao_http_requests_total{route="/health",status="503"} 1)"));
  CHECK(has_line(text, R"(siao_http_requests_total{route="/items/{id}",status="404"} 1)"));
  CHECK_FALSE(has_line(text, R"(siao_http_requests_total{route="/items/{id}",status="200"} 0)"));
}

TEST_CASE("requests on unregistered routes count under (unmatched)") {
  Metrics m;
  m.register_route("/health");
  m.request_finished("/nowhere", 404, 0.001);
  m.request_finished("", 400, 0.001);
  auto text = m.render();
  CHECK(has_line(text, R"m(siao_http_requests_total{route="(unmatched)",status="404"} 1)m"));
  CHECK(has_line(text, R"m(siao_http_requests_total{route="(unmatched)",status="400"} 1)m"));
  CHECK(text.find("/nowhere") == std::string::npos);
}

TEST_CASE("histogram buckets are cumulative and +Inf equals _count") {
  Metrics m;
  m.register_route("/x");
  for (double s : {0.0003, 0.003, 0.2, 0.25, 20.0}) m.request_finished("/x", 200, s);
  auto text = m.render();
  const std::string b = R"(siao_http_request_duration_seconds_bucket{route="/x",le=")";
  CHECK(has_line(text, b + R"(0.0005"} 1)"));
  CHECK(has_line(text, b + R"(0.001"} 1)"));
  CHECK(has_line(text, b + R"(0.005"} 2)"));
  CHECK(has_line(text, b + R"(0.1"} 2)"));
  CHECK(has_line(text, b + R"(0.25"} 4)"));
  CHECK(has_line(text, b + R"(1"} 4)"));
  CHECK(has_line(text, b + R"(10"} 4)"));
  CHECK(has_line(text, b + R"(+Inf"} 5)"));
  CHECK(has_line(text, R"(siao_http_request_duration_seconds_count{route="/x"} 5)"));

  // The sum, in seconds, is kept to the microsecond.
  std::smatch sum;
  REQUIRE(std::regex_search(text, sum, std::regex(R"re(siao_http_request_duration_seconds_sum\{route="/x"\} (\S+))re")));
  CHECK(std::stod(sum[1]) == doctest::Approx(20.4533).epsilon(1e-6));
}

TEST_CASE("label values escape quote - backslash and newline") {
  PromText out;
  out.sample("m", {{"v", "a\"b\\c\nd"}}, std::uint64_t{1});
  CHECK(out.take() == "m{v=\"a\\\"b\\\\c\\nd\"} 1\n");

  Metrics m;
  m.register_route("/odd\"route\\\n");
  m.request_finished("/odd\"route\\\n", 200, 0.001);
  CHECK(has_line(m.render(), R"(siao_http_requests_total{route="/odd\"route\\\n",status="200"} 1)"));
}

TEST_CASE("double samples are written as Prometheus numbers") {
  PromText out;
  out.sample("a", {}, 0.25);
  out.sample("b", {}, std::numeric_limits<double>::infinity());
  out.sample("c", {}, -std::numeric_limits<double>::infinity());
  out.sample("d", {{"k", "v"}}, 3.0);
  CHECK(out.take() == "a 0.25\nb +Inf\nc -Inf\nd{k=\"v\"} 3\n");
}

TEST_CASE("a collector's output is included") {
  Metrics m;
  m.add_collector([](PromText& out) {
    out.family("siao_db_pool_connections", "gauge", "Open database connections.");
    out.sample("siao_db_pool_connections", {{"state", "idle"}}, 3.0);
  });
  auto text = m.render();
  CHECK(has_line(text, "# TYPE siao_db_pool_connections gauge"));
  CHECK(has_line(text, R"(siao_db_pool_connections{state="idle"} 3)"));
}

TEST_CASE("the gauges and the refused-connection counter are rendered") {
  Metrics m;
  m.open_connections = 7;
  m.in_flight = 2;
  m.refused_connections = 11;
  auto text = m.render();
  CHECK(has_line(text, "siao_http_open_connections 7"));
  CHECK(has_line(text, "siao_http_requests_in_flight 2"));
  CHECK(has_line(text, "siao_http_refused_connections_total 11"));
}

TEST_CASE("every line of the output is valid Prometheus text format") {
  Metrics m;
  m.register_route("/health");
  m.register_route("/we\"ird\\path\n");
  m.request_finished("/health", 200, 0.0001);
  m.request_finished("/we\"ird\\path\n", 500, 3.5);
  m.request_finished("/unknown", 404, 42.0);
  m.add_collector([](PromText& out) {
    out.family("siao_db_latency_seconds", "gauge", "Last query time.");
    out.sample("siao_db_latency_seconds", {}, 1.5e-7);
  });
  auto text = m.render();
  REQUIRE_FALSE(text.empty());
  CHECK(text.back() == '\n');
  auto bad = invalid_lines(text);
  CHECK_MESSAGE(bad.empty(), "not Prometheus text: " << (bad.empty() ? "" : bad.front()));

  // The check itself refuses what it must.
  CHECK(invalid_lines("m{v=\"a\"b\"} 1\n").size() == 1);
  CHECK(invalid_lines("m{v=\"a\"} one\n").size() == 1);
  CHECK(invalid_lines("bad-name 1\n").size() == 1);
}
