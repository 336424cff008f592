#include "gateway/config/config.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace siao::config {

namespace {

enum class Kind { text, count, number, millis, flag };  // count: size_t, number: int

struct Key {
  const char* name;  // dotted path in the file
  const char* env;   // environment override, or nullptr
  Kind kind;
  const char* help;
  std::function<void*(Config&)> field;
};

template <class T>
std::function<void*(Config&)> at(T Config::*member) {
  // cppcheck-suppress constParameter ; the pointer returned writes into c
  return [member](Config& c) -> void* { return &(c.*member); };
}
template <class S, class T>
std::function<void*(Config&)> at(S Config::*outer, T S::*inner) {
  // cppcheck-suppress constParameter ; the pointer returned writes into c
  return [outer, inner](Config& c) -> void* { return &((c.*outer).*inner); };
}

const std::vector<Key>& keys() {
  static const std::vector<Key> all = {
      {"http.listen", "GATEWAY_HTTP_LISTEN", Kind::text, "plain HTTP listener host:port, empty for none",
       at(&Config::http_listen)},
      {"https.listen", "GATEWAY_HTTPS_LISTEN", Kind::text, "TLS listener host:port, empty for none",
       at(&Config::https_listen)},
      {"tls.cert", "GATEWAY_TLS_CERT", Kind::text, "PEM certificate chain", at(&Config::tls, &Tls::cert_file)},
      {"tls.key", "GATEWAY_TLS_KEY", Kind::text, "PEM private key", at(&Config::tls, &Tls::key_file)},
      {"io_threads", "GATEWAY_IO_THREADS", Kind::number, "threads running the network event loop",
       at(&Config::io_threads)},
      {"log_level", "GATEWAY_LOG_LEVEL", Kind::text, "trace, debug, info, warn, error or off",
       at(&Config::log_level)},
      {"contracts_dir", "GATEWAY_CONTRACTS_DIR", Kind::text, "directory of the client contracts (one JSON file each)",
       at(&Config::contracts_dir)},
      {"schemas_dir", "GATEWAY_SCHEMAS_DIR", Kind::text, "directory of the JSON Schemas", at(&Config::schemas_dir)},
      {"secrets_dir", "GATEWAY_SECRETS_DIR", Kind::text,
       "directory of the key files that contracts name (apiKeyFrom.file)", at(&Config::secrets_dir)},
      {"audit.master_key_file", "GATEWAY_AUDIT_MASTER_KEY_FILE", Kind::text,
       "master key of the audit log's personal-data keys (64 hex digits; default <secrets_dir>/audit-master.key, "
       "created when missing)",
       at(&Config::audit, &Audit::master_key_file)},
      {"audit.signing_key_file", "GATEWAY_AUDIT_SIGNING_KEY_FILE", Kind::text,
       "Ed25519 PEM key signing the audit checkpoints (default <secrets_dir>/audit-signing.pem, created when missing)",
       at(&Config::audit, &Audit::signing_key_file)},
      {"audit.checkpoint_every", "GATEWAY_AUDIT_CHECKPOINT_EVERY", Kind::number,
       "audit records between two signed checkpoints (1 to 10000000)", at(&Config::audit, &Audit::checkpoint_every)},
      {"audit.retention_days", "GATEWAY_AUDIT_RETENTION_DAYS", Kind::number,
       "days without activity after which `retention run` forgets a household and its persons",
       at(&Config::audit, &Audit::retention_days)},
      {"audit.replay_database_url", "GATEWAY_AUDIT_REPLAY_DATABASE_URL", Kind::text,
       "scratch database that `replay rebuild` empties and fills (never the live one); empty: rebuild is CLI-only",
       at(&Config::audit, &Audit::replay_database_url)},
      {"limits.header_bytes", "GATEWAY_HEADER_LIMIT", Kind::count, "largest request header block (431 above)",
       at(&Config::limits, &Limits::header_bytes)},
      {"limits.body_bytes", "GATEWAY_BODY_LIMIT", Kind::count, "largest request body (413 above)",
       at(&Config::limits, &Limits::body_bytes)},
      {"limits.read_timeout_ms", "GATEWAY_READ_TIMEOUT_MS", Kind::millis, "time to receive a whole request",
       at(&Config::limits, &Limits::read_timeout)},
      {"limits.idle_timeout_ms", "GATEWAY_IDLE_TIMEOUT_MS", Kind::millis, "keep-alive idle time",
       at(&Config::limits, &Limits::idle_timeout)},
      {"limits.write_timeout_ms", "GATEWAY_WRITE_TIMEOUT_MS", Kind::millis, "time to send a response",
       at(&Config::limits, &Limits::write_timeout)},
      {"limits.handshake_timeout_ms", "GATEWAY_HANDSHAKE_TIMEOUT_MS", Kind::millis, "time for a TLS handshake",
       at(&Config::limits, &Limits::handshake_timeout)},
      {"limits.max_connections", "GATEWAY_MAX_CONNECTIONS", Kind::count, "open connections (503 above)",
       at(&Config::limits, &Limits::max_connections)},
      {"limits.drain_timeout_ms", "GATEWAY_DRAIN_TIMEOUT_MS", Kind::millis,
       "on SIGTERM, how long requests in flight may finish", at(&Config::limits, &Limits::drain_timeout)},
      {"database.url", "DATABASE_URL", Kind::text, "PostgreSQL connection URI",
       at(&Config::database, &Database::url)},
      {"database.pool_size", "GATEWAY_DB_POOL_SIZE", Kind::number, "database connections (one thread each)",
       at(&Config::database, &Database::pool_size)},
      {"database.max_queue", "GATEWAY_DB_MAX_QUEUE", Kind::count, "database jobs waiting before 503",
       at(&Config::database, &Database::max_queue)},
      {"database.max_queue_wait_ms", "GATEWAY_DB_MAX_QUEUE_WAIT_MS", Kind::millis,
       "longest wait of a database job for a connection before 503 (0: no limit)",
       at(&Config::database, &Database::max_queue_wait)},
      {"database.statement_timeout_ms", "GATEWAY_DB_STATEMENT_TIMEOUT_MS", Kind::millis,
       "PostgreSQL statement_timeout", at(&Config::database, &Database::statement_timeout)},
      {"database.connect_timeout_ms", "GATEWAY_DB_CONNECT_TIMEOUT_MS", Kind::millis, "time to open a connection",
       at(&Config::database, &Database::connect_timeout)},
      {"database.reconnect_interval_ms", "GATEWAY_DB_RECONNECT_INTERVAL_MS", Kind::millis,
       "least time between two attempts to reopen a lost connection",
       at(&Config::database, &Database::reconnect_interval)},
      {"database.idempotency_retention_hours", "GATEWAY_IDEMPOTENCY_RETENTION_HOURS", Kind::number,
       "how long the first answer to a POST with an Idempotency-Key is kept (24 at least)",
       at(&Config::database, &Database::idempotency_retention_hours)},
      {"matching.match_threshold_percent", "GATEWAY_MATCH_THRESHOLD_PERCENT", Kind::number,
       "similarity (1 to 100 hundredths) from which POST /persons/match answers a person",
       at(&Config::matching, &Matching::match_threshold_percent)},
      {"matching.duplicates_threshold_percent", "GATEWAY_DUPLICATES_THRESHOLD_PERCENT", Kind::number,
       "similarity (1 to 100 hundredths) from which GET /persons/{id}/duplicates answers a person",
       at(&Config::matching, &Matching::duplicates_threshold_percent)},
      {"matching.max_candidates", "GATEWAY_MATCH_MAX_CANDIDATES", Kind::number,
       "persons compared at most for one match query (1 to 100000)", at(&Config::matching, &Matching::max_candidates)},
      {"database.migrate_on_start", "GATEWAY_MIGRATE_ON_START", Kind::flag, "apply migrations when serving",
       at(&Config::database, &Database::migrate_on_start)},
      {"delivery.enabled", "GATEWAY_DELIVERY_ENABLED", Kind::flag, "send the change feed to outbound subscribers",
       at(&Config::delivery, &Delivery::enabled)},
      {"delivery.max_age_seconds", "GATEWAY_DELIVERY_MAX_AGE_SECONDS", Kind::number,
       "how long an event is retried before it goes to the dead letters (default 259200: 72 hours)",
       at(&Config::delivery, &Delivery::max_age_seconds)},
      {"delivery.base_delay_ms", "GATEWAY_DELIVERY_BASE_DELAY_MS", Kind::millis,
       "first retry delay, doubled at each attempt (with jitter)", at(&Config::delivery, &Delivery::base_delay)},
      {"delivery.max_delay_ms", "GATEWAY_DELIVERY_MAX_DELAY_MS", Kind::millis, "longest wait between two attempts",
       at(&Config::delivery, &Delivery::max_delay)},
      {"delivery.timeout_ms", "GATEWAY_DELIVERY_TIMEOUT_MS", Kind::millis,
       "one delivery attempt: connect, TLS handshake, send, answer", at(&Config::delivery, &Delivery::timeout)},
      {"delivery.poll_interval_ms", "GATEWAY_DELIVERY_POLL_INTERVAL_MS", Kind::millis,
       "how often new events and due retries are looked for", at(&Config::delivery, &Delivery::poll_interval)},
      {"delivery.lease_seconds", "GATEWAY_DELIVERY_LEASE_SECONDS", Kind::number,
       "a delivery in flight is another instance's to take over after this (a crashed instance's)",
       at(&Config::delivery, &Delivery::lease_seconds)},
      {"delivery.batch", "GATEWAY_DELIVERY_BATCH", Kind::number, "deliveries sent at once per subscriber",
       at(&Config::delivery, &Delivery::batch)},
      {"delivery.keep_days", "GATEWAY_DELIVERY_KEEP_DAYS", Kind::number,
       "days a delivered (or skipped) delivery's row is kept; dead ones stay until redriven",
       at(&Config::delivery, &Delivery::keep_days)},
      {"delivery.ca_file", "GATEWAY_DELIVERY_CA_FILE", Kind::text,
       "PEM CA bundle that partners' certificates are checked against; empty: the system store",
       at(&Config::delivery, &Delivery::ca_file)},
  };
  return all;
}

[[noreturn]] void fail(const std::string& source, const Key& key, const std::string& why) {
  throw ConfigError(source + ": " + key.name + ": " + why);
}

long long parse_count(const std::string& source, const Key& key, std::string_view text) {
  long long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0)
    fail(source, key, "expected a non-negative whole number, got '" + std::string(text) + "'");
  return v;
}

