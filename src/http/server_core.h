#pragma once

// Internal to http/: the state shared by the Server and its connections.
// Includes Asio; never include it from a public header.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/thread_pool.hpp>

#include "http/router.h"
#include "http/server.h"

namespace aw::http {

class Connection;

struct ServerCore {
  ServerOptions opts;
  const Router* router = nullptr;
  boost::asio::thread_pool* workers = nullptr;
  std::atomic<bool> stopping{false};

  std::string upgrade_path;
  UpgradeHandler upgrade_handler;

  // Live connections (not upgraded ones) and their number per client
  // address (the caps: ServerOptions). Guarded by mu; cv is notified when one
  // goes away so Stop() can wait for the drain.
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> live;
  std::unordered_map<std::string, size_t> per_ip;

  // REQUIRES: the connection's address was counted in per_ip by its
  // admission (Server::Impl::Admit, on the accepting thread).
  void Register(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mu);
    live.emplace(c.get(), c);
  }
  void Unregister(const Connection* c, const std::string& ip) {
    std::lock_guard lock(mu);
    live.erase(c);
    auto it = per_ip.find(ip);
    if (it != per_ip.end() && --it->second == 0) per_ip.erase(it);
    if (live.empty()) cv.notify_all();
  }
};

}  // namespace aw::http
