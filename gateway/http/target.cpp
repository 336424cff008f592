#include "gateway/http/target.hpp"

#include <boost/url/parse.hpp>

#include "gateway/util/text.hpp"

namespace siao::http {

namespace {

// What a decoded segment or parameter may hold: UTF-8 text without NUL. Ids, keys and search values go on to SQL
// parameters, where a NUL cuts the value short (a key with "%00" after it would find the key before it) and
// invalid UTF-8 is an error of the database (a 500); no id, key or value of the API holds either.
bool usable(std::string_view decoded) { return util::is_storable_text(decoded); }

}  // namespace

bool parse_target(Request& req) {
  auto url = boost::urls::parse_origin_form(req.target);
  if (!url) return false;
  req.segments.clear();
  req.query.clear();
  for (auto segment : url->segments()) {
    if (!usable(segment)) return false;
    req.segments.push_back(std::move(segment));
  }
  for (auto param : url->params()) {
    if (!usable(param.key) || !usable(param.value)) return false;
    req.query.emplace_back(std::move(param.key), std::move(param.value));
  }
  return true;
}

}  // namespace siao::http
