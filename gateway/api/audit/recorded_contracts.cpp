#include "gateway/api/audit/recorded_contracts.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>

#include "gateway/contracts/contract_loader.hpp"
#include "gateway/log/log.hpp"
#include "gateway/util/scratch_dir.hpp"

namespace siao::api::audit_routes {


namespace {

// The version without what names other files (its mapping, its samples): field rules need neither, and
// those files may have changed or gone since.
std::optional<std::string> without_file_references(const std::string& source) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(source.c_str(), source.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  doc.RemoveMember("samples");
  if (auto adapter = doc.FindMember("adapter"); adapter != doc.MemberEnd() && adapter->value.IsObject())
    adapter->value.RemoveMember("mapping");
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  doc.Accept(w);
  return std::string(out.GetString(), out.GetSize());
}

bool is_file_name(const std::string& id) {
  return !id.empty() && id.size() <= 64 && id.find_first_of("/\\") == std::string::npos && id != "." && id != "..";
}

}  // namespace

std::shared_ptr<const auth::FieldPolicy> RecordedContracts::fields(pqxx::transaction_base& tx,
                                                                   const std::string& sha256) const {
  {
    std::lock_guard lock(mutex_);
    if (auto it = parsed_.find(sha256); it != parsed_.end()) return it->second;
  }
  auto rows = tx.exec_params("SELECT client_id, source FROM contract_versions WHERE sha256 = $1", sha256);
  std::shared_ptr<const auth::FieldPolicy> policy;
  if (rows.empty()) {
    log::event(log::Level::warn, "contract version missing: its exchanges disclose every field",
               {{"sha256", std::string_view(sha256)}});
    policy = std::make_shared<const auth::FieldPolicy>();
  } else {
    policy = parse(rows[0][0].as<std::string>(), rows[0][1].as<std::string>());
  }
  std::lock_guard lock(mutex_);
  return parsed_.emplace(sha256, std::move(policy)).first->second;
}

std::shared_ptr<const auth::FieldPolicy> RecordedContracts::parse(const std::string& client_id,
                                                                  const std::string& source) const {
  auto text = without_file_references(source);
  if (text && is_file_name(client_id)) {
    try {
      util::ScratchDir dir("siao-contract-version");  // the loader reads files
      auto file = dir.path() / (client_id + ".json");
      std::ofstream(file, std::ios::binary) << *text;
      contracts::LoadOptions options;
      options.secrets_dir = dir.path();                       // holds no key: none is needed, none is read
      options.getenv = [](const char*) -> const char* { return nullptr; };
      return std::make_shared<const auth::FieldPolicy>(contracts::load_contract(file, schemas_, options).client.fields);
    } catch (const std::exception& e) {
      log::event(log::Level::warn, "contract version unreadable: its exchanges disclose every field",
                 {{"client", std::string_view(client_id)}, {"error", std::string_view(e.what())}});
    }
  }
  return std::make_shared<const auth::FieldPolicy>();
}

}  // namespace siao::api::audit_routes
