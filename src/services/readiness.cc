#include "services/readiness.h"

#include <condition_variable>
#include <thread>

#include "services/periodic_task.h"
#include "store/tables.h"

namespace aw::services {

struct StoreProbe::Flight {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Status result;
};

Status StoreProbe::Check() {
  std::shared_ptr<Flight> f;
  {
    std::lock_guard<std::mutex> lock(mu_);
    bool busy = false;
    if (flight_) {
      std::lock_guard<std::mutex> flight_lock(flight_->mu);
      busy = !flight_->done;
    }
    if (!busy) {
      flight_ = std::make_shared<Flight>();
      // Captures no `this`: a hung probe may outlive the StoreProbe.
      std::thread([f = flight_, store = store_] {
        // A key that never exists: a miss proves the store answers.
        auto got = store->GetItem({store::tables::kCompanyConfigs, {"_system", "readiness_probe"}});
        Status s = got.ok() || got.status().IsNotFound() ? Status::OK() : got.status();
        std::lock_guard<std::mutex> lock(f->mu);
        f->result = std::move(s);
        f->done = true;
        f->cv.notify_all();
      }).detach();
    }
    f = flight_;
  }
  std::unique_lock<std::mutex> lock(f->mu);
  if (!f->cv.wait_for(lock, timeout_, [&] { return f->done; })) {
    return Status::Unavailable("it did not answer a point read within " + std::to_string(timeout_.count()) +
                               " ms");
  }
  return f->result;
}

Readiness CheckReadiness(StoreProbe& probe) {
  Readiness r;
  if (Status s = probe.Check(); !s.ok()) r.reasons.push_back("the store does not answer: " + s.message());
  for (const PeriodicTask::Health& h : PeriodicTask::All()) {
    const int64_t since_s = h.since_last_run.count() / 1000;
    r.workers.push_back({{"name", h.name},
                         {"running", h.running},
                         {"late", h.late},
                         {"runs", h.runs},
                         {"failed_runs", h.failed_runs},
                         {"seconds_since_last_run", since_s}});
    if (!h.running) {
      r.reasons.push_back("the " + h.name + " is not running");
    } else if (h.late) {
      r.reasons.push_back("the " + h.name + " last finished a run " + std::to_string(since_s) +
                          " s ago (it runs every " + std::to_string(h.period.count() / 1000) + " s)");
    }
  }
  return r;
}

}  // namespace aw::services
