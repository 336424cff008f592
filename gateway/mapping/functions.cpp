#include "gateway/mapping/functions.hpp"

#include <array>

#include "gateway/mapping/french_formats.hpp"
#include "gateway/mapping/text_case.hpp"
#include "gateway/mapping/value_copy.hpp"

namespace siao::mapping {
namespace {

using Alloc = rapidjson::Document::AllocatorType;
using Value = rapidjson::Value;

constexpr const char* kNotString = "must be a string";

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

void set_string(Value& out, std::string_view s, Alloc& alloc) {
  out.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

// A string -> string conversion, from a function of the French formats or of text case.
template <const char* (*Text)(std::string_view, std::string&)>
const char* text(const Value& in, Value& out, Alloc& alloc, std::string& scratch) {
  if (!in.IsString()) return kNotString;
  scratch.clear();
  if (const char* problem = Text(view(in), scratch)) return problem;
  set_string(out, scratch, alloc);
  return nullptr;
}

const char* upper(std::string_view in, std::string& out) {
  append_upper(in, out);
  return nullptr;
}

const char* lower(std::string_view in, std::string& out) {
  append_lower(in, out);
  return nullptr;
}

const char* identity(const Value& in, Value& out, Alloc& alloc, std::string&) {
  deep_copy(in, out, alloc);
  return nullptr;
}

// "MARIE  CLAIRE" -> ["MARIE", "CLAIRE"]: words separated by spaces or tabs, as written.
const char* split_words(const Value& in, Value& out, Alloc& alloc, std::string&) {
  if (!in.IsString()) return kNotString;
  const std::string_view s = view(in);
  out.SetArray();
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t start = s.find_first_not_of(" \t", pos);
    if (start == std::string_view::npos) break;
    std::size_t end = s.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = s.size();
    Value word;
    set_string(word, s.substr(start, end - start), alloc);
    out.PushBack(word, alloc);
    pos = end;
  }
  return nullptr;
}

// ["Marie", "Claire"] -> "Marie Claire".
const char* join_words(const Value& in, Value& out, Alloc& alloc, std::string& scratch) {
  if (!in.IsArray()) return "must be an array of strings";
  scratch.clear();
  for (const auto& word : in.GetArray()) {
    if (!word.IsString()) return "must be an array of strings";
    if (!scratch.empty()) scratch.push_back(' ');
    scratch.append(view(word));
  }
  set_string(out, scratch, alloc);
  return nullptr;
}

constexpr std::array<Function, 8> kFunctions = {{
    {"split_words", split_words, split_words, false, false},
    {"join_words", join_words, join_words, false, false},
    {"upper", text<upper>, text<upper>, true, true},
    {"lower", text<lower>, text<lower>, true, true},
    {"date_fr", text<date_fr_to_iso>, text<iso_to_date_fr>, true, true},
    {"datetime_fr_paris", text<datetime_fr_paris_to_utc>, text<utc_to_datetime_fr_paris>, true, true},
    {"phone_fr", text<phone_fr_to_e164>, text<e164_to_phone_fr>, true, true},
    {"identity", identity, identity, false, true},
}};

}  // namespace

const Function* find_function(std::string_view name) {
  for (const auto& f : kFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

std::string function_names() {
  std::string out;
  for (const auto& f : kFunctions) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

}  // namespace siao::mapping
