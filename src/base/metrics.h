#pragma once

// Process metrics in the Prometheus text exposition format (GET /metrics,
// docs/operations.md "Metrics").
//
// Primitives: Counter, Gauge and Histogram are lock-free (relaxed atomics):
// an observation takes no lock and allocates nothing, so they sit on the
// intake path. A Family is one metric name with fixed label names; With()
// finds the series for a label set without a lock or an allocation once it
// exists; the first sight of a label set allocates it (under the family's
// lock). Label sets are bounded: past `max_series`, With() answers the
// overflow series whose every label is "other" - so a flood of new values
// can never grow memory or the scrape without bound.
//
// Figures that already live elsewhere (store engine counters, worker
// health, WebSocket clients) are read at scrape time by a collector
// (Registry::AddCollector) instead of being copied on every change.
//
// Registry::Default() is the process's registry; families are created by
// name, once (asking again for the same name and type returns the same
// family, so several instances of a service share it).
// Thread-safe throughout.

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace aw::metrics {

enum class Type { kCounter, kGauge, kHistogram };

class Counter {
 public:
  void Inc(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void Set(double v) { v_.store(v, std::memory_order_relaxed); }
  void Add(double d) { v_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

// Cumulative buckets with upper bounds `bounds` (ascending, finite; +Inf is
// implied). Read() is not atomic with concurrent observations as a whole,
// but its count always equals its +Inf bucket (both come from one pass).
class Histogram {
 public:
  explicit Histogram(const std::vector<double>* bounds);
  void Observe(double v);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  const std::vector<double>* bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds + 1 (the last: above every bound)
  std::atomic<double> sum_{0};
};

// Bucket bounds in seconds, 0.5 ms .. 10 s: request and store latencies.
const std::vector<double>& LatencyBuckets();
// 1 .. 4096 by powers of two: batch sizes.
const std::vector<double>& SizeBuckets();

// Writes the text format (version 0.0.4). Families must be written whole:
// Header, then their samples.
class TextWriter {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;
  explicit TextWriter(std::string* out) : out_(out) {}
  void Header(std::string_view name, std::string_view help, Type type);
  void Sample(std::string_view name, Labels labels, double value);
  // As Sample, labels given as parallel name / value lists, plus one extra
  // label (`extra_name` empty: none) - what histograms' `le` needs.
  void Sample(std::string_view name, const std::vector<std::string>& label_names,
              const std::vector<std::string>& label_values, std::string_view extra_name,
              std::string_view extra_value, double value);
  // A whole histogram series (_bucket per bound and +Inf, _sum, _count).
  void HistogramSeries(std::string_view name, const std::vector<std::string>& label_names,
                       const std::vector<std::string>& label_values, const Histogram& h);

 private:
  std::string* out_;
};

// Prometheus number formatting: shortest round-trip, "+Inf", "-Inf", "NaN".
std::string FormatValue(double v);
// Label value escaping: backslash, double quote and line feed.
std::string EscapeLabelValue(std::string_view v);
// HELP text escaping: backslash and line feed.
std::string EscapeHelp(std::string_view v);

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, Type type, std::vector<std::string> label_names,
             size_t max_series);
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  Type type() const { return type_; }
  void Write(TextWriter& w) const;

 protected:
  struct Series {
    std::vector<std::string> values;
    void* metric;
  };
  // The metric of `values` (nullptr: not there yet). Lock-free.
  void* Find(std::initializer_list<std::string_view> values, size_t hash) const;
  // Find, else creates it with make(self) (or answers the overflow series).
  void* FindOrAdd(std::initializer_list<std::string_view> values, void* (*make)(FamilyBase* self));
  virtual void WriteSeries(TextWriter& w, const Series& s) const = 0;

  const std::string name_;
  const std::string help_;
  const Type type_;
  const std::vector<std::string> label_names_;

 private:
  static size_t Hash(std::initializer_list<std::string_view> values);
  const size_t max_series_;
  const size_t mask_;                              // slots - 1 (a power of two)
  std::unique_ptr<std::atomic<Series*>[]> slots_;  // open addressing, insert-only
  mutable std::mutex mu_;                          // insertion and iteration
  std::vector<std::unique_ptr<Series>> series_;    // in order of creation
  Series* overflow_ = nullptr;
};

// One metric name: T is Counter, Gauge or Histogram.
template <typename T>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
         size_t max_series, const std::vector<double>* bounds)
      : FamilyBase(std::move(name), std::move(help), type, std::move(label_names), max_series),
        bounds_(bounds) {}
  ~Family() override {
    for (T* m : owned_) delete m;
  }
  // REQUIRES: one value per label name.
  T& With(std::initializer_list<std::string_view> values) {
    return *static_cast<T*>(FindOrAdd(values, &Family::Add));
  }

 private:
  // Called by FindOrAdd under the family's lock.
  static void* Add(FamilyBase* self) {
    auto* f = static_cast<Family*>(self);
    T* m = f->Make();
    f->owned_.push_back(m);
    return m;
  }
  T* Make() {
    if constexpr (std::is_same_v<T, Histogram>) {
      return new Histogram(bounds_);
    } else {
      return new T();
    }
  }
  void WriteSeries(TextWriter& w, const Series& s) const override;
  const std::vector<double>* bounds_;
  std::vector<T*> owned_;
};

