#include "gateway/json/body.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "gateway/http/problem.hpp"
#include "gateway/json/pointer.hpp"

namespace siao::json {
namespace {

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

enum class Refusal { none, not_object, too_deep, lone_surrogate, not_finite };

// RapidJSON 1.1 decodes a \u escape naming a lone low surrogate ("\uDC02") into the bytes ED B0 82, which are
// not UTF-8, where it refuses a lone high one; checked input holds no other way to those bytes (ED A0-BF).
bool has_surrogate(const char* s, rapidjson::SizeType n) {
  for (rapidjson::SizeType i = 0; i + 1 < n; ++i)
    if (static_cast<unsigned char>(s[i]) == 0xED && (static_cast<unsigned char>(s[i + 1]) & 0xE0) == 0xA0) return true;
  return false;
}

// Stands between the reader and the document, so that one pass both builds the tree and refuses what must never
// reach one: a top-level value other than an object, and nesting deeper than kMaxBodyDepth.
class Guard : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Guard> {
 public:
  explicit Guard(rapidjson::Document& doc) : doc_(doc) {}

  bool Null() { return scalar() && doc_.Null(); }
  bool Bool(bool b) { return scalar() && doc_.Bool(b); }
  bool Int(int i) { return scalar() && doc_.Int(i); }
  bool Uint(unsigned u) { return scalar() && doc_.Uint(u); }
  bool Int64(std::int64_t i) { return scalar() && doc_.Int64(i); }
  bool Uint64(std::uint64_t u) { return scalar() && doc_.Uint64(u); }
  // RapidJSON 1.1 reads a number past the double range with a three-digit exponent ("2e308") as infinity, where
  // it refuses a longer one: no JSON writer can give it back (a translation of it could not be written).
  bool Double(double d) {
    if (!std::isfinite(d)) refusal_ = Refusal::not_finite;
    return refusal_ == Refusal::none && scalar() && doc_.Double(d);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return scalar() && text(s, n) && doc_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return text(s, n) && doc_.Key(s, n, copy); }
  bool StartObject() { return open() && doc_.StartObject(); }
  bool StartArray() { return open(false) && doc_.StartArray(); }
  bool EndObject(rapidjson::SizeType n) { return --depth_, doc_.EndObject(n); }
  bool EndArray(rapidjson::SizeType n) { return --depth_, doc_.EndArray(n); }

  Refusal refusal() const { return refusal_; }

 private:
  bool scalar() {
    if (depth_ == 0) refusal_ = Refusal::not_object;
    return depth_ > 0;
  }
  bool text(const char* s, rapidjson::SizeType n) {
    if (has_surrogate(s, n)) refusal_ = Refusal::lone_surrogate;
    return refusal_ == Refusal::none;
  }
  bool open(bool object = true) {
    if (depth_ == 0 && !object) {
      refusal_ = Refusal::not_object;
      return false;
    }
    if (depth_ >= kMaxBodyDepth) {
      refusal_ = Refusal::too_deep;
      return false;
    }
    ++depth_;
    return true;
  }

