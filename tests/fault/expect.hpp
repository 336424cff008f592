#pragma once
// Assertions the fault tests share: a write check without problems, a gateway log without sanitizer report,
// an audit chain that verifies, a clean stop.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <string>

#include "tests/fault/write_check.hpp"
#include "tests/support/gateway_process.hpp"

namespace siao::test::fault {

inline void expect_no_problem(const CheckResult& r) {
  MESSAGE(r.summary());
  for (std::size_t i = 0; i < r.cut.size() && i < 10; ++i) MESSAGE("cut short: " << r.cut[i]);
  for (std::size_t i = 0; i < r.problems.size() && i < 40; ++i) FAIL_CHECK(r.problems[i]);
  CHECK(r.problems.empty());
  CHECK(r.lost == 0);
}

// What ASan, LSan and UBSan print when they find something (the test build has them all).
inline bool sanitizer_report(const std::string& gateway_output) {
  return gateway_output.find("AddressSanitizer") != std::string::npos ||
         gateway_output.find("LeakSanitizer") != std::string::npos ||
         gateway_output.find("runtime error:") != std::string::npos;
}

// Where a gateway's output says what went wrong: from a sanitizer's report on, else its end.
inline std::string tail(const std::string& output, std::size_t bytes = 16000) {
  auto report = output.find("ERROR: LeakSanitizer");
  if (report == std::string::npos) report = output.find("ERROR: AddressSanitizer");
  if (report == std::string::npos) report = output.find("runtime error:");
  if (report != std::string::npos) return output.substr(report, bytes);
  return output.size() > bytes ? output.substr(output.size() - bytes) : output;
}

// `siao-gateway audit verify` on the database passes.
inline void expect_audit_verifies(const std::string& database_url) {
  const auto failure = audit_verify_failure(database_url);
  CHECK_MESSAGE(failure.empty(), failure);
}

// SIGTERM: the gateway drains, exits 0 and leaves no sanitizer report.
inline void stop_cleanly(GatewayProcess& gw) {
  gw.signal(SIGTERM);
  auto code = gw.wait_exit(std::chrono::seconds(30));
  REQUIRE(code.has_value());
  CHECK_MESSAGE(*code == 0, tail(gw.output()));
  CHECK_FALSE_MESSAGE(sanitizer_report(gw.output()), tail(gw.output()));
}

inline double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace siao::test::fault
