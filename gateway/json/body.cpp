#include "gateway/json/body.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>
#include <unordered_set>
#include <vector>

#include "gateway/http/problem.hpp"
#include "gateway/json/pointer.hpp"

namespace siao::json {
namespace {

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

enum class Refusal { none, not_object, too_deep, duplicate };

// Runs before the DOM exists, so that neither depth nor duplicates ever reach a tree. Pointers are kept
// per open container because a duplicate's detail must say where it is.
class Scanner : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Scanner> {
 public:
  bool Default() { return scalar(); }
  bool String(const char*, rapidjson::SizeType, bool) { return scalar(); }
  bool StartObject() { return open(true); }
  bool StartArray() { return open(false); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  bool Key(const char* str, rapidjson::SizeType length, bool) {
    Frame& top = stack_.back();
    top.key.assign(str, length);
    if (!top.keys.insert(top.key).second) {
      refusal_ = Refusal::duplicate;
      where_ = pointer_append(top.pointer, top.key);
      return false;
    }
    return true;
  }

  Refusal refusal() const { return refusal_; }
  const std::string& where() const { return where_; }

 private:
  struct Frame {
    bool object;
    std::string pointer;
    std::size_t index = 0;  // next array element
    std::string key;        // current object member
    std::unordered_set<std::string> keys;
  };

  bool scalar() {
    if (stack_.empty()) {
      refusal_ = Refusal::not_object;
      return false;
    }
    if (!stack_.back().object) ++stack_.back().index;
    return true;
  }

  bool open(bool object) {
    if (stack_.empty()) {
      if (!object) {
        refusal_ = Refusal::not_object;
        return false;
      }
      stack_.push_back(Frame{true, {}});
      return true;
    }
    if (stack_.size() >= kMaxBodyDepth) {
      refusal_ = Refusal::too_deep;
      return false;
    }
    Frame& parent = stack_.back();
    std::string pointer = parent.object ? pointer_append(parent.pointer, parent.key)
                                        : pointer_append(parent.pointer, parent.index++);
    stack_.push_back(Frame{object, std::move(pointer)});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  std::vector<Frame> stack_;
  Refusal refusal_ = Refusal::none;
  std::string where_;
};

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

  Scanner scanner;
  rapidjson::Reader reader;
  rapidjson::MemoryStream bytes(body.data(), body.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
  const rapidjson::ParseResult scanned = reader.Parse<kParseFlags>(in, scanner);
  switch (scanner.refusal()) {
    case Refusal::not_object:
      refuse("malformed-json", "The body must be a JSON object.");
    case Refusal::too_deep:
      refuse("too-deep", "JSON nested deeper than " + std::to_string(kMaxBodyDepth) + " levels at byte " +
                             std::to_string(scanned.Offset()) + ".");
    case Refusal::duplicate: {
      auto problem = http::make_problem(400, "duplicate-member", "Duplicate member name at " + scanner.where() + ".");
      problem.errors.push_back({scanner.where(), "is a duplicate member name"});
      throw http::HttpError(std::move(problem));
    }
    case Refusal::none:
      break;
  }
  if (scanned.IsError()) refuse_syntax(scanned.Code(), scanned.Offset());

  rapidjson::Document doc;
  doc.Parse<kParseFlags>(body.data(), body.size());
  // The scan accepted these bytes, so this only guards against the two passes ever disagreeing.
  if (doc.HasParseError()) refuse_syntax(doc.GetParseError(), doc.GetErrorOffset());
  return doc;
}

}  // namespace siao::json
