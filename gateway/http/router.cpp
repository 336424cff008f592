#include "gateway/http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "gateway/http/problem.hpp"

namespace siao::http {

namespace {

std::vector<std::string> split_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with /");
  std::vector<std::string> out;
  if (pattern == "/") return out;  // the root has no segment, as Boost.URL sees it
  std::size_t start = 1;
  while (true) {
    auto end = pattern.find('/', start);
    out.emplace_back(pattern.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool path_matches(const Route& r, const std::vector<std::string>& segments) {
  if (r.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i)
    if (is_param(r.segments[i]) ? segments[i].empty() : r.segments[i] != segments[i]) return false;
  return true;
}

}  // namespace

void Router::add(Method method, std::string pattern, Handler handler, std::string operation_json) {
  auto segments = split_pattern(pattern);
  auto same_shape = [&segments](const Route& r) {
    if (r.segments.size() != segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i)
      if (is_param(r.segments[i]) != is_param(segments[i]) || (!is_param(segments[i]) && r.segments[i] != segments[i]))
        return false;
    return true;
  };
  for (const auto& r : routes_)
    if (r.method == method && same_shape(r))
      throw std::logic_error("route registered twice: " + pattern);
  routes_.push_back(Route{method, std::move(pattern), std::move(segments), std::move(handler),
                          std::move(operation_json)});
}

const Route& Router::resolve(Request& req) const {
  const Route* found = nullptr;
  const Route* get_for_head = nullptr;
  std::vector<Method> allowed;
  for (const auto& r : routes_) {
    if (!path_matches(r, req.segments)) continue;
    if (r.method == req.method) {
      found = &r;
      break;
    }
    if (req.method == Method::head && r.method == Method::get) get_for_head = &r;
    allowed.push_back(r.method);
  }
  if (!found) found = get_for_head;
  if (found) {
    req.route = found->pattern;
    req.path_params.clear();
    for (std::size_t i = 0; i < found->segments.size(); ++i) {
      const auto& s = found->segments[i];
      if (is_param(s)) req.path_params.emplace_back(std::string_view(s).substr(1, s.size() - 2), req.segments[i]);
    }
    return *found;
  }
  if (allowed.empty()) throw HttpError(make_problem(404, "not-found", "No resource at this path."));
  if (std::find(allowed.begin(), allowed.end(), Method::get) != allowed.end()) allowed.push_back(Method::head);
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  std::string allow;
  for (auto m : allowed) {
    if (!allow.empty()) allow += ", ";
    allow += method_name(m);
  }
  auto p = make_problem(405, "method-not-allowed",
                        "This resource does not accept " + std::string(method_name(req.method)) + ".");
  p.headers.emplace_back("Allow", std::move(allow));
  throw HttpError(std::move(p));
}

}  // namespace siao::http
