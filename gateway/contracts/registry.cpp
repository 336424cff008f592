#include "gateway/contracts/registry.hpp"

#include <cctype>

namespace siao::contracts {

namespace {

std::optional<std::string_view> bearer_token(const http::Request& req) {
  auto h = req.header("authorization");
  if (!h) return std::nullopt;
  constexpr std::string_view kScheme = "bearer ";
  if (h->size() <= kScheme.size()) return std::string_view();
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>((*h)[i])) != kScheme[i]) return std::string_view();
  return h->substr(kScheme.size());
}

}  // namespace

Registry::Registry(std::filesystem::path dir, std::shared_ptr<const json::SchemaSet> schemas, LoadOptions options)
    : dir_(std::move(dir)), schemas_(std::move(schemas)), options_(std::move(options)) {}

std::shared_ptr<const ContractSet> Registry::reload() {
  std::lock_guard serial(reload_mutex_);
  auto contracts = load_contract_dir(dir_, *schemas_, options_);
  auto previous = current();
  for (auto& c : contracts) {
    const Contract* before = previous ? previous->find(c.client.id) : nullptr;
    if (before) {
      c.quota = before->quota;
      c.quota->reconfigure(c.quota_limits);
    } else {
      c.quota = std::make_shared<auth::Quota>(c.quota_limits);
    }
  }
  auto next = std::make_shared<const ContractSet>(std::move(contracts));
  std::lock_guard swap(current_mutex_);
  current_ = next;
  return next;
}

std::shared_ptr<const ContractSet> Registry::current() const {
  std::lock_guard lock(current_mutex_);
  return current_;
}

auth::Caller Registry::authenticate(const http::Request& req) const {
  auth::Caller caller;
  auto set = current();
  if (!set) return caller;
  const Contract* contract = nullptr;
  if (auto token = bearer_token(req)) {
    // A bearer credential decides alone: a wrong key is not rescued by a certificate.
    caller.presented = true;
    if (!token->empty()) contract = set->by_key(*token);
  } else if (!req.client_cert_sha256.empty()) {
    caller.presented = true;
    contract = set->by_certificate(req.client_cert_sha256);
  }
  if (!contract) return caller;
  // Shares ownership of the whole set: the client outlives any reload while the request runs.
  caller.client = std::shared_ptr<const auth::Client>(set, &contract->client);
  caller.quota = contract->quota.get();
  return caller;
}

}  // namespace siao::contracts
