#include "adapters/declarative/routes.hpp"

#include <rapidjson/pointer.h>

#include <algorithm>
#include <set>

#include "gateway/http/problem.hpp"
#include "gateway/json/pointer.hpp"

namespace siao::adapters::declarative {

namespace {

using rapidjson::Value;

std::string text(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

std::string optional_text(const Value& obj, const char* name) {
  const auto found = obj.FindMember(name);
  return found == obj.MemberEnd() ? std::string() : text(found->value);
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::string_view param_name(std::string_view segment) { return segment.substr(1, segment.size() - 2); }

std::vector<std::string> split(std::string_view path) {  // "/a/{b}" (checked by the schema) -> a, {b}
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Whether `document` has rules in `direction`: Mapping says so only by translating, so translate nothing.
bool has_rules(const mapping::Mapping& mapping, const std::string& document, mapping::Direction direction) {
  if (!mapping.has(document)) return false;
  const Value empty(rapidjson::kObjectType);
  try {
    mapping.translate(document, direction, empty);
  } catch (const mapping::TranslationError&) {
    // rules there are, they only want a source
  } catch (const std::invalid_argument&) {
    return false;
  }
  return true;
}

class Compiler {
 public:
  explicit Compiler(const mapping::Mapping& mapping) : mapping_(mapping) {}

  RouteTable table() {
    const Value* routes = mapping_.member("routes");
    if (routes)
      for (rapidjson::SizeType i = 0; i < routes->Size(); ++i)
        out_.routes.push_back(route((*routes)[i], json::pointer_append("/routes", i)));
    return std::move(out_);
  }

 private:
  void add(const std::string& pointer, const std::string& message) {
    out_.problems.push_back(pointer + ": " + message);
  }

  void document(const std::string& name, mapping::Direction direction, const std::string& at) {
    if (!name.empty() && !has_rules(mapping_, name, direction))
      add(at, "no document \"" + name + "\" with " +
                  (direction == mapping::Direction::inbound ? "inbound" : "outbound") + " rules");
  }

  void pointer(const std::string& p, const std::string& at) {
    if (!p.empty() && !rapidjson::Pointer(p.c_str(), p.size()).IsValid())
      add(at, "is not a JSON Pointer: write ~0 for ~ and ~1 for /");
  }

  Route route(const Value& r, const std::string& at) {
    Route out;
    out.at = at;
    out.method = http::parse_method(text(r["method"]));
    out.segments = split(text(r["path"]));
    out.canonical_method = http::parse_method(text(r["canonical"]["method"]));
    out.canonical_target = text(r["canonical"]["target"]);
    out.request = optional_text(r, "request");
    out.response = optional_text(r, "response");
    document(out.request, mapping::Direction::inbound, at + "/request");
    document(out.response, mapping::Direction::outbound, at + "/response");

    std::set<std::string, std::less<>> params;
    for (const auto& s : out.segments)
      if (is_param(s) && !params.emplace(param_name(s)).second)
        add(at + "/path", "names the parameter " + std::string(param_name(s)) + " twice");
    for (const auto& s : split(out.canonical_target))
      if (is_param(s) && !params.contains(param_name(s)))
        add(at + "/canonical/target", "uses {" + std::string(param_name(s)) + "}, which the path does not have");

    if (const auto found = r.FindMember("resolve"); found != r.MemberEnd()) {
      std::set<std::string> resolved;
      for (rapidjson::SizeType i = 0; i < found->value.Size(); ++i) {
        const auto& k = found->value[i];
        const auto k_at = json::pointer_append(at + "/resolve", i);
        KeyParam key{text(k["param"]), text(k["kind"]), optional_text(k, "answer")};
        if (!params.contains(key.param)) add(k_at + "/param", "the path has no parameter " + key.param);
        if (!resolved.insert(key.param).second) add(k_at + "/param", key.param + " is resolved twice");
        pointer(key.answer, k_at + "/answer");
        out.resolve.push_back(std::move(key));
      }
    }
    if (const auto found = r.FindMember("register"); found != r.MemberEnd()) {
      const auto& g = found->value;
      KeyRegistration reg{text(g["kind"]), text(g["key"]), text(g["id"]), optional_text(g, "answer")};
      pointer(reg.key, at + "/register/key");
      pointer(reg.id, at + "/register/id");
      pointer(reg.answer, at + "/register/answer");
      out.registration = std::move(reg);
    }

    for (const auto& other : out_.routes)
      if (other.method == out.method && same_shape(other.segments, out.segments))
        add(at + "/path", "another route, " + other.at + ", has the same method and path");
    return out;
  }

  static bool same_shape(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (is_param(a[i]) != is_param(b[i]) || (!is_param(a[i]) && a[i] != b[i])) return false;
    return true;
  }

  const mapping::Mapping& mapping_;
  RouteTable out_;
};

bool path_fits(const Route& route, const std::vector<std::string>& segments, Params* params) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i)
    if (is_param(route.segments[i]) ? segments[i].empty() : route.segments[i] != segments[i]) return false;
  if (params)
    for (std::size_t i = 0; i < segments.size(); ++i)
      if (is_param(route.segments[i])) params->emplace_back(param_name(route.segments[i]), segments[i]);
  return true;
}

std::string percent_encoded(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

RouteTable compile_routes(const mapping::Mapping& mapping) { return Compiler(mapping).table(); }

Match match(const RouteTable& table, http::Method method, const std::vector<std::string>& segments) {
  const auto wanted = method == http::Method::head ? http::Method::get : method;
  std::vector<http::Method> allowed;
  for (const auto& route : table.routes) {
    if (!path_fits(route, segments, nullptr)) continue;
    if (route.method == wanted) {
      Match m{&route, {}};
      path_fits(route, segments, &m.params);
      return m;
    }
    allowed.push_back(route.method);
  }
  if (allowed.empty())
    throw http::HttpError(http::make_problem(404, "not-found", "No route of your mapping has this path."));
  if (std::find(allowed.begin(), allowed.end(), http::Method::get) != allowed.end())
    allowed.push_back(http::Method::head);
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  std::string allow;
  for (auto m : allowed) allow += (allow.empty() ? "" : ", ") + std::string(http::method_name(m));
  auto p = http::make_problem(405, "method-not-allowed",
                              "Your mapping has no " + std::string(http::method_name(method)) + " route at this path.");
  p.headers.emplace_back("Allow", std::move(allow));
  throw http::HttpError(std::move(p));
}

std::string canonical_target(const Route& route, const Params& params) {
  std::string out;
  for (const auto& s : split(route.canonical_target)) {
    out += '/';
    if (!is_param(s)) {
      out += s;
      continue;
    }
    const auto name = param_name(s);
    const auto found = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
    out += percent_encoded(found->second);  // compile_routes made sure the path has it
  }
  return out;
}

}  // namespace siao::adapters::declarative
