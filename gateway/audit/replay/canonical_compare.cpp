#include "gateway/audit/replay/canonical_compare.hpp"

#include <map>
#include <optional>

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "gateway/json/pointer.hpp"

namespace siao::audit::replay {

namespace {

std::string text_of(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return {out.GetString(), out.GetSize()};
}

bool scalar_array(const rapidjson::Value& v) {
  if (!v.IsArray()) return false;
  for (const auto& e : v.GetArray())
    if (e.IsObject() || e.IsArray()) return false;
  return true;
}

struct Leaf {
  std::string pointer;
  const rapidjson::Value* value;
};

// Scalars, and arrays of scalars as one value (a list of first names).
void leaves(const rapidjson::Value& v, const std::string& at, std::vector<Leaf>& out) {
  if (v.IsObject()) {
    for (const auto& m : v.GetObject())
      leaves(m.value, json::pointer_append(at, std::string_view(m.name.GetString(), m.name.GetStringLength())), out);
  } else if (v.IsArray() && !scalar_array(v)) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) leaves(v[i], json::pointer_append(at, i), out);
  } else {
    out.push_back({at, &v});
  }
}

const rapidjson::Value* at(const rapidjson::Value& doc, const std::string& pointer) {
  if (pointer.empty()) return &doc;
  return rapidjson::Pointer(pointer.c_str(), pointer.size()).Get(doc);
}

struct Translation {
  std::string document;
  rapidjson::Document doc;
};

// Every inbound document of the mapping that translates this body.
std::vector<Translation> translations(const mapping::Mapping& m, const rapidjson::Value& body) {
  std::vector<Translation> out;
  const auto* documents = m.member("documents");
  if (!documents || !documents->IsObject()) return out;
  for (const auto& d : documents->GetObject()) {
    if (!d.value.IsObject() || !d.value.HasMember("inbound")) continue;
    const std::string name(d.name.GetString(), d.name.GetStringLength());
    try {
      out.push_back({name, m.translate(name, mapping::Direction::inbound, body)});
    } catch (const std::exception&) {
      // Not this document's body (or not translatable): the command is compared with the others.
    }
  }
  return out;
}

// Where in a translation a command's body may sit: the document, or an element of one of its top-level arrays.
std::vector<std::string> bases(const rapidjson::Value& doc) {
  std::vector<std::string> out{""};
  if (!doc.IsObject()) return out;
  for (const auto& m : doc.GetObject())
    if (m.value.IsArray())
      for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i)
        if (m.value[i].IsObject())
          out.push_back(json::pointer_append(
              json::pointer_append("", std::string_view(m.name.GetString(), m.name.GetStringLength())), i));
  return out;
}

struct Written {
  std::string field;  // into the canonical array
  const rapidjson::Value* recorded = nullptr;
  const rapidjson::Value* replayed = nullptr;
};

}  // namespace

CommandComparison compare_commands(std::int64_t seq, const mapping::Mapping& mapping,
                                   const rapidjson::Value& partner_body, const rapidjson::Value& commands) {
  CommandComparison out;
  if (!commands.IsArray()) {
    out.differences.push_back({seq, "", "not a JSON array", "an array of canonical commands"});
    return out;
  }
  const auto translated = translations(mapping, partner_body);
  std::vector<rapidjson::Document> bodies(commands.Size());
  // By translated field (document and pointer): the last command value written there.
  std::map<std::pair<std::string, std::string>, Written> written;
  for (rapidjson::SizeType k = 0; k < commands.Size(); ++k) {
    const auto& command = commands[k];
    if (!command.IsObject() || !command.HasMember("body") || !command["body"].IsString()) continue;
    auto& body = bodies[k];
    body.Parse(command["body"].GetString(), command["body"].GetStringLength());
    if (body.HasParseError()) {
      out.differences.push_back({seq, json::pointer_append("", k) + "/body", "not JSON", "JSON"});
      continue;
    }
    std::vector<Leaf> own;
    leaves(body, "", own);
    // The place it agrees with most: equal values first, then fields the mapping writes there.
    struct Place {
      const Translation* t = nullptr;
      std::string base;
      int equal = 0, traced = 0;
    } best;
    for (const auto& t : translated)
      for (const auto& base : bases(t.doc)) {
        Place p{&t, base, 0, 0};
        for (const auto& leaf : own) {
          const auto pointer = base + leaf.pointer;
          const auto* node = at(t.doc, pointer);
          if (!node || !mapping.source_pointer(t.document, pointer)) continue;
          ++p.traced;
          p.equal += *node == *leaf.value;
        }
        if (p.equal > best.equal || (p.equal == best.equal && p.traced > best.traced)) best = p;
      }
    if (best.traced == 0) continue;  // nothing in it is the mapping's
    for (const auto& leaf : own) {
      const auto pointer = best.base + leaf.pointer;
      const auto* node = at(best.t->doc, pointer);
      if (!node || !mapping.source_pointer(best.t->document, pointer)) continue;
      written[{best.t->document, pointer}] = {json::pointer_append("", k) + "/body" + leaf.pointer, leaf.value, node};
    }
  }
  for (const auto& [field, w] : written) {
    ++out.compared;
    if (*w.recorded != *w.replayed) out.differences.push_back({seq, w.field, text_of(*w.recorded), text_of(*w.replayed)});
  }
  return out;
}

}  // namespace siao::audit::replay
