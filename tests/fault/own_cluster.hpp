#pragma once
// A PostgreSQL cluster of the test's own, made in a temporary directory with the pg_ctl that scripts/test
// names (SIAO_TEST_PGCTL), so that a test can stop, kill or freeze its database without touching the cluster
// every other test shares. Fast but crash-safe for a process crash: fsync off (the machine does not go down),
// synchronous_commit on (a commit answered is in the WAL the restart replays).
#include <sys/types.h>

#include <string>
#include <vector>

namespace siao::test::fault {

class OwnCluster {
 public:
  OwnCluster();   // initdb, start, and a database `siao` owned by the role `siao_gateway`
  ~OwnCluster();  // stop, and remove the directory
  OwnCluster(const OwnCluster&) = delete;
  OwnCluster& operator=(const OwnCluster&) = delete;

  const std::string& url() const { return url_; }  // the gateway's database
  void stop(const std::string& mode);  // pg_ctl stop -m fast|immediate, waiting for it
  void start();                        // pg_ctl start, waiting until it accepts connections
  void freeze();                       // SIGSTOP every process of the cluster: a server that no longer answers
  void thaw();                         // SIGCONT them

 private:
  std::string dir_, data_;
  int port_ = 0;
  std::string url_;
  bool running_ = false;
  std::vector<pid_t> frozen_;

  void pg_ctl(const std::string& args, bool must_succeed = true);
  std::vector<pid_t> processes() const;
};

}  // namespace siao::test::fault
