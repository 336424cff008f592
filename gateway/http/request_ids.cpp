#include "gateway/http/request_ids.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "gateway/util/hex.hpp"

namespace siao::http {

namespace {
bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}
}  // namespace

std::string random_hex(std::size_t bytes) {
  unsigned char raw[32];
  if (bytes > sizeof raw) throw std::invalid_argument("random_hex: too many bytes");
  if (RAND_bytes(raw, static_cast<int>(bytes)) != 1) throw std::runtime_error("RAND_bytes failed");
  return util::to_hex(raw, bytes);
}

std::optional<std::string> trace_id_of(std::string_view traceparent) {
  // version "-" trace-id(32) "-" parent-id(16) "-" flags(2); later versions may append fields.
  if (traceparent.size() < 55 || traceparent[2] != '-' || traceparent[35] != '-' || traceparent[52] != '-')
    return std::nullopt;
  auto version = traceparent.substr(0, 2), trace = traceparent.substr(3, 32);
  auto parent = traceparent.substr(36, 16), flags = traceparent.substr(53, 2);
  if (!is_lower_hex(version) || version == "ff" || !is_lower_hex(trace) || !is_lower_hex(parent) ||
      !is_lower_hex(flags) || all_zero(trace) || all_zero(parent))
    return std::nullopt;
  if (version == "00" && traceparent.size() != 55) return std::nullopt;
  if (traceparent.size() > 55 && traceparent[55] != '-') return std::nullopt;  // later versions append "-..."
  return std::string(trace);
}

bool acceptable_request_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == ':';
  });
}

}  // namespace siao::http
