#include "gateway/json/schema_bundle.hpp"

#include <rapidjson/pointer.h>

#include <deque>
#include <set>
#include <stdexcept>
#include <string>

#include "gateway/json/schema_walk.hpp"

namespace siao::json {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

std::string file_of(const rapidjson::Value& schema, std::string_view current) {
  SchemaRef ref;
  split_ref(name_of(schema["$ref"]), ref);
  return ref.file.empty() ? std::string(current) : ref.file;
}

// The files `root` needs, itself excluded, in a stable order.
std::set<std::string> closure(std::string_view root, const SchemaFiles& files) {
  std::set<std::string> seen{std::string(root)};
  std::deque<std::string> pending{std::string(root)};
  while (!pending.empty()) {
    const std::string current = pending.front();
    pending.pop_front();
    auto collect = [&](const rapidjson::Value& schema, const std::string&) {
      if (!schema.IsObject() || !schema.HasMember("$ref")) return;
      std::string file = file_of(schema, current);
      if (seen.insert(file).second) pending.push_back(std::move(file));
    };
    visit_subschemas(files.find(current)->second, std::string(), collect);
  }
  seen.erase(std::string(root));
  return seen;
}

std::string local_pointer(std::string_view root, const std::string& file) {
  return file == root ? std::string() : pointer_append("/definitions", file);
}

// `copy` is `file` copied into the bundle: its references now point inside the bundle.
void relink(rapidjson::Value& copy, std::string_view file, std::string_view root, Allocator& allocator) {
  auto rewrite = [&](rapidjson::Value& schema, const std::string&) {
    if (!schema.IsObject() || !schema.HasMember("$ref")) return;
    SchemaRef ref;
    split_ref(name_of(schema["$ref"]), ref);
    const std::string target = "#" + local_pointer(root, ref.file.empty() ? std::string(file) : ref.file) + ref.pointer;
    schema["$ref"].SetString(target.c_str(), static_cast<rapidjson::SizeType>(target.size()), allocator);
  };
  visit_subschemas(copy, std::string(), rewrite);
}

// A subschema whose `$ref`s and combinators lead back to itself at the same place in the document.
class LoopFinder {
 public:
  explicit LoopFinder(const RefMap& refs) : refs_(refs) {}

  bool loops(const rapidjson::Value& schema) {
    if (!schema.IsObject()) return false;
    int& state = state_[&schema];
    if (state == kDone) return false;
    if (state == kOpen) return true;
    state = kOpen;
    bool found = false;
    if (auto target = refs_.find(&schema); target != refs_.end()) found = loops(*target->second);
    for (const auto& member : schema.GetObject()) {
      if (found) break;
      const std::string_view key = name_of(member.name);
      if (key == "allOf" || key == "anyOf" || key == "oneOf") {
        for (const auto& branch : member.value.GetArray()) found = found || loops(branch);
      } else if (key == "not" || key == "if" || key == "then" || key == "else") {
        found = loops(member.value);
      }
    }
    state_[&schema] = kDone;  // `state` may dangle: the map can rehash while recursing
    return found;
  }

 private:
  static constexpr int kOpen = 1;
  static constexpr int kDone = 2;
  const RefMap& refs_;
  std::unordered_map<const rapidjson::Value*, int> state_;
};

}  // namespace

SchemaBundle bundle_schema(std::string_view root, const SchemaFiles& files) {
  SchemaBundle bundle{std::make_unique<rapidjson::Document>(), {}};
  rapidjson::Document& doc = *bundle.doc;
  Allocator& allocator = doc.GetAllocator();
  doc.CopyFrom(files.find(root)->second, allocator);
  relink(doc, root, root, allocator);

  const std::set<std::string> others = closure(root, files);
  if (!others.empty() && !doc.HasMember("definitions")) {
    doc.AddMember("definitions", rapidjson::Value(rapidjson::kObjectType), allocator);
  }
  for (const std::string& file : others) {
    rapidjson::Value& definitions = doc["definitions"];
    if (definitions.HasMember(file)) {
      throw std::runtime_error(std::string(root) + ": definitions/" + file + " clashes with the bundled " + file);
    }
    rapidjson::Value copy;
    copy.CopyFrom(files.find(file)->second, allocator);
    relink(copy, file, root, allocator);
    definitions.AddMember(rapidjson::Value(file.c_str(), static_cast<rapidjson::SizeType>(file.size()), allocator),
                          copy, allocator);
  }

  // Addresses are final only now that nothing is added any more.
  auto link = [&](const rapidjson::Value& schema, const std::string& at) {
    if (!schema.IsObject() || !schema.HasMember("$ref")) return;
    const rapidjson::Value& ref = schema["$ref"];
    const rapidjson::Pointer pointer(ref.GetString() + 1, ref.GetStringLength() - 1);
    const rapidjson::Value* target = pointer.IsValid() ? pointer.Get(doc) : nullptr;
    if (target == nullptr) throw std::runtime_error(std::string(root) + ": " + at + ": unresolved $ref");
    bundle.refs.emplace(&schema, target);
  };
  visit_subschemas(static_cast<const rapidjson::Document&>(doc), std::string(), link);

  LoopFinder finder(bundle.refs);
  auto check = [&](const rapidjson::Value& schema, const std::string& at) {
    if (finder.loops(schema)) {
      throw std::runtime_error(std::string(root) + ": " + at +
                               ": $ref or combinators lead back here without descending into the document");
    }
  };
  visit_subschemas(static_cast<const rapidjson::Document&>(doc), std::string(), check);
  return bundle;
}  // NOLINT(clang-analyzer-cplusplus.NewDeleteLeaks): the document leaves in `bundle` (returned in place), not leaked

}  // namespace siao::json
