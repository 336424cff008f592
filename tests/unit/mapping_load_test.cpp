// Loading a mapping refuses, all at once and each with its pointer into the right file, whatever could not
// work at translation time: unknown functions, code lists that are missing or not one to one, bad pointers,
// dangling references, targets written twice. The digest proves which files were used.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gateway/json/schema_set.hpp"
#include "gateway/mapping/mapping.hpp"
#include "gateway/util/hex.hpp"
#include "gateway/util/scratch_dir.hpp"
#include "tests/unit/source_tree.hpp"

namespace fs = std::filesystem;
using siao::mapping::LoadError;
using siao::mapping::Mapping;

namespace {

const fs::path& kRoot = siao::test::source_root();

const siao::json::SchemaSet& schemas() { return siao::test::shipped_schemas(); }

// A directory holding one mapping and its code lists, removed after the test.
struct Scratch {
  siao::util::ScratchDir scratch{"siao-mapping"};
  fs::path dir = scratch.path();
  Scratch() { fs::create_directories(dir / "codes"); }

  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  }
  // The problems of loading `mapping` (written as m.json); empty when it loads.
  std::vector<std::string> problems(const std::string& mapping) const {
    try {
      Mapping::load(write("m.json", mapping), schemas());
    } catch (const LoadError& e) {
      CHECK(std::string(e.what()).find(e.problems.front()) != std::string::npos);
      return e.problems;
    }
    return {};
  }
  std::string file(const std::string& name) const { return (dir / name).string(); }
};

const std::string kSexe = R"({"id":"sexe","entries":[{"partner":"F","siao":"female"},{"partner":"M","siao":"male"}]})";

// A mapping with one code list (sexe) and one document whose inbound rules are `rules`.
std::string mapping(const std::string& rules, const std::string& extra_documents = "") {
  return R"({"id":"test","version":"1.0.0","codeLists":{"sexe":"codes/sexe.json"},"documents":{"d":{"inbound":[)" +
         rules + "]}" + extra_documents + "}}";
}

bool has(const std::vector<std::string>& problems, const std::string& line) {
  return std::find(problems.begin(), problems.end(), line) != problems.end();
}

bool has_prefix(const std::vector<std::string>& problems, const std::string& prefix) {
  return std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.rfind(prefix, 0) == 0; });
}

}  // namespace

TEST_CASE("mapping load: a good mapping loads") {
  Scratch s;
  s.write("codes/sexe.json", kSexe);
  CHECK(s.problems(mapping(R"({"from":"/sexe","to":"/sex","codes":"sexe"})")).empty());
}

TEST_CASE("mapping load: an unknown function is refused with its pointer") {
  Scratch s;
  s.write("codes/sexe.json", kSexe);
  const auto problems = s.problems(mapping(R"({"from":"/a","to":"/a","fn":"uppercase"},
                                              {"from":"/b","to":"/b","fn":["upper","nope"]})"));
  REQUIRE(problems.size() == 2);
  CHECK(problems[0] == s.file("m.json") + R"(: /documents/d/inbound/0/fn: unknown function "uppercase": one of )"
                                          "split_words, join_words, upper, lower, date_fr, datetime_fr_paris, phone_fr, identity");
  CHECK(has_prefix(problems, s.file("m.json") + R"(: /documents/d/inbound/1/fn/1: unknown function "nope")"));
}

TEST_CASE("mapping load: a missing or undeclared code list is refused") {
  Scratch s;
  const auto problems = s.problems(R"({"id":"test","version":"1","codeLists":{"sexe":"codes/sexe.json",
      "abs":"/etc/passwd"},"documents":{"d":{"inbound":[{"from":"/a","to":"/a","codes":"role"}]}}})");
  CHECK(has(problems, s.file("m.json") + ": /codeLists/sexe: no such file, unreadable or over 1 MiB: " +
                          s.file("codes/sexe.json")));
  CHECK(has(problems, s.file("m.json") + ": /codeLists/abs: must be a path relative to the mapping file"));
  CHECK(has(problems, s.file("m.json") + R"(: /documents/d/inbound/0/codes: no code list "role" in /codeLists)"));
  CHECK(problems.size() == 3);
}

