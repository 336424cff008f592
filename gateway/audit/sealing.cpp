#include "gateway/audit/sealing.hpp"

#include <rapidjson/document.h>

#include <stdexcept>

#include "gateway/audit/crypto.hpp"

namespace siao::audit {

namespace {

constexpr std::string_view kPrefix = "s1.";
constexpr std::string_view kInfo = "siao-gateway audit record field";
constexpr std::size_t kSalt = 16;

// The subjects' keys in the record's order: all are needed to derive a field's key.
std::optional<std::string> joined_keys(const std::vector<std::string>& subjects, const SubjectKeys& keys) {
  std::string ikm;
  ikm.reserve(32 * subjects.size());
  for (const auto& s : subjects) {
    auto it = keys.find(s);
    if (it == keys.end()) return std::nullopt;
    ikm += it->second;
  }
  return ikm;
}

}  // namespace

std::string subjects_json(const std::vector<std::string>& subjects) {
  std::string out = "[";
  for (const auto& s : subjects) {
    if (out.size() > 1) out += ',';
    out += '"' + s + '"';  // "kind:id" or "period:YYYY-MM": nothing to escape
  }
  return out + "]";
}

std::vector<std::string> parse_subjects(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  std::vector<std::string> out;
  if (doc.HasParseError() || !doc.IsArray()) throw std::runtime_error("audit record: subjects are not a JSON array");
  for (const auto& v : doc.GetArray()) {
    if (!v.IsString()) throw std::runtime_error("audit record: a subject is not a string");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

Sealer::Sealer(const std::vector<std::string>& subjects, const SubjectKeys& keys) : salt_(crypto::random_bytes(kSalt)) {
  auto ikm = joined_keys(subjects, keys);
  if (!ikm || subjects.empty()) throw std::logic_error("sealing needs every subject's key");
  key_ = crypto::hkdf_sha256(*ikm, salt_, kInfo, 32);
}

std::string Sealer::seal(std::string_view plaintext) const {
  return std::string(kPrefix) + crypto::base64(salt_ + crypto::aes_gcm_seal(key_, plaintext, {}));
}

std::optional<Opener> Opener::make(const std::vector<std::string>& subjects, const SubjectKeys& keys) {
  auto ikm = joined_keys(subjects, keys);
  if (!ikm) return std::nullopt;
  return Opener(std::move(*ikm));
}

std::optional<std::string> Opener::open(std::string_view sealed) const {
  if (!is_sealed(sealed)) return std::nullopt;
  auto raw = crypto::unbase64(sealed.substr(kPrefix.size()));
  if (!raw || raw->size() < kSalt) return std::nullopt;
  auto salt = std::string_view(*raw).substr(0, kSalt);
  if (salt != salt_) {
    key_ = crypto::hkdf_sha256(ikm_, salt, kInfo, 32);
    salt_ = salt;
  }
  return crypto::aes_gcm_open(key_, std::string_view(*raw).substr(kSalt), {});
}

bool is_sealed(std::string_view field) { return field.substr(0, kPrefix.size()) == kPrefix; }

}  // namespace siao::audit
