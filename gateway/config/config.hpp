#pragma once
// Gateway configuration: defaults, then a JSON file (--config), then environment
// variables. A bad value stops start-up with an error naming the key.
#include <chrono>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>

namespace siao::config {

using Millis = std::chrono::milliseconds;

struct Limits {
  std::size_t header_bytes = std::size_t{16} * 1024;
  std::size_t body_bytes = std::size_t{1024} * 1024;
  Millis read_timeout{10'000};       // a whole request, once its first byte arrived
  Millis idle_timeout{30'000};       // between keep-alive requests
  Millis write_timeout{10'000};
  Millis handshake_timeout{10'000};  // TLS
  std::size_t max_connections = 10'000;
  Millis drain_timeout{20'000};      // SIGTERM: how long requests in flight may finish
};

struct Database {
  std::string url;
  int pool_size = 2;  // each connection commits its own batches: fewer, fuller batches cost fewer commits
  std::size_t max_queue = 4096;  // waiting database jobs before 503
  Millis max_queue_wait{3'000};   // the longest a job may wait for a connection before 503; 0: no limit
  Millis statement_timeout{5'000};
  Millis connect_timeout{3'000};
  Millis reconnect_interval{250};
  bool migrate_on_start = true;
  int idempotency_retention_hours = 48;  // Idempotency-Key answers kept at least this long (24 at least)
};

// Duplicate search (POST /persons/match, GET /persons/{id}/duplicates).
struct Matching {
  int match_threshold_percent = 80;       // POST /persons/match: similarity, in hundredths, to be answered
  int duplicates_threshold_percent = 88;  // GET /persons/{id}/duplicates: the same, between two whole records
  int max_candidates = 500;               // persons fetched and compared for one query at most
};

// The audit trail. Key files are created on first use when missing; empty paths mean <secrets_dir>/audit-*.
struct Audit {
  std::string master_key_file;   // 64 hex digits: wraps every subject key of the log
  std::string signing_key_file;  // Ed25519 PEM: signs checkpoints
  int checkpoint_every = 10'000;  // records between two signed checkpoints
  int retention_days = 730;       // the CNIL's two years for this sector
  std::string replay_database_url;  // scratch database of `replay rebuild`; empty: not over HTTP

  std::string master_key_path(const std::string& secrets_dir) const {
    return master_key_file.empty() ? secrets_dir + "/audit-master.key" : master_key_file;
  }
  std::string signing_key_path(const std::string& secrets_dir) const {
    return signing_key_file.empty() ? secrets_dir + "/audit-signing.pem" : signing_key_file;
  }
};

// Outbound delivery of the change feed to subscribers (docs/delivery.md).
struct Delivery {
  bool enabled = true;                 // off: this instance sends nothing (another may)
  int max_age_seconds = 72 * 3600;     // retried this long, then dead letters
  Millis base_delay{1'000};            // first retry delay; doubled each attempt, with jitter
  Millis max_delay{3'600'000};         // longest wait between two attempts
  Millis timeout{10'000};              // one attempt: connect, TLS, send, answer
  Millis poll_interval{500};           // how often new events and due retries are looked for
  int lease_seconds = 60;              // a claimed delivery is another instance's to take after this
  int batch = 64;                      // attempts in flight at once per subscriber (one per household)
  int keep_days = 7;                   // delivered and skipped deliveries are purged after this (dead ones stay)
  std::string ca_file;                 // PEM CA bundle trusted for partners; empty: the system store
};

struct Tls {
  std::string cert_file;
  std::string key_file;
};

struct Config {
  std::string http_listen = "127.0.0.1:8080";  // empty: no plain HTTP listener
  std::string https_listen;                    // empty: no TLS listener
  Tls tls;
  Limits limits;
  Database database;
  Matching matching;
  Audit audit;
  Delivery delivery;
  int io_threads = 2;
  std::string log_level = "info";
  std::string contracts_dir = "contracts";
  std::string schemas_dir = "schemas";
  std::string secrets_dir = "var/keys";
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using EnvLookup = std::function<const char*(const char*)>;

// `path` may be empty (no file).
Config load(const std::string& path, const EnvLookup& env);

// The documented keys: file key, environment variable, meaning.
std::string describe_keys();

}  // namespace siao::config