TEST_CASE("mapping load: a code list that is not one to one is refused in its own file") {
  Scratch s;
  s.write("codes/sexe.json", R"({"id":"sexe","entries":[{"partner":"F","siao":"female"},{"partner":"F","siao":"woman"},
      {"partner":"W","siao":"female"}],"outboundOnly":[{"partner":"X","siao":["other","woman","other"]}]})");
  const auto problems = s.problems(mapping(R"({"from":"/sexe","to":"/sex","codes":"sexe"})"));
  const std::string list = s.file("codes/sexe.json");
  CHECK(has(problems, list + R"(: /entries/1/partner: "F" is listed twice: entries must be one to one)"));
  CHECK(has(problems, list + R"(: /entries/2/siao: "female" is listed twice: entries must be one to one)"));
  CHECK(has_prefix(problems, list + R"(: /outboundOnly/0/siao/1: "woman" already has a partner code)"));
  CHECK(has_prefix(problems, list + R"(: /outboundOnly/0/siao/2: "other" already has a partner code)"));
  CHECK(problems.size() == 4);
}

TEST_CASE("mapping load: a code list is validated by its schema and named as the mapping names it") {
  Scratch s;
  s.write("codes/sexe.json", R"({"id":"gender","entries":[{"partner":"F","siao":"female","extra":1}]})");
  s.write("codes/bad.json", R"({"id":"bad","entries":[)");
  const auto problems = s.problems(R"({"id":"test","version":"1","codeLists":{"sexe":"codes/sexe.json",
      "bad":"codes/bad.json"},"documents":{"d":{"inbound":[]}}})");
  CHECK(has_prefix(problems, s.file("codes/sexe.json") + ": /entries/0/extra: "));
  CHECK(has_prefix(problems, s.file("codes/bad.json") + ": /: "));
  // The id is checked once the list is valid.
  s.write("codes/sexe.json", R"({"id":"gender","entries":[{"partner":"F","siao":"female"}]})");
  CHECK(has(s.problems(mapping("")), s.file("codes/sexe.json") + R"(: /id: is "gender" but )" + s.file("m.json") +
                                         R"( names the list "sexe")"));
}

TEST_CASE("mapping load: the mapping file is validated by its schema") {
  Scratch s;
  s.write("codes/sexe.json", kSexe);
  auto problems = s.problems(R"({"id":"test","codeLists":{},"documents":{"d":{"inbound":[{"form":"/a","to":"/b"}]}}})");
  CHECK(has_prefix(problems, s.file("m.json") + ": /version: "));
  CHECK(has_prefix(problems, s.file("m.json") + ": /documents/d/inbound/0/form: "));
  CHECK(has_prefix(s.problems(R"({"id":"test","version":"1","codeLists":{},"documents":{"d":{}}})"),
                   s.file("m.json") + ": /documents/d: "));
  CHECK(has_prefix(s.problems(mapping(R"({"from":"a","to":"/b"})")), s.file("m.json") + ": /documents/d/inbound/0/from: "));
  CHECK(has_prefix(s.problems("{"), s.file("m.json") + ": /: "));
  CHECK(has_prefix(s.problems(mapping(R"({"from":"/a","to":"/b","when":{"path":"/k"}})")),
                   s.file("m.json") + ": /documents/d/inbound/0/when/equals: "));
  try {
    Mapping::load(s.dir / "absent.json", schemas());
    FAIL("loaded a missing file");
  } catch (const LoadError& e) {
    CHECK(e.problems == std::vector<std::string>{s.file("absent.json") + ": /: cannot be read (missing, unreadable or over 1 MiB)"});
  }
}

