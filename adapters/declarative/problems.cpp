#include "adapters/declarative/problems.hpp"

#include <algorithm>

namespace siao::adapters::declarative {

http::HttpError translation_refused(const mapping::TranslationError& e) {
  auto p = http::make_problem(422, "validation-failed", "The body cannot be translated into SIAO's model.");
  for (const auto& problem : e.problems) p.errors.push_back({problem.pointer, problem.message});
  return http::HttpError(std::move(p));
}

http::HttpError in_partner_terms(const http::HttpError& e, const mapping::Mapping& mapping,
                                 const std::string& document) {
  auto p = e.problem();
  std::vector<http::FieldError> errors;
  for (auto& error : p.errors) {
    std::optional<std::string> source;
    if (!document.empty() && !error.pointer.empty()) source = mapping.source_pointer(document, error.pointer);
    http::FieldError mapped{source.value_or(""), std::move(error.message)};
    // Two canonical fields may come from one partner field: say it once.
    if (std::none_of(errors.begin(), errors.end(),
                     [&](const auto& x) { return x.pointer == mapped.pointer && x.message == mapped.message; }))
      errors.push_back(std::move(mapped));
  }
  p.errors = std::move(errors);
  p.headers.erase(std::remove_if(p.headers.begin(), p.headers.end(),
                                 [](const auto& h) {
                                   std::string name = h.first;
                                   std::transform(name.begin(), name.end(), name.begin(),
                                                  [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                                   return name == "location";
                                 }),
                  p.headers.end());
  return http::HttpError(std::move(p));
}

http::HttpError untranslatable(const mapping::TranslationError& e, const std::string& document) {
  std::string detail = "SIAO's answer cannot be written in your format (document " + document + "): ";
  for (std::size_t i = 0; i < e.problems.size(); ++i)
    detail += (i ? "; " : "") + e.problems[i].pointer + ": " + e.problems[i].message;
  return http::HttpError(http::make_problem(500, "untranslatable", detail + ". Nothing was changed."));
}

}  // namespace siao::adapters::declarative