void assign(Config& c, const Key& key, const std::string& source, std::string_view text) {
  void* field = key.field(c);
  switch (key.kind) {
    case Kind::text: *static_cast<std::string*>(field) = std::string(text); break;
    case Kind::millis: *static_cast<Millis*>(field) = Millis(parse_count(source, key, text)); break;
    case Kind::flag:
      if (text == "true" || text == "1") *static_cast<bool*>(field) = true;
      else if (text == "false" || text == "0") *static_cast<bool*>(field) = false;
      else fail(source, key, "expected true or false, got '" + std::string(text) + "'");
      break;
    case Kind::count: *static_cast<std::size_t*>(field) = static_cast<std::size_t>(parse_count(source, key, text)); break;
    case Kind::number: {
      auto v = parse_count(source, key, text);
      if (v > 1'000'000) fail(source, key, "too large");
      *static_cast<int*>(field) = static_cast<int>(v);
      break;
    }
  }
}

const Key* find_key(std::string_view name) {
  for (const auto& k : keys())
    if (name == k.name) return &k;
  return nullptr;
}

void load_object(Config& c, const rapidjson::Value& obj, const std::string& prefix, const std::string& source) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string name = prefix + std::string(it->name.GetString(), it->name.GetStringLength());
    if (it->value.IsObject() && !find_key(name)) {
      load_object(c, it->value, name + ".", source);
      continue;
    }
    const Key* key = find_key(name);
    if (!key) throw ConfigError(source + ": " + name + ": unknown key");
    const auto& v = it->value;
    if (key->kind == Kind::text && v.IsString()) assign(c, *key, source, {v.GetString(), v.GetStringLength()});
    else if ((key->kind == Kind::count || key->kind == Kind::number || key->kind == Kind::millis) && v.IsUint64())
      assign(c, *key, source, std::to_string(v.GetUint64()));
    else if (key->kind == Kind::flag && v.IsBool()) assign(c, *key, source, v.GetBool() ? "true" : "false");
    else fail(source, *key, "wrong type");
  }
}

