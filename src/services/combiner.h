#pragma once

// Combiner: coalesces concurrent writes to one item into one store write.
//
// Callers Submit(key, op, apply) and block. For each key at most one caller
// at a time is the leader: it takes every op queued for that key, calls
// apply(key, ops) once (one store write for the whole group), hands each
// caller its own result, and repeats while more ops arrived meanwhile. So
// under a flood of N updates to one item, the item sees a handful of writes
// instead of N, and every caller still returns only after its own op is
// durable. If apply throws, every caller of that group gets the exception.
//
// Thread-safe. `apply` must return exactly one result per op, in order.

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace aw::services {

template <typename Op, typename Res>
class Combiner {
 public:
  using Apply = std::function<std::vector<Res>(const std::string& key, std::vector<Op>& ops)>;

  Res Submit(const std::string& key, Op op, const Apply& apply) {
    Pending me;
    me.op = std::move(op);
    std::unique_lock<std::mutex> lock(mu_);
    Slot& slot = slots_[key];
    slot.queue.push_back(&me);
    if (slot.busy) {
      cv_.wait(lock, [&] { return me.done; });
      if (me.error) std::rethrow_exception(me.error);
      return std::move(me.result);
    }
    slot.busy = true;
    while (true) {
      Slot& s = slots_[key];
      if (s.queue.empty()) {
        slots_.erase(key);
        break;
      }
      std::vector<Pending*> group;
      group.swap(s.queue);
      lock.unlock();
      std::vector<Op> ops;
      ops.reserve(group.size());
      for (Pending* p : group) ops.push_back(std::move(p->op));
      std::vector<Res> results;
      std::exception_ptr error;
      try {
        results = apply(key, ops);
        if (results.size() != group.size()) throw std::logic_error("Combiner: apply returned a wrong count");
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      for (size_t i = 0; i < group.size(); ++i) {
        if (error) {
          group[i]->error = error;
        } else {
          group[i]->result = std::move(results[i]);
        }
        group[i]->done = true;
      }
      ++groups_;
      cv_.notify_all();
    }
    if (me.error) std::rethrow_exception(me.error);
    return std::move(me.result);
  }

  // Number of apply() calls so far (for tests and figures).
  uint64_t groups() const {
    std::lock_guard<std::mutex> lock(mu_);
    return groups_;
  }

 private:
  struct Pending {
    Op op;
    Res result{};
    std::exception_ptr error;
    bool done = false;
  };
  struct Slot {
    std::vector<Pending*> queue;
    bool busy = false;
  };

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Slot> slots_;
  uint64_t groups_ = 0;
};

}  // namespace aw::services
