#include "gateway/audit/verify.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <thread>
#include <pqxx/pqxx>

#include "gateway/audit/crypto.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::audit {

namespace {

const std::string kGenesis(64, '0');

}  // namespace

std::string VerifyResult::to_json() const {
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "checked");
    w.Int64(checked);
    resources::put(w, "ok");
    w.Bool(ok);
    resources::put(w, "firstBroken");
    if (first_broken) resources::put(w, std::to_string(*first_broken));
    else w.Null();
    resources::put(w, "reason", reason);
    resources::put(w, "checkpoints");
    w.Int64(checkpoints);
    resources::put(w, "anchored");
    w.Bool(anchored);
    w.EndObject();
  });
}

ChainVerifier::ChainVerifier(std::string trusted_public_key_hex) : trusted_(std::move(trusted_public_key_hex)) {}

void ChainVerifier::add_checkpoint(Checkpoint c) {
  auto seq = c.seq;
  checkpoints_[seq] = std::move(c);
}

void ChainVerifier::broken(std::int64_t seq, std::string reason) {
  if (!result_.ok) return;
  result_.ok = false;
  result_.first_broken = seq;
  result_.reason = std::move(reason);
}

void ChainVerifier::add(const LoggedRecord& r) { add(r.fields(), r.prev_hash, r.hash); }

void ChainVerifier::add(const RecordFields& r, std::string_view prev_hash, std::string_view hash) {
  if (!result_.ok) return;
  if (!last_seq_) {
    first_seq_ = r.seq;
    first_prev_hash_ = prev_hash;
    if (r.seq == 1 && prev_hash != kGenesis) return broken(r.seq, "the first record does not start the chain");
  } else {
    if (r.seq != *last_seq_ + 1)
      return broken(*last_seq_ + 1, "record " + std::to_string(*last_seq_ + 1) + " is missing");
    if (prev_hash != last_hash_)
      return broken(r.seq, "its link does not name the hash of record " + std::to_string(*last_seq_));
  }
  ++result_.checked;
  if (record_hash(prev_hash, r) != hash) return broken(r.seq, "its content does not match its hash (a byte was changed)");
  if (auto c = checkpoints_.find(r.seq); c != checkpoints_.end() && c->second.hash != hash)
    return broken(r.seq, "its hash differs from the one its checkpoint signed");
  last_seq_ = r.seq;
  last_hash_ = hash;
}

Span ChainVerifier::span() const {
  Span s;
  if (last_seq_) {
    s.first_seq = first_seq_;
    s.last_seq = *last_seq_;
    s.first_prev_hash = first_prev_hash_;
    s.last_hash = last_hash_;
  }
  s.checked = result_.checked;
  s.broken = result_.first_broken;
  s.reason = result_.reason;
  return s;
}

void ChainVerifier::add_span(const Span& s) {
  if (!result_.ok) return;
  if (s.last_seq == 0 && !s.broken) return;  // no record in that range: the next span's first seq tells
  if (s.last_seq != 0) {
    if (!last_seq_) {
      first_seq_ = s.first_seq;
      first_prev_hash_ = s.first_prev_hash;
    } else if (s.first_seq != *last_seq_ + 1) {
      return broken(*last_seq_ + 1, "record " + std::to_string(*last_seq_ + 1) + " is missing");
    } else if (s.first_prev_hash != last_hash_) {
      return broken(s.first_seq, "its link does not name the hash of record " + std::to_string(*last_seq_));
    }
  }
  result_.checked += s.checked;
  if (s.broken) return broken(*s.broken, s.reason);
  last_seq_ = s.last_seq;
  last_hash_ = s.last_hash;
}

VerifyResult ChainVerifier::finish(std::optional<std::pair<std::int64_t, std::string>> head) {
  if (!result_.ok) return result_;
  // Checkpoints are checked in seq order: the first failure is the earliest record in doubt.
  for (const auto& [seq, c] : checkpoints_) {
    if (c.public_key != trusted_ || !crypto::ed25519_verify(c.public_key, checkpoint_message(c.seq, c.hash), c.signature)) {
      broken(seq, "the checkpoint at record " + std::to_string(seq) + " is not signed by the trusted key");
      return result_;
    }
    ++result_.checkpoints;
  }
  // Records are re-read for their hash at each checkpoint: done by the caller through add(); here only the
  // checkpoints beyond what was read can tell that records were removed at the end.
  if (last_seq_) {
    for (const auto& [seq, c] : checkpoints_) {
      if (seq > *last_seq_) {
        broken(*last_seq_ + 1, "record " + std::to_string(*last_seq_ + 1) + " is missing (a signed checkpoint covers " +
                                   std::to_string(seq) + ")");
        return result_;
      }
    }
  }
  // A checkpoint read after its record (an export's closing one) is checked against the last hash.
  if (last_seq_)
    if (auto c = checkpoints_.find(*last_seq_); c != checkpoints_.end() && c->second.hash != last_hash_) {
      broken(*last_seq_, "its hash differs from the one its checkpoint signed");
      return result_;
    }
  if (head) {
    auto last = last_seq_.value_or(0);
    if (head->first != last) {
      broken(last + 1, "the chain head names record " + std::to_string(head->first) + " but the log ends at " +
                           std::to_string(last));
      return result_;
    }
    if (last > 0 && head->second != last_hash_) {
      broken(last, "the chain head's hash differs from the last record's");
      return result_;
    }
  }
  result_.anchored = first_seq_ <= 1 || checkpoints_.contains(first_seq_ - 1);
  if (first_seq_ > 1 && checkpoints_.contains(first_seq_ - 1) && checkpoints_[first_seq_ - 1].hash != first_prev_hash_)
    broken(first_seq_, "its link does not name the hash the checkpoint before it signed");
  return result_;
}

