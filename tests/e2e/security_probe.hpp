#pragma once
// Calls routes as one contract and reports every way an answer oversteps the contract: an id of a resource it
// never could see, a marker value of such a resource or of a field it may not read, a member a resource object
// carries that the contract may not read. Findings are collected, not asserted one by one, so that a test can
// print them all and a test of the probe itself can expect some.
#include <rapidjson/document.h>

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/security_world.hpp"

namespace siao::test::security {

// An answer with what may differ between two calls removed (the trace id) and `asked` replaced by a placeholder
// in its text: what is left must be the same for a resource out of reach and one that never existed.
inline std::string shape(const ApiResult& r, const std::string& asked = {}) {
  std::string body = r.body;
  if (r.json.IsObject()) {
    rapidjson::Document copy;
    copy.CopyFrom(r.json, copy.GetAllocator());
    copy.RemoveMember("traceId");
    body = json_text(copy);
  }
  std::string out = std::to_string(r.status) + " " + body + " location=" + r.header("location") +
                    " etag=" + r.header("etag") + " allow=" + r.header("allow");
  if (!asked.empty())
    for (auto at = out.find(asked); at != std::string::npos; at = out.find(asked, at))
      out.replace(at, asked.size(), "{id}");
  return out;
}

// `id` in `text` as a token: not inside a longer run of letters or digits, but after a cursor's "c" too.
inline bool mentions(const std::string& text, const std::string& id) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (auto at = text.find(id); at != std::string::npos; at = text.find(id, at + 1)) {
    auto end = at + id.size();
    bool before = at == 0 || !alnum(text[at - 1]) || (text[at - 1] == 'c' && (at == 1 || !alnum(text[at - 2])));
    bool after = end == text.size() || !alnum(text[end]);
    if (before && after) return true;
  }
  return false;
}

class Probe {
 public:
  Probe(int port, const ContractView& view, const World& world, std::vector<std::string>& findings)
      : port_(port), view_(view), findings_(findings) {
    for (const auto& r : world.resources) {
      const bool now = view.sees(r.territory);
      const bool before = !r.was.empty() && view.sees(r.was);
      if (!now && !before) never_seen_.insert(r.id);
      for (const auto& [field, value] : r.markers)
        if (!now || !view.reads(r.kind, field))
          forbidden_.emplace_back(value, r.kind + " " + r.id + "'s " + field);
    }
  }

  const ContractView& view() const { return view_; }
  int calls() const { return calls_; }

  // One call on a connection of its own (the gateway closes some after an error), scanned.
  ApiResult call(const std::string& method, const std::string& target, const std::string& body = {},
                 std::map<std::string, std::string> headers = {}) {
    ApiClient client(port_, contracts::test_key(view_.id));
    if (method == "PATCH" && !headers.contains("Content-Type")) headers["Content-Type"] = "application/merge-patch+json";
    auto r = client.send(method, target, body, headers);
    ++calls_;
    scan(method + " " + target, r);
    return r;
  }

  void finding(const std::string& where, const std::string& what) {
    findings_.push_back(view_.id + ": " + where + ": " + what);
  }

  // Every member of a resource object of `kind` must be one the contract may read; members embedded in a
  // household are persons.
  void check_fields(const std::string& kind, const rapidjson::Value& v, const std::string& where) {
    if (!v.IsObject()) return;
    for (const auto& m : v.GetObject()) {
      const std::string name(m.name.GetString(), m.name.GetStringLength());
      if (!view_.reads(kind, name)) finding(where, "answers " + kind + "." + name + ", which it may not read");
      if (kind == "household" && name == "members" && m.value.IsArray())
        for (const auto& p : m.value.GetArray()) check_fields("person", p, where);
    }
  }
  // The same for each item of a page (`snapshot` of each, for a history).
  void check_items(const std::string& kind, const ApiResult& r, const std::string& where, bool snapshots = false) {
    const auto* items = r.at("/items");
    if (!items || !items->IsArray()) return finding(where, "answers no items: " + r.body.substr(0, 200));
    for (const auto& item : items->GetArray()) {
      if (!snapshots) check_fields(kind, item, where);
      else if (item.HasMember("snapshot")) check_fields(kind, item["snapshot"], where);
    }
  }

  bool never_seen(const std::string& id) const { return never_seen_.contains(id); }

 private:
  void scan(const std::string& where, const ApiResult& r) {
    const std::string text = r.body + "\n" + r.header("location");
    for (const auto& id : never_seen_)
      if (mentions(text, id)) finding(where, "names " + id + ", outside its territories (" + excerpt(text, id) + ")");
    for (const auto& [value, what] : forbidden_)
      if (text.find(value) != std::string::npos) finding(where, "carries " + what + " " + value);
  }
  static std::string excerpt(const std::string& text, const std::string& id) {
    auto at = text.find(id);
    auto from = at > 60 ? at - 60 : 0;
    return text.substr(from, 140);
  }

  int port_;
  const ContractView& view_;
  std::vector<std::string>& findings_;
  std::set<std::string> never_seen_;
  std::vector<std::pair<std::string, std::string>> forbidden_;  // value, whose
  int calls_ = 0;
};

}  // namespace siao::test::security
