// The mapping engine with Rosalie's mapping (mapping/rosalie-1.1.json), as the rosalie adapter drives it: a
// body parsed by json::parse_body and checked against its Rosalie schema, translated inbound by each document's
// rules, the canonical text parsed and checked again the way the canonical command checks it, every violation
// traced back to the Rosalie field it came from (Mapping::source_pointer). The same body, read as a canonical
// resource, is translated outbound too. The engine takes any object from parse_body, valid or not, so both
// directions run whatever the schemas say. The input is the raw HTTP body.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "gateway/json/body.hpp"
#include "gateway/mapping/mapping.hpp"
#include "support/fuzz_support.hpp"

namespace {

using namespace siao;

struct Inbound {
  const char* document;
  const char* rosalie_schema;    // what the adapter checks the body against first; nullptr: none
  const char* canonical_schema;  // what the canonical command checks the translation against; nullptr: none
};

constexpr Inbound kInbound[] = {
    {"famille", "rosalie-famille", "household-create"},
    {"personne", nullptr, "member-add"},
    {"demande", "rosalie-demande", "request-create"},
    {"statut", "rosalie-statut", nullptr},
    {"reservation-hotel", "rosalie-reservation", nullptr},
    {"reservation-fin", "rosalie-reservation-fin", nullptr},
};
constexpr const char* kOutbound[] = {"famille", "personne", "demande"};

const mapping::Mapping& rosalie() {
  static const std::shared_ptr<const mapping::Mapping> m =
      mapping::Mapping::load(fuzz::source_root() / "mapping/rosalie-1.1.json", fuzz::shipped_schemas());
  return *m;
}

std::string text_of(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  if (!v.Accept(w)) throw std::logic_error("a translation cannot be written as JSON");
  return {out.GetString(), out.GetSize()};
}

void inbound(const Inbound& rule, const rapidjson::Document& body) {
  const auto& schemas = fuzz::shipped_schemas();
  if (rule.rosalie_schema) schemas.validate(rule.rosalie_schema, body);
  rapidjson::Document canonical;
  try {
    canonical = rosalie().translate(rule.document, mapping::Direction::inbound, body);
  } catch (const mapping::TranslationError& e) {
    if (e.problems.empty()) throw std::logic_error("a translation failed without a problem");
    return;
  }
  // The canonical command receives the translation as text, and parses it as any body.
  rapidjson::Document command;
  try {
    command = json::parse_body(text_of(canonical));
  } catch (const http::HttpError& e) {
    fuzz::render(e.problem());
    return;
  }
  if (!rule.canonical_schema) return;
  for (const auto& error : schemas.validate(rule.canonical_schema, command))
    rosalie().source_pointer(rule.document, error.pointer);
}

void outbound(const char* document, const rapidjson::Document& resource) {
  try {
    text_of(rosalie().translate(document, mapping::Direction::outbound, resource));
  } catch (const mapping::TranslationError& e) {
    if (e.problems.empty()) throw std::logic_error("a translation failed without a problem");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  for (const auto& rule : kInbound)
    if (!rosalie().has(rule.document)) throw std::logic_error(std::string("no document ") + rule.document);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rapidjson::Document body;
  try {
    body = json::parse_body(fuzz::text_of(data, size));
  } catch (const http::HttpError&) {
    return 0;  // the request_body target fuzzes the parser itself
  }
  for (const auto& rule : kInbound) inbound(rule, body);
  for (const char* document : kOutbound) outbound(document, body);
  return 0;
}
