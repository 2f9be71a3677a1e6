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

  // Live connections (not upgraded ones), upgraded ones still open, and
  // both per client address: the caps (ServerOptions) count every socket, so
  // WebSockets cannot exhaust the file handles either. Guarded by mu; cv is
  // notified when a live one goes away so Stop() can wait for the drain.
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> live;
  size_t upgraded = 0;
  std::unordered_map<std::string, size_t> per_ip;
  // The owner of this core (Server::Impl): an upgraded connection's slot
  // keeps the core alive, since it may outlive the Server's io threads.
  std::weak_ptr<ServerCore> self;

  // REQUIRES: the connection's address was counted in per_ip by its
  // admission (Server::Impl::Admit, on the accepting thread).
  void Register(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mu);
    live.emplace(c.get(), c);
  }
  void Unregister(const Connection* c, const std::string& ip) {
    std::lock_guard lock(mu);
    live.erase(c);
    ReleaseAddress(ip);
    if (live.empty()) cv.notify_all();
  }
  // Counts an upgraded connection from `ip` until the returned slot is
  // destroyed (its owner keeps it as long as the socket). Called before the
  // upgraded Connection unregisters, so the address's count never dips.
  std::shared_ptr<void> HoldUpgraded(const std::string& ip) {
    std::shared_ptr<ServerCore> owner = self.lock();
    if (!owner) return nullptr;
    {
      std::lock_guard lock(mu);
      ++upgraded;
      ++per_ip[ip];
    }
    return std::shared_ptr<void>(nullptr, [owner, ip](void*) {
      std::lock_guard lock(owner->mu);
      --owner->upgraded;
      owner->ReleaseAddress(ip);
    });
  }

 private:
  // REQUIRES: mu held.
  void ReleaseAddress(const std::string& ip) {
    auto it = per_ip.find(ip);
    if (it != per_ip.end() && --it->second == 0) per_ip.erase(it);
  }
};

}  // namespace aw::http
