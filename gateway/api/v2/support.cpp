#include "gateway/api/v2/support.hpp"

#include <charconv>

#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"

namespace siao::api::v2 {

namespace {

// "application/json; charset=utf-8" -> "application/json"
std::string media_type(std::string_view content_type) {
  auto end = content_type.find(';');
  std::string out(content_type.substr(0, end));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

rapidjson::Document checked_body(const audit::Exchange& ex, const json::SchemaSet& schemas, std::string_view schema) {
  const auto& req = ex.request();
  // PATCH speaks RFC 7396 merge patch; everything else plain JSON.
  const char* expected = req.method == http::Method::patch ? "application/merge-patch+json" : "application/json";
  auto type = req.header("content-type");
  if (!type || media_type(*type) != expected) {
    auto p = http::make_problem(415, "unsupported-media-type", std::string("The body must be ") + expected + ".");
    if (req.method == http::Method::patch) p.headers.emplace_back("Accept-Patch", "application/merge-patch+json");
    throw http::HttpError(std::move(p));
  }
  auto doc = json::parse_body(req.body);
  auto errors = schemas.validate(schema, doc);
  if (!errors.empty()) unprocessable(std::move(errors), "The body does not match the " + std::string(schema) + " schema.");
  if (const auto* client = ex.caller(); client && client->fields.restricts_writes()) {
    auto denied = client->fields.unwritable(schema, doc);
    if (!denied.empty()) {
      auto p = http::make_problem(403, "field-forbidden", "This contract may not write some of these fields.");
      p.errors = std::move(denied);
      throw http::HttpError(std::move(p));
    }
  }
  return doc;
}

void ensure_searchable(const audit::Exchange& ex, domain::ResourceKind kind, std::string_view field,
                       std::string_view parameter) {
  if (ex.client().fields.may_read(kind, field)) return;
  throw http::HttpError(http::make_problem(403, "field-forbidden",
                                           "This contract may not read " + std::string(domain::name(kind)) + "." +
                                               std::string(field) + ", and so may not search by " +
                                               std::string(parameter) + "."));
}

std::int64_t path_id(const http::Request& req, std::string_view name, domain::ResourceKind kind) {
  auto text = req.path_param(name);
  if (!domain::is_siao_id(text, kind)) not_found(domain::name(kind));
  std::int64_t id = 0;
  std::from_chars(text.data(), text.data() + text.size(), id);
  return id;
}

int required_if_match(const http::Request& req) {
  auto h = req.header("if-match");
  if (!h) {
    throw http::HttpError(http::make_problem(428, "precondition-required",
                                             "PATCH needs If-Match with the ETag of the version it changes."));
  }
  std::string_view v = *h;
  if (v == "*") return 0;  // RFC 9110: any current version
  if (v.rfind("W/", 0) == 0) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int version = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
  if (ec != std::errc() || end != v.data() + v.size() || version < 1)
    throw http::HttpError(http::make_problem(412, "precondition-failed", "If-Match names no version of this resource."));
  return version;
}

void check_version(int expected, const resources::Metadata& current) {
  if (expected == 0 || expected == current.version) return;
  auto p = http::make_problem(412, "precondition-failed",
                              "The resource is at version " + std::to_string(current.version) + ", not " +
                                  std::to_string(expected) + ": read it again before changing it.");
  p.headers.emplace_back("ETag", resources::etag(current));
  throw http::HttpError(std::move(p));
}

void not_found(std::string_view what) {
  throw http::HttpError(http::make_problem(404, "not-found", "No such " + std::string(what) + "."));
}

void moved_to(std::string location, std::string_view what) {
  auto p = http::make_problem(301, "moved", "This " + std::string(what) + " was merged into another.");
  p.headers.emplace_back("Location", std::move(location));
  throw http::HttpError(std::move(p));
}

void conflict(std::string slug, std::string detail) {
  throw http::HttpError(http::make_problem(409, std::move(slug), std::move(detail)));
}

void unprocessable(std::vector<http::FieldError> errors, std::string detail) {
  auto p = http::make_problem(422, "validation-failed", std::move(detail));
  p.errors = std::move(errors);
  throw http::HttpError(std::move(p));
}

void ensure_visible(const audit::Exchange& ex, std::string_view territory, std::string_view what) {
  if (!ex.client().in_territory(territory)) not_found(what);
}

http::Response json_response(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http::Response resource_response(int status, std::string body, const resources::Metadata& meta) {
  auto r = json_response(status, std::move(body));
  r.set("ETag", resources::etag(meta));
  return r;
}

std::optional<std::string> optional_string(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::vector<std::string> string_array(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.emplace_back(v.GetString(), v.GetStringLength());
  return out;
}

Page page_of(const http::Request& req) {
  Page page;
  if (auto limit = req.query_param("limit")) {
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), page.limit);
    if (ec != std::errc() || end != limit->data() + limit->size() || page.limit < 1 || page.limit > 500) {
      auto p = http::make_problem(422, "validation-failed", "limit must be a whole number from 1 to 500.");
      throw http::HttpError(std::move(p));
    }
  }
  if (auto after = req.query_param("after")) {
    // The cursor is "c" and the last id seen: opaque to clients, checked here.
    std::string_view a = *after;
    bool ok = a.size() > 1 && a.front() == 'c';
    if (ok) {
      auto [end, ec] = std::from_chars(a.data() + 1, a.data() + a.size(), page.after);
      ok = ec == std::errc() && end == a.data() + a.size() && page.after > 0;
    }
    if (!ok) throw http::HttpError(http::make_problem(422, "validation-failed", "after is not a cursor this API gave."));
  }
  return page;
}

std::string cursor_for(std::int64_t last_id) { return "c" + std::to_string(last_id); }

std::string household_url(std::int64_t id) { return std::string(kBase) + "/households/" + std::to_string(id); }
std::string person_url(std::int64_t id) { return std::string(kBase) + "/persons/" + std::to_string(id); }
std::string request_url(std::int64_t id) { return std::string(kBase) + "/requests/" + std::to_string(id); }

}  // namespace siao::api::v2
