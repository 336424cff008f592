#include "gateway/http/target.hpp"

#include <boost/url/parse.hpp>

namespace siao::http {

bool parse_target(Request& req) {
  auto url = boost::urls::parse_origin_form(req.target);
  if (!url) return false;
  req.segments.clear();
  req.query.clear();
  for (auto segment : url->segments()) req.segments.push_back(std::move(segment));
  for (auto param : url->params()) req.query.emplace_back(std::move(param.key), std::move(param.value));
  return true;
}

}  // namespace siao::http
