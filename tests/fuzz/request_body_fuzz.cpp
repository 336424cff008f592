// Request bodies as the v2 handlers take them (api::v2::checked_body): parsed by json::parse_body, checked
// against each v2 request schema, then, when valid, against the field rules of every shipped contract. A
// refusal is rendered as the dispatcher would. The input is the raw HTTP body.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gateway/contracts/contract_loader.hpp"
#include "gateway/json/body.hpp"
#include "support/fuzz_support.hpp"

namespace {

using namespace siao;

// Every schema a v2 route checks a body against (grep checked_body in gateway/api).
constexpr const char* kSchemas[] = {"household-create", "household-patch", "household-merge",
                                    "member-add",       "person-patch",    "person-merge",
                                    "person-match",     "request-create",  "request-transition"};

// The field rules of contracts/*.json, as the gateway loads them (keys are not needed and are made up).
const std::vector<auth::FieldPolicy>& shipped_policies() {
  static const std::vector<auth::FieldPolicy> policies = [] {
    contracts::LoadOptions options;
    options.getenv = fuzz::made_up_key;
    std::vector<auth::FieldPolicy> out;
    for (const auto& c : contracts::load_contract_dir(fuzz::source_root() / "contracts", fuzz::shipped_schemas(), options))
      out.push_back(c.client.fields);
    return out;
  }();
  return policies;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  for (const char* schema : kSchemas)
    if (!fuzz::shipped_schemas().has(schema)) throw std::logic_error(std::string("no schema ") + schema);
  shipped_policies();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rapidjson::Document doc;
  try {
    doc = json::parse_body(fuzz::text_of(data, size));
  } catch (const http::HttpError& e) {
    fuzz::render(e.problem());
    return 0;
  }
  for (const char* schema : kSchemas) {
    auto errors = fuzz::shipped_schemas().validate(schema, doc);
    if (!errors.empty()) {
      auto p = http::make_problem(422, "validation-failed", "The body does not match the schema.");
      p.errors = std::move(errors);
      fuzz::render(p);
      continue;
    }
    for (const auto& policy : shipped_policies()) {
      auto denied = policy.unwritable(schema, doc);
      if (denied.empty()) continue;
      auto p = http::make_problem(403, "field-forbidden", "This contract may not write some of these fields.");
      p.errors = std::move(denied);
      fuzz::render(p);
    }
  }
  return 0;
}