  rapidjson::Document& doc_;
  std::size_t depth_ = 0;
  Refusal refusal_ = Refusal::none;
};

bool same_name(const rapidjson::Value& a, const rapidjson::Value& b) {
  return a.GetStringLength() == b.GetStringLength() &&
         std::memcmp(a.GetString(), b.GetString(), a.GetStringLength()) == 0;
}

// The index of the first member whose name an earlier member of `object` already has, or its size. Small
// objects compare pairwise; a large one sorts its names, so that no body costs quadratic time.
rapidjson::SizeType first_repeated(const rapidjson::Value& object) {
  const rapidjson::SizeType n = object.MemberCount();
  const auto m = object.MemberBegin();
  if (n <= 16) {
    for (rapidjson::SizeType j = 1; j < n; ++j)
      for (rapidjson::SizeType i = 0; i < j; ++i)
        if (same_name(m[i].name, m[j].name)) return j;
    return n;
  }
  std::vector<std::pair<std::string_view, rapidjson::SizeType>> names;
  names.reserve(n);
  for (rapidjson::SizeType i = 0; i < n; ++i) names.emplace_back(std::string_view(m[i].name.GetString(), m[i].name.GetStringLength()), i);
  std::sort(names.begin(), names.end());
  rapidjson::SizeType first = n;
  for (std::size_t k = 1; k < names.size(); ++k)
    if (names[k].first == names[k - 1].first) first = std::min(first, names[k].second);
  return first;
}

bool has_repeated(const rapidjson::Value& v) {
  if (v.IsObject()) {
    if (first_repeated(v) != v.MemberCount()) return true;
    for (const auto& member : v.GetObject())
      if (has_repeated(member.value)) return true;
  } else if (v.IsArray()) {
    for (const auto& element : v.GetArray())
      if (has_repeated(element)) return true;
  }
  return false;
}

// The pointer of the repeated name a streaming reader meets first: a member's value is read before the next
// member's name. Recursion is bounded by kMaxBodyDepth.
bool find_repeated(const rapidjson::Value& v, std::string& pointer) {
  if (v.IsObject()) {
    const auto repeated = first_repeated(v);
    const auto m = v.MemberBegin();
    for (rapidjson::SizeType i = 0; i < v.MemberCount(); ++i) {
      const std::string here = pointer_append(pointer, std::string_view(m[i].name.GetString(), m[i].name.GetStringLength()));
      if (i == repeated) {
        pointer = here;
        return true;
      }
      std::string inner = here;
      if (find_repeated(m[i].value, inner)) {
        pointer = std::move(inner);
        return true;
      }
    }
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      std::string inner = pointer_append(pointer, i);
      if (find_repeated(v[i], inner)) {
        pointer = std::move(inner);
        return true;
      }
    }
  }
  return false;
}

[[noreturn]] void refuse(std::string slug, std::string detail) {
  throw http::HttpError(http::make_problem(400, std::move(slug), std::move(detail)));
}

[[noreturn]] void refuse_syntax(rapidjson::ParseErrorCode code, std::size_t offset) {
  const bool encoding = code == rapidjson::kParseErrorStringInvalidEncoding;
  refuse(encoding ? "invalid-utf8" : "malformed-json",
         std::string(encoding ? "Invalid UTF-8" : "Malformed JSON") + " at byte " + std::to_string(offset) + ": " +
             rapidjson::GetParseError_En(code));
}

}  // namespace

rapidjson::Document parse_body(std::string_view body) {
  if (body.empty()) refuse("malformed-json", "The body is empty: a JSON object is expected.");
  // RapidJSON reads a NUL byte as the end of its input: what follows one would never be looked at.
  if (const std::size_t nul = body.find('\0'); nul != std::string_view::npos) {
    refuse("malformed-json", "Malformed JSON at byte " + std::to_string(nul) + ": a NUL byte.");
  }

  rapidjson::Document doc;
  Guard guard(doc);
  rapidjson::ParseResult parsed;
  auto parse = [&](rapidjson::Document&) {
    rapidjson::Reader reader;
    rapidjson::MemoryStream bytes(body.data(), body.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
    parsed = reader.Parse<kParseFlags>(in, guard);
    return !parsed.IsError();
  };
  doc.Populate(parse);
  switch (guard.refusal()) {
    case Refusal::not_object:
      refuse("malformed-json", "The body must be a JSON object.");
    case Refusal::too_deep:
      refuse("too-deep", "JSON nested deeper than " + std::to_string(kMaxBodyDepth) + " levels at byte " +
                             std::to_string(parsed.Offset()) + ".");
    case Refusal::lone_surrogate:
      refuse_syntax(rapidjson::kParseErrorStringUnicodeSurrogateInvalid, parsed.Offset());
    case Refusal::not_finite:
      refuse_syntax(rapidjson::kParseErrorNumberTooBig, parsed.Offset());
    case Refusal::none:
      break;
  }
  if (parsed.IsError()) refuse_syntax(parsed.Code(), parsed.Offset());
  if (has_repeated(doc)) {
    std::string where;
    find_repeated(doc, where);
    auto problem = http::make_problem(400, "duplicate-member", "Duplicate member name at " + where + ".");
    problem.errors.push_back({where, "is a duplicate member name"});
    throw http::HttpError(std::move(problem));
  }
  return doc;
}

}  // namespace siao::json
