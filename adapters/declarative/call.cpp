#include "adapters/declarative/call.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>

#include "adapters/declarative/problems.hpp"
#include "gateway/json/body.hpp"
#include "gateway/json/string_check.hpp"
#include "gateway/storage/partner_keys.hpp"

namespace siao::adapters::declarative {

namespace {

constexpr std::size_t kMaxKeyLength = 128;  // characters, as partner_keys.key allows

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "application/json; charset=utf-8" -> "application/json"
std::string media_type(std::string_view content_type) {
  auto out = lower(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string text_of(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return {out.GetString(), out.GetSize()};
}

const rapidjson::Value* at(const rapidjson::Value& doc, const std::string& pointer) {
  return rapidjson::Pointer(pointer.c_str(), pointer.size()).Get(doc);
}

// The partner speaks plain JSON, whatever the method (the canonical PATCH gets its merge-patch type itself).
rapidjson::Document partner_body(const http::Request& req) {
  const auto type = req.header("content-type");
  if (!type || media_type(*type) != "application/json")
    throw http::HttpError(http::make_problem(415, "unsupported-media-type", "The body must be application/json."));
  return json::parse_body(req.body);
}

[[noreturn]] void unprocessable(const std::string& pointer, std::string message) {
  auto p = http::make_problem(422, "validation-failed", "The request is invalid.");
  p.errors.push_back({pointer, std::move(message)});
  throw http::HttpError(std::move(p));
}

// What partner_keys.key can hold: 1 to 128 characters of UTF-8 text without NUL.
bool storable_key(std::string_view key) {
  return !key.empty() && !json::string_problem(key) && json::code_points(key) <= kMaxKeyLength;
}

// The key the partner's body gives the record it creates.
std::string key_in(const rapidjson::Value& body, const KeyRegistration& reg) {
  const auto* v = at(body, reg.key);
  if (!v) unprocessable(reg.key, "is required: your key for this " + reg.kind);
  if (!v->IsString()) unprocessable(reg.key, "must be a string");
  std::string key(v->GetString(), v->GetStringLength());
  if (!storable_key(key)) unprocessable(reg.key, "must be 1 to 128 characters long, without NUL");
  return key;
}

[[noreturn]] void key_taken(const KeyRegistration& reg, const std::string& key, std::int64_t id) {
  const auto named = reg.kind + " " + std::to_string(id);
  auto p =
      http::make_problem(409, "key-exists", "Your key " + key + " already names the " + named + ": nothing was done.");
  p.errors.push_back({reg.key, "already names the " + named});
  throw http::HttpError(std::move(p));
}

// The SIAO id the canonical answer gives the record it created ("90000001").
std::int64_t id_in(const rapidjson::Value& answer, const KeyRegistration& reg) {
  const auto* v = at(answer, reg.id);
  std::int64_t id = 0;
  if (v && v->IsString()) {
    const char* begin = v->GetString();
    const char* end = begin + v->GetStringLength();
    const auto [stop, ec] = std::from_chars(begin, end, id);
    if (ec == std::errc() && stop == end && id > 0) return id;
  }
  throw std::logic_error("the mapping's register.id " + reg.id + " names no SIAO id in the canonical answer");
}

rapidjson::Document parsed_answer(const http::Response& answer) {
  rapidjson::Document doc;
  if (answer.body.empty()) {
    doc.SetObject();
    return doc;
  }
  doc.Parse(answer.body.data(), answer.body.size());
  if (doc.HasParseError() || !doc.IsObject()) throw std::logic_error("a canonical answer is not a JSON object");
  return doc;
}

using AnswerKeys = std::vector<std::pair<std::string, std::string>>;  // pointer into the partner's answer, key

http::Response partner_answer(const http::Response& answer, const rapidjson::Value& canonical_doc, const Route& route,
                              const mapping::Mapping& mapping, const AnswerKeys& keys) {
  http::Response out;
  // Location names a v2 URL, which is not the partner's: dropped. ETag stays (If-Match is passed on).
  for (const auto& h : answer.headers)
    if (lower(h.first) != "location") out.headers.push_back(h);
  if (route.response.empty()) {
    out.status = 204;
    return out;
  }
  out.status = answer.status;
  rapidjson::Document doc;
  try {
    doc = mapping.translate(route.response, mapping::Direction::outbound, canonical_doc);
  } catch (const mapping::TranslationError& e) {
    throw untranslatable(e, route.response);
  }
  for (const auto& [pointer, key] : keys) {
    rapidjson::Value v(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), doc.GetAllocator());
    rapidjson::Pointer(pointer.c_str(), pointer.size()).Set(doc, v, doc.GetAllocator());
  }
  out.body = text_of(doc);
  return out;
}

}  // namespace

http::Response serve_call(pqxx::transaction_base& tx, audit::Exchange& ex, const api::CanonicalApi& canonical,
                          const RouteTable& routes) {
  if (!routes.problems.empty()) {
    std::string detail = "Your mapping's routes cannot work, so none is served:";
    for (const auto& p : routes.problems) detail += " " + p + ";";
    detail.back() = '.';
    throw http::HttpError(http::make_problem(500, "mapping-routes-invalid", detail));
  }
  const auto& client = ex.client();
  const auto& req = ex.received();
  const std::vector<std::string> under(req.segments.begin() + 2, req.segments.end());  // after api/partner
  auto found = match(routes, req.method, under);
  const Route& route = *found.route;
  const mapping::Mapping& mapping = *client.mapping;  // routes come from it

  // The body first (400, 415, 422), then the keys (409, 404), then the canonical command: as v2 does.
  api::Command command{route.canonical_method, {}, {}, {}};
  rapidjson::Document body;
  if (!route.request.empty() || route.registration) body = partner_body(req);
  if (!route.request.empty()) {
    try {
      command.body = text_of(mapping.translate(route.request, mapping::Direction::inbound, body));
    } catch (const mapping::TranslationError& e) {
      throw translation_refused(e);
    }
  }
  std::string new_key;
  if (const auto& reg = route.registration) {
    new_key = key_in(body, *reg);
    if (const auto id = storage::resolve_partner_key(tx, client.id, reg->kind, new_key)) key_taken(*reg, new_key, *id);
  }
  AnswerKeys answer_keys;
  for (const auto& k : route.resolve) {
    auto param =
        std::find_if(found.params.begin(), found.params.end(), [&](const auto& p) { return p.first == k.param; });
    const auto id =
        storable_key(param->second) ? storage::resolve_partner_key(tx, client.id, k.kind, param->second) : std::nullopt;
    if (!id) throw http::HttpError(http::make_problem(404, "not-found", "No " + k.kind + " of yours has this key."));
    if (!k.answer.empty()) answer_keys.emplace_back(k.answer, param->second);
    param->second = std::to_string(*id);
  }
  command.target = canonical_target(route, found.params);
  if (const auto if_match = req.header("if-match")) command.headers.emplace_back("if-match", std::string(*if_match));

  http::Response answer;
  try {
    answer = canonical.execute(tx, ex, command);
  } catch (const http::HttpError& e) {
    throw in_partner_terms(e, mapping, route.request);
  }
  const auto canonical_doc = parsed_answer(answer);
  if (const auto& reg = route.registration) {
    // Checked above; a concurrent call with the same key may still get there first.
    // Written with the exchange's versions, in one statement.
    const auto id = id_in(canonical_doc, *reg);
    ex.add_partner_keys(client.id, {{reg->kind, new_key, id}},
                        [reg = *reg](const std::string& key, std::int64_t siao_id) { key_taken(reg, key, siao_id); });
    if (!reg->answer.empty()) answer_keys.emplace_back(reg->answer, new_key);
  }
  return partner_answer(answer, canonical_doc, route, mapping, answer_keys);
}

}  // namespace siao::adapters::declarative
