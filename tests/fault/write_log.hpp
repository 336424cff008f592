#pragma once
// A load of mixed writes, and some reads, sent to a gateway by several client threads, each keeping its own
// log of every call: what it sent (with its X-Request-Id and Idempotency-Key) and what came back, or that
// nothing did. The fault tests crash or starve the gateway under this load, then check the log against the
// database (write_check.hpp).
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace siao::test::fault {

using Clock = std::chrono::steady_clock;

enum class Op {
  read,                // GET of a household the client created
  household_create,    // v2 POST /households, 1 to 3 persons
  famille_create,      // Rosalie v1.1 POST /familles, 1 to 3 persons
  household_patch,     // v2 PATCH /households/{id} with If-Match: a new territory
  person_patch,        // v2 PATCH /persons/{id} with If-Match: a new phone number
  member_add,          // v2 POST /households/{id}/members: a new person
  request_create,      // v2 POST /requests: an emergency request
  request_transition,  // v2 POST /requests/{id}/transitions: received -> provided -> closed
};
const char* op_name(Op op);

// One HTTP exchange of a call. A call with an Idempotency-Key may take several.
struct Attempt {
  std::string request_id;  // the X-Request-Id sent: the audit record carries it
  int status = 0;          // 0: no answer (refused, reset, closed or timed out)
  std::string error;       // why there was no answer
  std::string body, content_type, retry_after;
  bool replayed = false;   // Idempotent-Replayed: true
  Clock::time_point sent, answered;

  bool ok() const { return status >= 200 && status < 300; }
  std::string slug() const;  // a problem's type, after "/problems/"
};

struct Call {
  Op op = Op::read;
  int client = 0;
  std::string method, target, body, content_type, if_match;
  std::string api_key;
  std::string idempotency_key;  // empty: sent once, never retried
  std::string marker;           // creates of persons: the last name of every person the call sends
  int persons = 0;              // how many persons a create sends
  std::string kind;             // the resource the call writes: household, person or request
  std::string id;               // its id: known before for an update, answered for a create
  std::string pointer, value;   // what the version it writes holds: a JSON pointer into the snapshot, its text
  std::vector<Attempt> attempts;

  bool writes() const { return op != Op::read; }
  bool creates() const;
  const Attempt* acknowledged() const;  // the last 2xx attempt, if any
};

struct LoadOptions {
  int port = 0;
  int clients = 4;
  int read_percent = 10;  // share of calls that are reads
  int keyed_percent = 50; // share of POSTs sent with an Idempotency-Key
  unsigned seed = 1;
  std::string tag = "T";  // makes markers and Rosalie keys unique to a run: letters and digits
  std::chrono::seconds receive_timeout{10};
  // After stop(), how long a keyed POST without a definitive answer keeps being retried.
  std::chrono::seconds settle_timeout{60};
};

// Runs its client threads from construction to stop().
class WriteLoad {
 public:
  explicit WriteLoad(LoadOptions options);
  ~WriteLoad();
  WriteLoad(const WriteLoad&) = delete;
  WriteLoad& operator=(const WriteLoad&) = delete;

  // Ends every client once its current call is settled; returns every call made, in the order they ended.
  std::vector<Call> stop();
  long acknowledged() const { return acknowledged_.load(); }  // writes answered 2xx so far
  // Waits until `n` more writes than now have been acknowledged; false on timeout.
  bool wait_acknowledged(long n, std::chrono::milliseconds timeout) const;

 private:
  struct Client;
  LoadOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<long> acknowledged_{0};
  Clock::time_point settle_deadline_{};
  std::mutex mutex_;
  std::vector<Call> calls_;
  std::vector<std::thread> threads_;
  std::vector<std::unique_ptr<Client>> clients_;
  bool stopped_ = false;

  void record(Call call);
};

}  // namespace siao::test::fault
