#include "store/metered_store.h"

#include <chrono>

namespace aw::store {

namespace {

constexpr std::array<const char*, 10> kOpNames = {"get",       "put",         "delete", "update", "query",
                                                  "batch_get", "batch_write", "scan",   "sync",   "atomic"};

bool IsError(const Status& s) { return !s.ok() && !s.IsNotFound() && !s.IsConditionFailed(); }

}  // namespace

// Times one call and counts it with its outcome when it ends.
class MeteredStore::Timer {
 public:
  explicit Timer(const Series& s) : s_(s), start_(std::chrono::steady_clock::now()) {}
  template <typename R>
  R Done(R r) {
    const Status& st = StatusOf(r);
    s_.calls->Inc();
    if (IsError(st)) s_.errors->Inc();
    s_.seconds->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    return r;
  }

 private:
  static const Status& StatusOf(const Status& s) { return s; }
  template <typename T>
  static const Status& StatusOf(const Result<T>& r) {
    return r.status();
  }
  const Series& s_;
  const std::chrono::steady_clock::time_point start_;
};

MeteredStore::MeteredStore(std::unique_ptr<Store> backend, const std::string& backend_name)
    : backend_(std::move(backend)) {
  auto& reg = metrics::Registry::Default();
  auto& calls =
      reg.Counters("aw_store_operations_total", "Store calls by backend and operation.", {"backend", "op"});
  auto& errors = reg.Counters("aw_store_errors_total",
                              "Store calls that failed (not counting not-found and condition failures).",
                              {"backend", "op"});
  auto& seconds =
      reg.Histograms("aw_store_operation_duration_seconds", "Store call latency by backend and operation.",
                     &metrics::LatencyBuckets(), {"backend", "op"});
  for (size_t i = 0; i < kOpCount; ++i) {
    series_[i] = {&calls.With({backend_name, kOpNames[i]}), &errors.With({backend_name, kOpNames[i]}),
                  &seconds.With({backend_name, kOpNames[i]})};
  }
}

Result<Item> MeteredStore::GetItem(const GetRequest& req) {
  return Timer(series_[kGet]).Done(backend_->GetItem(req));
}

Status MeteredStore::PutItem(const PutRequest& req) {
  return Timer(series_[kPut]).Done(backend_->PutItem(req));
}

Status MeteredStore::DeleteItem(const DeleteRequest& req) {
  return Timer(series_[kDelete]).Done(backend_->DeleteItem(req));
}

Result<Item> MeteredStore::UpdateItem(const UpdateRequest& req) {
  return Timer(series_[kUpdate]).Done(backend_->UpdateItem(req));
}

Result<QueryResult> MeteredStore::Query(const QueryRequest& req) {
  return Timer(series_[kQuery]).Done(backend_->Query(req));
}

Result<std::vector<Item>> MeteredStore::BatchGetItem(const std::string& table, const std::vector<Key>& keys) {
  return Timer(series_[kBatchGet]).Done(backend_->BatchGetItem(table, keys));
}

Status MeteredStore::BatchWriteItem(const WriteBatch& batch) {
  return Timer(series_[kBatchWrite]).Done(backend_->BatchWriteItem(batch));
}

Result<QueryResult> MeteredStore::Scan(const ScanRequest& req) {
  return Timer(series_[kScan]).Done(backend_->Scan(req));
}

Status MeteredStore::Sync() { return Timer(series_[kSync]).Done(backend_->Sync()); }

bool MeteredStore::RunAtomic(AtomicFn fn, std::function<void(Status)> done) {
  const bool queued = backend_->RunAtomic(std::move(fn), std::move(done));
  if (queued) series_[kAtomic].calls->Inc();
  return queued;
}

}  // namespace aw::store
