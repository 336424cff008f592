#pragma once
// What every fuzz target shares: the source tree's shipped files, loaded once per process, and the gateway's
// own rendering of a refusal (what a client would read back).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "gateway/http/problem.hpp"
#include "gateway/json/schema_set.hpp"

namespace siao::fuzz {

// The source tree: SIAO_SOURCE_DIR from the environment when set (a fuzzer moved elsewhere), else the one
// the target was built from.
const std::filesystem::path& source_root();

// schemas/ as the gateway loads it at start.
const json::SchemaSet& shipped_schemas();

// A private copy of the repository's mapping/ (code lists included) with the hand-written declarative
// partner's mapping, seeds/contract_files/partner-mapping.json, beside rosalie-1.1.json: a tree the fuzzers may
// write into. Removed at exit.
const std::filesystem::path& scratch_mapping_dir();

// The environment contracts are loaded with: a key for a variable named SIAO_..., distinct per name and never
// a real secret; no other variable is set.
const char* made_up_key(const char* name);

// The problem as the dispatcher renders it; its body must be JSON the gateway's own parser takes back.
void render(const http::Problem& problem);

// The input as text, for the code that takes a string_view.
inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace siao::fuzz
