#include "adapters/rosalie/errors.hpp"

namespace siao::adapters::rosalie {

namespace {

bool starts_pointer(std::string_view pointer, std::string_view start) {
  return pointer.size() >= start.size() && pointer.compare(0, start.size(), start) == 0 &&
         (pointer.size() == start.size() || pointer[start.size()] == '/');
}

}  // namespace

std::string rosalie_pointer(const mapping::Mapping& m, const Origin& origin, std::string_view canonical) {
  const PointerPair* best = nullptr;
  for (const auto& pair : origin.fixed)
    if (starts_pointer(canonical, pair.first) && (!best || pair.first.size() > best->first.size())) best = &pair;
  if (best) return std::string(best->second);
  if (!origin.document.empty())
    if (auto source = m.source_pointer(origin.document, canonical)) return origin.prefix + *source;
  return origin.prefix;
}

http::Problem translated(const http::Problem& p, const mapping::Mapping& m, const Origin& origin) {
  http::Problem out = p;
  for (auto& e : out.errors) e.pointer = rosalie_pointer(m, origin, e.pointer);
  // A refusal about one person of the family: said where that person is.
  if (out.errors.empty() && !origin.prefix.empty() && (p.status == 409 || p.status == 422))
    out.errors.push_back({origin.prefix, p.detail});
  if (out.status == 422 && out.detail.rfind("The body does not match the ", 0) == 0)
    out.detail = "SIAO refuses some values of the body.";
  if (out.allowed && !origin.statuses.empty())
    for (auto& status : *out.allowed)
      if (auto code = m.code(origin.statuses, mapping::Direction::outbound, status)) status = std::move(*code);
  return out;
}

http::Response execute(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex, api::Command command,
                       const mapping::Mapping& m, const Origin& origin) {
  try {
    return s.canonical.execute(tx, ex, std::move(command));
  } catch (const http::HttpError& e) {
    throw http::HttpError(translated(e.problem(), m, origin));
  }
}

std::optional<http::Response> execute_if_found(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex,
                                               api::Command command, const mapping::Mapping& m,
                                               const Origin& origin) {
  try {
    return s.canonical.execute(tx, ex, std::move(command));
  } catch (const http::HttpError& e) {
    if (e.problem().status == 404) return std::nullopt;
    throw http::HttpError(translated(e.problem(), m, origin));
  }
}

}  // namespace siao::adapters::rosalie
