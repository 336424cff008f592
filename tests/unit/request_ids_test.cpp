#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "gateway/http/request_ids.hpp"

using siao::http::acceptable_request_id;
using siao::http::random_hex;
using siao::http::trace_id_of;

namespace {

const std::string kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
const std::string kParent = "00f067aa0ba902b7";

std::string traceparent(const std::string& version, const std::string& trace, const std::string& parent,
                        const std::string& flags = "01") {
  return version + "-" + trace + "-" + parent + "-" + flags;
}

bool is_lower_hex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("the W3C example traceparent gives its trace id") {
  auto id = trace_id_of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  REQUIRE(id.has_value());
  CHECK(*id == kTrace);
}

TEST_CASE("upper-case hex is refused in every field") {
  CHECK_FALSE(trace_id_of(traceparent("00", "4BF92F3577B34DA6A3CE929D0E0E4736", kParent)));
  CHECK_FALSE(trace_id_of(traceparent("00", kTrace, "00F067AA0BA902B7")));
  CHECK_FALSE(trace_id_of(traceparent("00", kTrace, kParent, "0A")));
  CHECK_FALSE(trace_id_of(traceparent("0A", kTrace, kParent)));
}

TEST_CASE("all-zero trace or parent ids are refused") {
  CHECK_FALSE(trace_id_of(traceparent("00", std::string(32, '0'), kParent)));
  CHECK_FALSE(trace_id_of(traceparent("00", kTrace, std::string(16, '0'))));
}

TEST_CASE("version ff is refused") {
  CHECK_FALSE(trace_id_of(traceparent("ff", kTrace, kParent)));
}

TEST_CASE("wrong lengths and separators are refused") {
  CHECK_FALSE(trace_id_of(traceparent("00", kTrace.substr(1), kParent)));
  CHECK_FALSE(trace_id_of(traceparent("00", kTrace + "a", kParent)));
  CHECK_FALSE(trace_id_of(traceparent("00", kTrace, kParent.substr(1))));
  CHECK_FALSE(trace_id_of(traceparent("00", kTrace, kParent, "1")));
  CHECK_FALSE(trace_id_of(traceparent("0", kTrace, kParent)));
  CHECK_FALSE(trace_id_of("00_" + kTrace + "-" + kParent + "-01"));
  CHECK_FALSE(trace_id_of("00-" + kTrace + "_" + kParent + "-01"));
  CHECK_FALSE(trace_id_of("00-" + kTrace + "-" + kParent + "_01"));
  CHECK_FALSE(trace_id_of(""));
}

TEST_CASE("version 00 with trailing data is refused - a later version may carry more fields") {
  CHECK_FALSE(trace_id_of(traceparent("00", kTrace, kParent) + "-extra"));
  auto later = trace_id_of(traceparent("01", kTrace, kParent) + "-extra");
  REQUIRE(later.has_value());
  CHECK(*later == kTrace);
}

TEST_CASE("a later version whose flags are followed by something other than a dash is refused") {
  // W3C trace-context: after the flags comes the end, or "-" and the fields of a later version.
  CHECK_FALSE(trace_id_of(traceparent("01", kTrace, kParent) + "x"));
}

TEST_CASE("a request id is acceptable up to 128 plain characters") {
  CHECK(acceptable_request_id("Req-42_a.b:c"));
  CHECK(acceptable_request_id(std::string(128, 'a')));
  CHECK_FALSE(acceptable_request_id(std::string(129, 'a')));
  CHECK_FALSE(acceptable_request_id(""));
  for (const char* bad : {"a b", "a/b", "a\"b", "a\nb", "a\\b", "caf\xc3\xa9", "a;b", "a=b"})
    CHECK_FALSE(acceptable_request_id(bad));
}

TEST_CASE("random_hex(n) gives 2n lower-case hex characters - different each time") {
  auto a = random_hex(16), b = random_hex(16);
  CHECK(a.size() == 32);
  CHECK(is_lower_hex(a));
  CHECK(a != b);
  CHECK(random_hex(8).size() == 16);
  CHECK(random_hex(0).empty());
  CHECK_THROWS_AS(random_hex(33), std::invalid_argument);
}
