#pragma once
// A loopback HTTP receiver of outbound deliveries: records every request it answers, and can be stopped (connections
// refused), slowed, and made to fail (answer 500) while a test runs.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace siao::test {

struct ReceivedWebhook {
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int answered = 0;  // the status it got back
};

class WebhookReceiver {
 public:
  WebhookReceiver();  // listening on a free loopback port
  // With TLS, presenting this certificate (PEM files).
  WebhookReceiver(const std::string& cert_file, const std::string& key_file);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const;
  // http://127.0.0.1:PORT/hooks, or https://localhost:PORT/hooks with TLS (the name its certificate carries).
  std::string url(const std::string& path = "/hooks") const;

  void stop();   // closes the listener: connections are refused
  void start();  // listens again, on the same port
  void answer_with(int status);  // 200 by default
  void delay(std::chrono::milliseconds d);  // before each answer

  // Every request answered so far (those answered 2xx and the others), in arrival order.
  std::vector<ReceivedWebhook> received() const;
  std::vector<ReceivedWebhook> accepted() const;  // only those answered 2xx

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siao::test
