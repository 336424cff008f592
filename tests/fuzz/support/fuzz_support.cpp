#include "support/fuzz_support.hpp"

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "gateway/json/body.hpp"
#include "gateway/util/scratch_dir.hpp"

// Every sanitizer report is a crash (libFuzzer stops on a crash only), even when UBSAN_OPTIONS is unset or leaves
// these out; the one suppression is a defect of RapidJSON 1.1 (ubsan.supp).
// NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): the sanitizer runtime's own hook
extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:suppressions=" SIAO_SOURCE_DIR "/tests/fuzz/ubsan.supp";
}

namespace siao::fuzz {

const std::filesystem::path& source_root() {
  static const std::filesystem::path root = [] {
    const char* env = std::getenv("SIAO_SOURCE_DIR");
    return std::filesystem::path(env && *env ? env : SIAO_SOURCE_DIR);
  }();
  return root;
}

const json::SchemaSet& shipped_schemas() {
  static const std::shared_ptr<const json::SchemaSet> set = json::SchemaSet::load(source_root() / "schemas");
  return *set;
}

const std::filesystem::path& scratch_mapping_dir() {
  namespace fs = std::filesystem;
  static const util::ScratchDir dir("siao-fuzz");
  static const fs::path mapping = [] {
    fs::path out = dir.path() / "mapping";
    fs::copy(source_root() / "mapping", out, fs::copy_options::recursive);
    fs::copy_file(source_root() / "tests/fuzz/seeds/contract_files/partner-mapping.json", out / "partner-mapping.json");
    return out;
  }();
  return mapping;
}

const char* made_up_key(const char* name) {
  constexpr std::size_t kMaxKeys = 256;  // fuzzed contracts name variables at random: memory stays bounded
  static std::mutex mutex;
  static std::map<std::string, std::string, std::less<>> keys;
  if (std::string_view(name).rfind("SIAO_", 0) != 0) return nullptr;  // unset: the loader tries the key file
  const std::lock_guard lock(mutex);
  if (auto it = keys.find(name); it != keys.end()) return it->second.c_str();
  if (keys.size() >= kMaxKeys) return "fuzz-key-shared-by-the-rest-0123456789";
  return keys.emplace(name, std::string("fuzz-key-for-") + name + "-0123456789").first->second.c_str();
}

void render(const http::Problem& problem) {
  const auto response = http::render_problem(problem, "0af7651916cd43dd8448eb211c80319c");
  // A refusal quotes what the client sent (pointers, names): it must still be one well-formed object.
  try {
    json::parse_body(response.body);
  } catch (const http::HttpError& e) {
    throw std::logic_error("a rendered problem is not JSON: " + std::string(e.what()) + ": " + response.body);
  }
}

}  // namespace siao::fuzz
