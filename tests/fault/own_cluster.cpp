#include "tests/fault/own_cluster.hpp"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "tests/support/gateway_process.hpp"

namespace siao::test::fault {

namespace {

std::string pgctl_path() {
  const char* path = std::getenv("SIAO_TEST_PGCTL");
  if (!path || !*path) throw std::runtime_error("SIAO_TEST_PGCTL is not set: run the suites through scripts/test");
  std::string p(path);
  if (p.find('\'') != std::string::npos) throw std::runtime_error("SIAO_TEST_PGCTL holds a quote");
  return p;
}

}  // namespace

OwnCluster::OwnCluster() {
  static_cast<void>(pgctl_path());  // before making anything: fails when the suite was not started by scripts/test
  char pattern[] = "/tmp/siao-fault-pg-XXXXXX";
  if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  data_ = dir_ + "/data";
  // As root, pg_ctl runs as the OS user postgres (scripts/lib/pg-ctl), who must own the directory.
  if (geteuid() == 0) {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (getpwnam_r("postgres", &pw, buf.data(), buf.size(), &found) == 0 && found &&
        ::chown(dir_.c_str(), pw.pw_uid, pw.pw_gid) != 0)
      throw std::runtime_error("cannot give " + dir_ + " to postgres");
  }
  ::chmod(dir_.c_str(), 0755);
  port_ = free_port();
  pg_ctl("init -s -D " + data_ + " -o '--auth=trust --username=postgres --encoding=UTF8 --locale=C --no-sync'");
  start();
  pqxx::connection admin("postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres");
  pqxx::nontransaction t(admin);
  t.exec("CREATE ROLE siao_gateway LOGIN");
  t.exec("CREATE DATABASE siao OWNER siao_gateway");
  url_ = "postgresql://siao_gateway@127.0.0.1:" + std::to_string(port_) + "/siao";
}

OwnCluster::~OwnCluster() {
  try {
    thaw();
    if (running_) pg_ctl("stop -s -w -t 60 -m immediate -D " + data_, false);
  } catch (...) {
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void OwnCluster::pg_ctl(const std::string& args, bool must_succeed) {
  auto log = dir_ + "/pg_ctl.out";
  auto command = "'" + pgctl_path() + "' " + args + " >>'" + log + "' 2>&1";
  int rc = std::system(command.c_str());
  if (rc != 0 && must_succeed)
    throw std::runtime_error("pg_ctl " + args + " failed (" + std::to_string(rc) + "):\n" + read_file(log) +
                             read_file(data_ + "/server.log"));
}

void OwnCluster::start() {
  pg_ctl("start -s -w -t 60 -D " + data_ + " -l " + data_ + "/server.log -o '-p " + std::to_string(port_) +
         " -c listen_addresses=127.0.0.1 -k " + dir_ +
         " -c fsync=off -c synchronous_commit=on -c full_page_writes=off -c shared_buffers=64MB"
         " -c max_connections=40'");
  running_ = true;
}

void OwnCluster::stop(const std::string& mode) {
  if (mode != "fast" && mode != "immediate" && mode != "smart") throw std::invalid_argument("stop mode " + mode);
  pg_ctl("stop -s -w -t 60 -m " + mode + " -D " + data_);
  running_ = false;
}

// The postmaster (first line of postmaster.pid) and its children.
std::vector<pid_t> OwnCluster::processes() const {
  std::vector<pid_t> out;
  std::istringstream pidfile(read_file(data_ + "/postmaster.pid"));
  pid_t postmaster = 0;
  if (!(pidfile >> postmaster) || postmaster <= 0) return out;
  out.push_back(postmaster);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its last ')'.
    auto stat = read_file(entry.path().string() + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    char state = 0;
    pid_t ppid = 0;
    if (rest >> state >> ppid && ppid == postmaster) out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

void OwnCluster::freeze() {
  // The postmaster first, so that it forks no child once its children are listed.
  auto all = processes();
  if (all.empty()) throw std::runtime_error("no PostgreSQL process to freeze");
  ::kill(all.front(), SIGSTOP);
  frozen_ = processes();
  for (auto pid : frozen_) ::kill(pid, SIGSTOP);
}

void OwnCluster::thaw() {
  for (auto pid : frozen_) ::kill(pid, SIGCONT);
  frozen_.clear();
}

}  // namespace siao::test::fault
