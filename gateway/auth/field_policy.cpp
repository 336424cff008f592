#include "gateway/auth/field_policy.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "gateway/json/pointer.hpp"

namespace siao::auth {
namespace {

using domain::ResourceKind;

constexpr std::array<std::string_view, 5> kAlwaysReadable{"id", "version", "createdAt", "updatedAt", "updatedBy"};
constexpr std::array<ResourceKind, 3> kKinds{ResourceKind::household, ResourceKind::person, ResourceKind::request};

bool listed(const std::optional<std::vector<std::string>>& fields, std::string_view field) {
  return !fields || std::find(fields->begin(), fields->end(), field) != fields->end();
}

unsigned bit(ResourceKind kind) { return 1u << static_cast<unsigned>(kind); }

std::optional<ResourceKind> kind_of_id(std::string_view id) {
  for (auto kind : kKinds)
    if (domain::is_siao_id(id, kind)) return kind;
  return std::nullopt;
}

// Minimising cuts byte ranges out of the text rather than building a DOM and writing it again: one SAX pass, no
// tree, no second serialisation, every byte kept exactly as it was written, and the text handed back untouched
// when there is nothing to hide. The reader is iterative, so no input can exhaust the stack.

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

struct Cut {
  std::size_t begin;
  std::size_t end;
};

// Notes the ranges to cut while the reader goes through the text. A member's range runs from the end of the
// previous member's value (or from just past the '{') to the end of its own value: it carries the comma that
// separates it from the one before, so cutting it leaves valid JSON. Members are only known to be hidden once the
// object's "id" is seen, which may come after them: ranges are kept until the object ends.
//
// Positions come from the stream: this relies on a rapidjson::MemoryStream (a copy-optimised stream such as
// StringStream would report stale positions to the handler) and on the iterative reader calling
// StartObject/EndObject/EndArray while the stream is still on the bracket.
class Cutter : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Cutter> {
 public:
  Cutter(const FieldPolicy& policy, std::string_view text, const rapidjson::MemoryStream& in)
      : policy_(policy), text_(text), in_(in) {
    // Enough for a household and its members without growing.
    frames_.reserve(16);
    members_.reserve(64);
    cuts_.reserve(32);
  }