TEST_CASE("mapping load: rules that cannot work are refused with their pointers") {
  Scratch s;
  s.write("codes/sexe.json", kSexe);
  const std::string at = s.file("m.json") + ": /documents/d/inbound/";
  CHECK(s.problems(mapping(R"({"from":"/a~2","to":"/b"})")) ==
        std::vector<std::string>{at + "0/from: is not a JSON Pointer: write ~0 for ~ and ~1 for /"});
  CHECK(has(s.problems(mapping(R"({"to":"/b"})")), at + "0: needs exactly one of from, const or each"));
  CHECK(has(s.problems(mapping(R"({"from":"/a","const":1,"to":"/b"})")), at + "0: needs exactly one of from, const or each"));
  CHECK(has(s.problems(mapping(R"({"const":"x","to":"/b","fn":"upper"})")), at + "0/fn: does not apply to a constant"));
  CHECK(has(s.problems(mapping(R"({"each":"/a","to":"/b"})")), at + "0: each needs exactly one of rules or document"));
  CHECK(has(s.problems(mapping(R"({"each":"/a","to":"/b","rules":[],"codes":"sexe"})")),
            at + "0/codes: does not apply to each (put it on the rules inside)"));
  CHECK(has(s.problems(mapping(R"({"from":"/a","to":"/b","rules":[]})")), at + "0/rules: only applies to each"));
  CHECK(has(s.problems(mapping(R"({"each":"/a","to":"/b","document":"nope"})")),
            at + R"(0/document: no document "nope" with inbound rules)"));
  CHECK(has(s.problems(mapping(R"({"each":"/a","to":"/b","document":"e"})", R"(,"e":{"outbound":[]})")),
            at + R"(0/document: no document "e" with inbound rules)"));
  // Nested rules are pointed at where they are.
  CHECK(has(s.problems(mapping(R"({"each":"/a","to":"/b","rules":[{"from":"/x","to":"/y","fn":"nope"}]})")),
            at + R"(0/rules/0/fn: unknown function "nope": one of split_words, join_words, upper, lower, date_fr, )"
                 "datetime_fr_paris, phone_fr, identity"));
}

TEST_CASE("mapping load: a target is written by one rule unless conditions choose") {
  Scratch s;
  s.write("codes/sexe.json", kSexe);
  const std::string at = s.file("m.json") + ": /documents/d/inbound/";
  CHECK(s.problems(mapping(R"({"from":"/a","to":"/t"},{"from":"/b","to":"/t"})")) ==
        std::vector<std::string>{at + "1/to: is also written by /documents/d/inbound/0: only rules that both have a when "
                                      "may share a target"});
  CHECK(s.problems(mapping(R"({"from":"/a","to":"/t","when":{"path":"/k","equals":1}},
                              {"from":"/b","to":"/t","when":{"path":"/k","equals":2}})"))
            .empty());
  CHECK(s.problems(mapping(R"({"from":"/a","to":"/t/x"},{"from":"/b","to":"/t"})")) ==
        std::vector<std::string>{at + "0/to: lies inside /t, which /documents/d/inbound/1 writes"});
  CHECK(s.problems(mapping(R"({"from":"/a","to":"/t/x"},{"from":"/b","to":"/t/y"})")).empty());
  CHECK(has(s.problems(mapping(R"({"from":"/a","to":"/"},{"from":"/b","to":"/"})")), at + "1/to: is also written by "
                                                                                         "/documents/d/inbound/0: only rules that both have a when may share a target"));
}

TEST_CASE("mapping load: every problem is reported at once") {
  Scratch s;
  s.write("codes/sexe.json", R"({"id":"sexe","entries":[{"partner":"F","siao":"female"},{"partner":"F","siao":"male"}]})");
  const auto problems = s.problems(mapping(R"({"from":"/a","to":"/a","fn":"nope"},{"from":"/b","to":"/b","codes":"x"},
                                              {"from":"/c~","to":"/c"})"));
  CHECK(problems.size() == 4);
}

TEST_CASE("mapping load: the digest covers the mapping and every code list it declares") {
  Scratch s;
  s.write("codes/sexe.json", kSexe);
  const std::string text = mapping(R"({"from":"/sexe","to":"/sex","codes":"sexe"})");
  const auto first = Mapping::load(s.write("m.json", text), schemas());
  // The manifest is what sha256sum prints for the files, mapping first then lists in name order.
  const std::string manifest = siao::util::sha256_hex(text) + "  m.json\n" + siao::util::sha256_hex(kSexe) +
                               "  codes/sexe.json\n";
  CHECK(first->sha256() == siao::util::sha256_hex(manifest));
  CHECK(Mapping::load(s.dir / "m.json", schemas())->sha256() == first->sha256());
  s.write("codes/sexe.json", R"({"id":"sexe","entries":[{"partner":"F","siao":"female"},{"partner":"H","siao":"male"}]})");
  CHECK(Mapping::load(s.dir / "m.json", schemas())->sha256() != first->sha256());
  CHECK(first->code("sexe", siao::mapping::Direction::inbound, "M") == "male");  // a loaded mapping never changes
}