template <>
void Family<Counter>::WriteSeries(TextWriter& w, const Series& s) const;
template <>
void Family<Gauge>::WriteSeries(TextWriter& w, const Series& s) const;
template <>
void Family<Histogram>::WriteSeries(TextWriter& w, const Series& s) const;

// Unregisters its collector when destroyed (the object it reads is going away).
class CollectorHandle {
 public:
  CollectorHandle() = default;
  explicit CollectorHandle(uint64_t id) : id_(id) {}
  CollectorHandle(CollectorHandle&& o) noexcept : id_(std::exchange(o.id_, 0)) {}
  CollectorHandle& operator=(CollectorHandle&& o) noexcept;
  ~CollectorHandle();

 private:
  uint64_t id_ = 0;
};

class Registry {
 public:
  static Registry& Default();

  // REQUIRES: `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*, label names
  // [a-zA-Z_][a-zA-Z0-9_]*. A name asked for again returns the first family
  // (std::logic_error when its type or labels differ).
  Family<Counter>& Counters(const std::string& name, const std::string& help,
                            std::vector<std::string> label_names = {}, size_t max_series = 1024);
  Family<Gauge>& Gauges(const std::string& name, const std::string& help,
                        std::vector<std::string> label_names = {}, size_t max_series = 1024);
  // `bounds` must outlive the registry (LatencyBuckets(), SizeBuckets()).
  Family<Histogram>& Histograms(const std::string& name, const std::string& help,
                                const std::vector<double>* bounds, std::vector<std::string> label_names = {},
                                size_t max_series = 1024);

  // `collect` writes whole families with the TextWriter at each scrape. It
  // runs on the scraping thread and must be quick; it stops being called
  // once the handle is destroyed.
  [[nodiscard]] CollectorHandle AddCollector(std::function<void(TextWriter&)> collect);
  void RemoveCollector(uint64_t id);

  // The whole exposition: families in order of creation, then collectors.
  std::string Expose() const;

 private:
  FamilyBase* Lookup(const std::string& name, Type type, const std::vector<std::string>& label_names);
  template <typename T>
  Family<T>& Create(const std::string& name, const std::string& help, Type type,
                    std::vector<std::string> labels, size_t max_series, const std::vector<double>* bounds);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
  std::vector<std::pair<uint64_t, std::function<void(TextWriter&)>>> collectors_;
  uint64_t next_collector_ = 1;
};

}  // namespace aw::metrics