  bool StartObject() { return open(true); }
  bool StartArray() { return open(false); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool EndArray(rapidjson::SizeType) { return close(); }
  bool Default() { return value_ended(in_.Tell()); }

  bool String(const char* str, rapidjson::SizeType length, bool) {
    if (Frame* object = expecting_id(); object && !object->kind) object->kind = kind_of_id({str, length});
    return value_ended(in_.Tell());
  }

  bool Key(const char* str, rapidjson::SizeType length, bool) {
    const std::string_view name(str, length);
    Frame& object = frames_.back();
    members_.push_back(Member{object.boundary, object.boundary, hidden_from(name)});
    object.id_next = name == "id";
    if (name == "updatedAt") object.versioned = true;
    return true;
  }

  std::vector<Cut>& cuts() { return cuts_; }

 private:
  struct Frame {
    bool object;
    std::size_t first_member;  // index of its first member in members_
    std::size_t boundary;      // where the next member's range starts
    bool id_next = false;      // the value being read is this object's "id"
    std::optional<ResourceKind> kind;
    bool versioned = false;    // has "updatedAt": a resource, not an event or a reference that names one
  };

  struct Member {
    std::size_t begin;
    std::size_t end;
    unsigned hidden;  // bit(kind) for each kind that may not show it
  };

  bool open(bool object) {
    if (!frames_.empty()) frames_.back().id_next = false;  // an "id" that is a container is no SIAO id
    frames_.push_back(Frame{object, members_.size(), in_.Tell() + 1, false, std::nullopt, false});
    return true;
  }

  bool close() {
    const Frame done = frames_.back();
    frames_.pop_back();
    if (done.kind && done.versioned) cut_hidden(done);
    members_.resize(done.first_member);
    return value_ended(in_.Tell() + 1);
  }

  Frame* expecting_id() { return !frames_.empty() && frames_.back().id_next ? &frames_.back() : nullptr; }

  bool value_ended(std::size_t end) {
    if (frames_.empty() || !frames_.back().object) return true;
    Frame& object = frames_.back();
    object.id_next = false;
    object.boundary = end;
    members_.back().end = end;
    return true;
  }

  unsigned hidden_from(std::string_view name) const {
    unsigned hidden = 0;
    for (auto kind : kKinds)
      if (!policy_.may_read(kind, name)) hidden |= bit(kind);
    return hidden;
  }

  void cut_hidden(const Frame& object) {
    const unsigned mask = bit(*object.kind);
    bool shown_yet = false;
    for (std::size_t i = object.first_member; i < members_.size(); ++i) {
      const Member& member = members_[i];
      if (member.hidden & mask) {
        cuts_.push_back({member.begin, member.end});
      } else {
        // The first member shown must lose the comma that tied it to the hidden ones before it.
        if (!shown_yet && i != object.first_member) cuts_.push_back({member.begin, text_.find(',', member.begin) + 1});
        shown_yet = true;
      }
    }
  }

  const FieldPolicy& policy_;
  std::string_view text_;
  const rapidjson::MemoryStream& in_;
  std::vector<Frame> frames_;
  std::vector<Member> members_;  // of every open object, innermost last
  std::vector<Cut> cuts_;
};

// Cuts are disjoint or nested (a hidden member of an object that is itself inside a hidden member).
void cut_out(std::string& text, std::vector<Cut>& cuts) {
  if (cuts.empty()) return;
  std::sort(cuts.begin(), cuts.end(), [](const Cut& a, const Cut& b) { return a.begin < b.begin; });
  std::size_t kept = 0;
  std::size_t read = 0;
  for (const Cut& cut : cuts) {
    if (cut.end <= read) continue;
    const std::size_t from = std::max(cut.begin, read);
    std::memmove(text.data() + kept, text.data() + read, from - read);
    kept += from - read;
    read = cut.end;
  }
  std::memmove(text.data() + kept, text.data() + read, text.size() - read);
  text.resize(kept + text.size() - read);
}

// A body key that writes a field of another name.
struct Rename {
  std::string_view key;
  std::string_view field;
};

struct WriteBody {
  std::string_view schema;
  ResourceKind kind;
  std::array<Rename, 2> renames;
  bool members_are_persons;  // a new household brings its members along
};

constexpr std::array<WriteBody, 7> kWriteBodies{{
    {"household-create", ResourceKind::household, {}, true},
    {"household-patch", ResourceKind::household, {}, false},
    {"person-create", ResourceKind::person, {}, false},
    {"person-patch", ResourceKind::person, {}, false},
    // Moving a person in changes the household they belong to.
    {"member-add", ResourceKind::person, {{{"personId", "householdId"}}}, false},
    {"request-create", ResourceKind::request, {}, false},
    // A transition is a change of status; its reason is recorded with it.
    {"request-transition", ResourceKind::request, {{{"to", "status"}, {"reason", "status"}}}, false},
}};

const WriteBody* write_body(std::string_view schema) {
  const auto* it = std::find_if(kWriteBodies.begin(), kWriteBodies.end(),
                                [&](const WriteBody& body) { return body.schema == schema; });
  return it == kWriteBodies.end() ? nullptr : it;
}

std::string_view field_of(std::string_view key, const std::array<Rename, 2>& renames) {
  for (const auto& rename : renames)
    if (rename.key == key) return rename.field;
  return key;
}

std::string_view view(const rapidjson::Value& string) { return {string.GetString(), string.GetStringLength()}; }

// Adds an error when `key`, a member of the object at `pointer`, writes a field this policy may not write.
void check_key(const FieldPolicy& policy, ResourceKind kind, const std::array<Rename, 2>& renames, std::string_view key,
               std::string_view pointer, std::vector<http::FieldError>& errors) {
  const std::string_view field = field_of(key, renames);
  if (policy.may_write(kind, field)) return;
  errors.push_back({json::pointer_append(pointer, key),
                    "this contract may not write " + std::string(domain::name(kind)) + "." + std::string(field)});
}

void check_members(const FieldPolicy& policy, const rapidjson::Value& members, std::vector<http::FieldError>& errors) {
  for (rapidjson::SizeType i = 0; i < members.Size(); ++i) {
    if (!members[i].IsObject()) continue;
    const std::string pointer = json::pointer_append("/members", i);
    for (const auto& member : members[i].GetObject())
      check_key(policy, ResourceKind::person, {}, view(member.name), pointer, errors);
  }
}

}  // namespace

FieldPolicy::FieldPolicy(FieldRules household, FieldRules person, FieldRules request)
    : rules_{std::move(household), std::move(person), std::move(request)} {
  for (const auto& kind_rules : rules_) {
    restricts_reads_ = restricts_reads_ || kind_rules.readable.has_value();
    restricts_writes_ = restricts_writes_ || kind_rules.writable.has_value();
  }
}

// rules_ is in ResourceKind order, as the constructor takes it.
const FieldRules& FieldPolicy::rules(ResourceKind kind) const { return rules_[static_cast<std::size_t>(kind)]; }

bool FieldPolicy::may_read(ResourceKind kind, std::string_view field) const {
  const auto& readable = rules(kind).readable;
  return !readable || std::find(kAlwaysReadable.begin(), kAlwaysReadable.end(), field) != kAlwaysReadable.end() ||
         listed(readable, field);
}

bool FieldPolicy::may_write(ResourceKind kind, std::string_view field) const {
  return listed(rules(kind).writable, field);
}

std::string FieldPolicy::minimise(std::string json) const {
  if (!restricts_reads_) return json;
  rapidjson::MemoryStream in(json.data(), json.size());
  Cutter cutter(*this, json, in);
  rapidjson::Reader reader;
  // A NUL byte ends the reader's input: text after one would not have been looked at.
  if (reader.Parse<kParseFlags>(in, cutter).IsError() || in.Tell() != json.size()) return json;
  cut_out(json, cutter.cuts());
  return json;
}

std::vector<http::FieldError> FieldPolicy::unwritable(std::string_view schema, const rapidjson::Value& body) const {
  std::vector<http::FieldError> errors;
  const WriteBody* shape = write_body(schema);
  if (!restricts_writes_ || !shape || !body.IsObject()) return errors;

  for (const auto& member : body.GetObject()) {
    const std::string_view key = view(member.name);
    check_key(*this, shape->kind, shape->renames, key, "", errors);
    if (shape->members_are_persons && key == "members" && member.value.IsArray()) {
      check_members(*this, member.value, errors);
    }
  }
  return errors;
}

}  // namespace siao::auth
