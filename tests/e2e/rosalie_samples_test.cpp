// The sample exchanges of samples/rosalie (real-looking families of 1 to 6 persons, partial birth dates,
// every code): run in order against a gateway, each must be answered as its "answer" says; and
// `contract check` judges them as its "expect" says.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/e2e/rosalie_fixture.hpp"

using namespace siao::test;
using namespace siao::test::rosalie;

namespace {

namespace fs = std::filesystem;

fs::path samples_dir() { return fs::path(SIAO_SOURCE_DIR) / "samples" / "rosalie"; }

std::vector<fs::path> sample_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(samples_dir()))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

rapidjson::Document read_json(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return siao::json::parse_body(text.str());
}

// `got` holds what `want` says: objects member by member (members `want` leaves out may be there), arrays
// element by element, "*" for any string (SIAO's ids); a difference is described at its pointer.
void match(const rapidjson::Value& want, const rapidjson::Value& got, const std::string& at, std::vector<std::string>& out) {
  if (want.IsString() && std::string_view(want.GetString()) == "*") {
    if (!got.IsString()) out.push_back(at + ": a string was expected");
    return;
  }
  if (want.IsObject()) {
    if (!got.IsObject()) return out.push_back(at + ": an object was expected");
    for (const auto& m : want.GetObject()) {
      const std::string name = m.name.GetString();
      if (!got.HasMember(name.c_str())) out.push_back(at + "/" + name + ": missing");
      else match(m.value, got[name.c_str()], at + "/" + name, out);
    }
    return;
  }
  if (want.IsArray()) {
    if (!got.IsArray() || got.Size() != want.Size()) return out.push_back(at + ": " + text(&got) + " instead of " + text(&want));
    for (rapidjson::SizeType i = 0; i < want.Size(); ++i) match(want[i], got[i], at + "/" + std::to_string(i), out);
    return;
  }
  if (want != got) out.push_back(at + ": " + text(&got) + " instead of " + text(&want));
}

const char* answer_schema(const std::string& path, const std::string& method, int status) {
  if (status >= 400) return "rosalie-probleme";
  if (path.find("/familles") != std::string::npos)
    return method == "GET" ? "rosalie-famille-lecture" : "rosalie-famille-reponse";
  if (method == "POST" && path == "/api/v1.1/demandes") return "rosalie-demande-reponse";
  return "rosalie-demande-lecture";
}

}  // namespace

TEST_CASE("rosalie: the sample exchanges run in order against a gateway and are answered as they say") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  const auto files = sample_files();
  REQUIRE(files.size() >= 20);
  int families = 0;
  for (const auto& file : files) {
    CAPTURE(file.filename().string());
    const auto sample = read_json(file);
    const auto& request = sample["request"];
    const std::string method = request["method"].GetString();
    const std::string path = request["path"].GetString();
    const std::string body = request.HasMember("body") ? text(&request["body"]) : std::string();
    auto got = rosalie.send(method, path, body, {});
    const auto& answer = sample["answer"];
    CHECK_MESSAGE(got.status == answer["status"].GetInt(), got.body);
    if (answer.HasMember("body")) {
      std::vector<std::string> differences;
      match(answer["body"], got.json, "", differences);
      std::string described;
      for (const auto& d : differences) described += d + "\n";
      CHECK_MESSAGE(differences.empty(), described << got.body);
    }
    CHECK(violations(got, answer_schema(path, method, got.status)) == "");
    if (method == "POST" && path == kFamilles && got.status == 201) {
      ++families;
      CHECK(got.at("/personnes")->Size() == static_cast<rapidjson::SizeType>(families));  // 1 to 6 persons
    }
  }
  CHECK(families == 6);
}

TEST_CASE("rosalie: contract check runs the rosalie contract's sample exchanges and they all pass") {
  const auto contract = (fs::path(SIAO_SOURCE_DIR) / "contracts" / "rosalie.json").string();
  auto checked = run_gateway({"contract", "check", contract}, {});
  CAPTURE(checked.output);
  CHECK(checked.exit_code == 0);
  const auto files = sample_files();
  CHECK(checked.output.find(std::to_string(files.size()) + " of " + std::to_string(files.size()) + " samples pass") !=
        std::string::npos);
  CHECK(checked.output.find("FAIL") == std::string::npos);
}
