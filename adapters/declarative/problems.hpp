#pragma once
// Refusals in the partner's terms: every pointer into the body the partner sent, never into the canonical
// one, and no v2 URL.
#include <string>

#include "gateway/http/problem.hpp"
#include "gateway/mapping/mapping.hpp"

namespace siao::adapters::declarative {

// The partner's body could not be translated (an unknown code, a bad date...): 422, pointers into it.
http::HttpError translation_refused(const mapping::TranslationError& e);

// A canonical refusal with its pointers taken back through the inbound rules of `document` (empty: the call
// had no body); a pointer no rule wrote points at the body as a whole (""). Its Location is dropped.
http::HttpError in_partner_terms(const http::HttpError& e, const mapping::Mapping& mapping,
                                 const std::string& document);

// The canonical answer has a value the partner's format cannot say (a SIAO code without a partner code):
// 500, naming each value; whatever the call wrote is rolled back.
http::HttpError untranslatable(const mapping::TranslationError& e, const std::string& document);

}  // namespace siao::adapters::declarative