std::vector<Checkpoint> load_checkpoints(pqxx::transaction_base& tx, std::int64_t from, std::int64_t to) {
  std::vector<Checkpoint> out;
  for (const auto& row : tx.exec_params("SELECT seq, hash, rfc3339(at), public_key, signature FROM audit_checkpoints "
                                        "WHERE seq BETWEEN $1 AND $2 ORDER BY seq",
                                        from, to))
    out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                   row[3].as<std::string>(), row[4].as<std::string>()});
  return out;
}

namespace {

// In the database the log starts at record 1, unless older months were detached after a checkpoint.
VerifyResult anchored_at_start(VerifyResult result) {
  if (result.ok && result.checked > 0 && !result.anchored) {
    result.ok = false;
    result.first_broken = 1;
    result.reason = "the log does not start at record 1 and no checkpoint anchors its first record";
  }
  return result;
}

constexpr std::int64_t kSpan = 20'000;

}  // namespace

VerifyResult verify_database(const std::string& url, const std::string& trusted_public_key_hex, int workers) {
  std::vector<Checkpoint> checkpoints;
  std::pair<std::int64_t, std::string> head;
  {
    pqxx::connection c(url);
    pqxx::read_transaction tx(c);
    checkpoints = load_checkpoints(tx, 0, std::numeric_limits<std::int64_t>::max());
    auto row = tx.exec1("SELECT seq, hash FROM audit_chain_head WHERE id = 1");
    head = {row[0].as<std::int64_t>(), row[1].as<std::string>()};
  }
  // Records up to the head read now: appends after it are for the next verification.
  auto last = head.first;
  auto spans_count = static_cast<std::size_t>((last + kSpan - 1) / kSpan);
  std::vector<Span> spans(spans_count);
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(std::max(1, workers)));
  std::vector<std::thread> threads;
  threads.reserve(errors.size());
  for (auto& error : errors)
    threads.emplace_back([&, failure = &error] {
      try {
        pqxx::connection c(url);
        pqxx::read_transaction tx(c);
        for (auto i = next++; i < spans_count; i = next++) {
          ChainVerifier part(trusted_public_key_hex);
          for (const auto& cp : checkpoints) part.add_checkpoint(cp);
          auto from = static_cast<std::int64_t>(i) * kSpan + 1;
          for_each_record_view(tx, from, std::min(last, from + kSpan - 1),
                               [&](const RecordView& r) { part.add(r.fields, r.prev_hash, r.hash); });
          spans[i] = part.span();
        }
      } catch (...) {
        *failure = std::current_exception();
        next = spans_count;  // the others stop too
      }
    });
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  ChainVerifier verifier(trusted_public_key_hex);
  for (auto& cp : checkpoints) verifier.add_checkpoint(std::move(cp));
  for (const auto& s : spans) verifier.add_span(s);
  return anchored_at_start(verifier.finish(head));
}

VerifyResult verify_database(pqxx::transaction_base& tx, const std::string& trusted_public_key_hex) {
  ChainVerifier verifier(trusted_public_key_hex);
  for (auto& c : load_checkpoints(tx, 0, std::numeric_limits<std::int64_t>::max())) verifier.add_checkpoint(std::move(c));
  auto head = tx.exec1("SELECT seq, hash FROM audit_chain_head WHERE id = 1");
  for_each_record_view(tx, 1, std::numeric_limits<std::int64_t>::max(),
                       [&](const RecordView& r) { verifier.add(r.fields, r.prev_hash, r.hash); });
  return anchored_at_start(verifier.finish(std::make_pair(head[0].as<std::int64_t>(), head[1].as<std::string>())));
}

}  // namespace siao::audit