void check(const Config& c) {
  auto bad = [](const char* name, const std::string& why) { throw ConfigError(std::string(name) + ": " + why); };
  if (c.http_listen.empty() && c.https_listen.empty()) bad("http.listen", "no listener: set http.listen or https.listen");
  if (!c.https_listen.empty() && (c.tls.cert_file.empty() || c.tls.key_file.empty()))
    bad(c.tls.cert_file.empty() ? "tls.cert" : "tls.key", "required when https.listen is set");
  if (c.io_threads < 1 || c.io_threads > 64) bad("io_threads", "must be between 1 and 64");
  if (c.database.pool_size < 1 || c.database.pool_size > 256) bad("database.pool_size", "must be between 1 and 256");
  if (c.matching.match_threshold_percent < 1 || c.matching.match_threshold_percent > 100)
    bad("matching.match_threshold_percent", "must be between 1 and 100");
  if (c.matching.duplicates_threshold_percent < 1 || c.matching.duplicates_threshold_percent > 100)
    bad("matching.duplicates_threshold_percent", "must be between 1 and 100");
  if (c.matching.max_candidates < 1 || c.matching.max_candidates > 100'000)
    bad("matching.max_candidates", "must be between 1 and 100000");
  if (c.audit.checkpoint_every < 1 || c.audit.checkpoint_every > 10'000'000)
    bad("audit.checkpoint_every", "must be between 1 and 10000000");
  if (c.audit.retention_days < 0) bad("audit.retention_days", "must not be negative");
  if (!c.audit.replay_database_url.empty() && c.audit.replay_database_url == c.database.url)
    bad("audit.replay_database_url", "must not be the live database: a rebuild empties it");
  if (c.database.idempotency_retention_hours < 24)
    bad("database.idempotency_retention_hours", "must be at least 24: partners may retry for a day");
  if (c.delivery.max_age_seconds < 1) bad("delivery.max_age_seconds", "must be at least 1");
  if (c.delivery.base_delay.count() < 1) bad("delivery.base_delay_ms", "must be at least 1");
  if (c.delivery.max_delay < c.delivery.base_delay) bad("delivery.max_delay_ms", "must be at least delivery.base_delay_ms");
  if (c.delivery.timeout.count() < 100) bad("delivery.timeout_ms", "must be at least 100");
  if (c.delivery.poll_interval.count() < 10) bad("delivery.poll_interval_ms", "must be at least 10");
  if (std::chrono::seconds(c.delivery.lease_seconds) <= c.delivery.timeout)  // in 64 bits: no overflow
    bad("delivery.lease_seconds", "must be longer than delivery.timeout_ms: a lease outlives its attempt");
  if (c.delivery.batch < 1 || c.delivery.batch > 1000) bad("delivery.batch", "must be between 1 and 1000");
  if (c.delivery.keep_days < 1) bad("delivery.keep_days", "must be at least 1");
  if (c.limits.header_bytes < 1024) bad("limits.header_bytes", "must be at least 1024");
  if (c.limits.body_bytes < 1024) bad("limits.body_bytes", "must be at least 1024");
  if (c.limits.max_connections < 1) bad("limits.max_connections", "must be at least 1");
  static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
  bool level_ok = false;
  for (const auto* l : levels) level_ok |= c.log_level == l;
  if (!level_ok) bad("log_level", "must be one of trace, debug, info, warn, error, off");
}

}  // namespace

Config load(const std::string& path, const EnvLookup& env) {
  Config c;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.str().c_str());
    if (doc.HasParseError())
      throw ConfigError(path + ": not valid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                        rapidjson::GetParseError_En(doc.GetParseError()));
    if (!doc.IsObject()) throw ConfigError(path + ": must hold a JSON object");
    load_object(c, doc, "", path);
  }
  for (const auto& key : keys()) {
    if (!key.env) continue;
    if (const char* v = env(key.env)) assign(c, key, std::string("environment ") + key.env, v);
  }
  check(c);
  return c;
}

std::string describe_keys() {
  std::string out;
  for (const auto& k : keys()) {
    out += "  ";
    out += k.name;
    out += std::string(k.name).size() < 30 ? std::string(30 - std::string(k.name).size(), ' ') : " ";
    out += k.env ? k.env : "";
    out += "\n      ";
    out += k.help;
    out += "\n";
  }
  return out;
}

}  // namespace siao::config
