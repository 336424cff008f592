#pragma once
// One API call as an audited exchange: its work runs inside a shared batch
// transaction (under its own savepoint), and its audit record is appended in
// that same transaction, so no effect exists without its record and no record
// claims an effect that was rolled back.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gateway/auth/client.hpp"
#include "gateway/http/message.hpp"
#include "gateway/storage/partner_keys.hpp"
#include "gateway/storage/pool.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::audit {

struct ResourceRef {
  std::string_view kind;  // household | person | request
  std::int64_t id;
  int version;
  bool written;
};

class Exchange final : public storage::BatchStep {
 public:
  using Work = std::function<http::Response(pqxx::transaction_base& tx, Exchange& ex)>;

  // `client` may be null: an unauthenticated call is recorded too.
  Exchange(const http::Request& request, const auth::Client* client, Work work);

  void step(pqxx::transaction_base& tx) override;
  void step_failed(std::exception_ptr error) noexcept override;
  bool reads_only() const noexcept override { return !writes(); }

  // The request handlers see: the one received, or an adapter's canonical one while it runs (see Translated).
  const http::Request& request() const { return *request_; }
  const http::Request& received() const { return received_; }
  const auth::Client& client() const { return *client_; }
  const auth::Client* caller() const { return client_; }  // null for an unauthenticated call
  std::string_view client_id() const { return client_ ? std::string_view(client_->id) : std::string_view(); }
  // One clock reading for everything this exchange writes, and its RFC 3339 text (for a replayed request, the
  // time recorded: http::Request::replayed_at).
  std::chrono::system_clock::time_point now_at() const { return now_at_; }
  const std::string& now() const { return now_; }
  void touched(std::string_view kind, std::int64_t id, int version, bool written);
  // A new version to keep in history; all of an exchange's are written in one statement when its work ends.
  void add_version(std::string_view kind, std::int64_t id, storage::VersionRecord record,
                   storage::VersionFacts facts = {});

  // While alive, handlers see `canonical` as the request; the audit record keeps the one received.
  class Translated {
   public:
    // The canonical command is also kept for the audit record, so that a replay can compare its translation.
    Translated(Exchange& ex, const http::Request& canonical) : ex_(ex), saved_(ex.request_) {
      ex.record_canonical(canonical);
      ex.request_ = &canonical;
    }
    ~Translated() { ex_.request_ = saved_; }
    Translated(const Translated&) = delete;
    Translated& operator=(const Translated&) = delete;

   private:
    Exchange& ex_;
    const http::Request* saved_;
  };

  // Partner keys to record with this exchange's versions, in the same statement. `taken` is called with a key
  // that already names another record, and throws the refusal: nothing of the exchange stays.
  using KeyTaken = std::function<void(const std::string& key, std::int64_t siao_id)>;
  void add_partner_keys(std::string partner, std::vector<storage::NewPartnerKey> keys, KeyTaken taken);

  const std::vector<ResourceRef>& resources() const { return resources_; }
  const std::vector<storage::VersionRow>& versions() const { return versions_; }  // written by this exchange
  // The keys this exchange's record is sealed under, instead of its persons' (or its month's): a retention run
  // erases the keys of the persons it names, and its own record must stay readable.
  void seal_under(std::vector<std::string> subjects) { seal_under_ = std::move(subjects); }
  const std::vector<std::string>& sealed_under() const { return seal_under_; }
  // The canonical commands an adapter ran, each a JSON object {"method","target","headers"?,"body"?}.
  const std::vector<std::string>& canonical_commands() const { return canonical_; }
  http::Response& response() { return response_; }
  std::int64_t duration_us() const;
  bool writes() const;

 private:
  void run_with_idempotency(pqxx::transaction_base& tx, std::string_view key);
  void run_work(pqxx::transaction_base& tx);
  void record_canonical(const http::Request& canonical);

  const http::Request& received_;
  const http::Request* request_;
  const auth::Client* client_;
  Work work_;
  void read_clock();

  std::chrono::system_clock::time_point now_at_;
  std::string now_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point finished_;
  std::vector<ResourceRef> resources_;
  std::vector<std::string> canonical_;
  std::vector<std::string> seal_under_;
  std::vector<storage::VersionRow> versions_;
  std::string keys_partner_;
  std::vector<storage::NewPartnerKey> keys_;
  KeyTaken key_taken_;
  http::Response response_;
};

}  // namespace siao::audit
