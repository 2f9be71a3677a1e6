#include "base/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace aw::metrics {

namespace {

bool ValidName(std::string_view n, bool colon) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

size_t PowerOfTwoAtLeast(size_t n) {
  size_t p = 16;
  while (p < n) p <<= 1;
  return p;
}

const char* TypeName(Type t) {
  switch (t) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds), counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds->size() + 1)) {}

void Histogram::Observe(double v) {
  // First bound >= v (a value equal to a bound belongs to it: `le`).
  const size_t i = std::lower_bound(bounds_->begin(), bounds_->end(), v) - bounds_->begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.cumulative.resize(bounds_->size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_->size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = total;
  }
  s.count = total;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

const std::vector<double>& SizeBuckets() {
  static const std::vector<double> b = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
  return b;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  // Plain decimals in the usual range ("0.0005", not "5e-04": bucket bounds
  // read as people write them); the shortest round-trip form elsewhere.
  const double a = std::fabs(v);
  auto r = a != 0 && (a < 1e-6 || a >= 1e15)
               ? std::to_chars(buf, buf + sizeof buf, v)
               : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void TextWriter::Header(std::string_view name, std::string_view help, Type type) {
  out_->append("# HELP ").append(name).append(" ").append(EscapeHelp(help)).append("\n");
  out_->append("# TYPE ").append(name).append(" ").append(TypeName(type)).append("\n");
}

void TextWriter::Sample(std::string_view name, Labels labels, double value) {
  out_->append(name);
  if (labels.size() > 0) {
    out_->push_back('{');
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out_->push_back(',');
      first = false;
      out_->append(k).append("=\"").append(EscapeLabelValue(v)).append("\"");
    }
    out_->push_back('}');
  }
  out_->append(" ").append(FormatValue(value)).append("\n");
}

void TextWriter::Sample(std::string_view name, const std::vector<std::string>& label_names,
                        const std::vector<std::string>& label_values, std::string_view extra_name,
                        std::string_view extra_value, double value) {
  out_->append(name);
  if (!label_names.empty() || !extra_name.empty()) {
    out_->push_back('{');
    for (size_t i = 0; i < label_names.size(); ++i) {
      if (i > 0) out_->push_back(',');
      out_->append(label_names[i]).append("=\"").append(EscapeLabelValue(label_values[i])).append("\"");
    }
    if (!extra_name.empty()) {
      if (!label_names.empty()) out_->push_back(',');
      out_->append(extra_name).append("=\"").append(EscapeLabelValue(extra_value)).append("\"");
    }
    out_->push_back('}');
  }
  out_->append(" ").append(FormatValue(value)).append("\n");
}

void TextWriter::HistogramSeries(std::string_view name, const std::vector<std::string>& label_names,
                                 const std::vector<std::string>& label_values, const Histogram& h) {
  const Histogram::Snapshot s = h.Read();
  const std::string bucket = std::string(name) + "_bucket";
  for (size_t i = 0; i < h.bounds().size(); ++i) {
    Sample(bucket, label_names, label_values, "le", FormatValue(h.bounds()[i]),
           static_cast<double>(s.cumulative[i]));
  }
  Sample(bucket, label_names, label_values, "le", "+Inf", static_cast<double>(s.count));
  Sample(std::string(name) + "_sum", label_names, label_values, "", "", s.sum);
  Sample(std::string(name) + "_count", label_names, label_values, "", "", static_cast<double>(s.count));
}

FamilyBase::FamilyBase(std::string name, std::string help, Type type, std::vector<std::string> label_names,
                       size_t max_series)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      max_series_(std::max<size_t>(max_series, 1)),
      mask_(PowerOfTwoAtLeast(2 * max_series_) - 1),
      slots_(std::make_unique<std::atomic<Series*>[]>(mask_ + 1)) {}

size_t FamilyBase::Hash(std::initializer_list<std::string_view> values) {
  size_t h = 1469598103934665603ull;
  for (std::string_view v : values) {
    h ^= std::hash<std::string_view>{}(v);
    h *= 1099511628211ull;
  }
  return h;
}

void* FamilyBase::Find(std::initializer_list<std::string_view> values, size_t hash) const {
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const Series* s = slots_[i].load(std::memory_order_acquire);
    if (s == nullptr) return nullptr;
    if (std::equal(values.begin(), values.end(), s->values.begin(), s->values.end())) return s->metric;
  }
}

void* FamilyBase::FindOrAdd(std::initializer_list<std::string_view> values, void* (*make)(FamilyBase* self)) {
  if (values.size() != label_names_.size()) {
    throw std::logic_error("metric " + name_ + ": wrong number of label values");
  }
  const size_t hash = Hash(values);
  if (void* m = Find(values, hash)) return m;
  std::lock_guard<std::mutex> lock(mu_);
  if (void* m = Find(values, hash)) return m;  // added meanwhile
  if (series_.size() >= max_series_) {
    if (overflow_ == nullptr) {
      auto s = std::make_unique<Series>();
      s->values.assign(label_names_.size(), "other");
      s->metric = make(this);
      overflow_ = s.get();
      series_.push_back(std::move(s));
    }
    return overflow_->metric;
  }
  auto s = std::make_unique<Series>();
  s->values.assign(values.begin(), values.end());
  s->metric = make(this);
  size_t i = hash & mask_;
  while (slots_[i].load(std::memory_order_relaxed) != nullptr) i = (i + 1) & mask_;
  slots_[i].store(s.get(), std::memory_order_release);
  series_.push_back(std::move(s));
  return series_.back()->metric;
}

void FamilyBase::Write(TextWriter& w) const {
  std::lock_guard<std::mutex> lock(mu_);
  w.Header(name_, help_, type_);
  for (const auto& s : series_) WriteSeries(w, *s);
}

template <>
void Family<Counter>::WriteSeries(TextWriter& w, const Series& s) const {
  w.Sample(name_, label_names_, s.values, "", "",
           static_cast<double>(static_cast<Counter*>(s.metric)->value()));
}

template <>
void Family<Gauge>::WriteSeries(TextWriter& w, const Series& s) const {
  w.Sample(name_, label_names_, s.values, "", "", static_cast<Gauge*>(s.metric)->value());
}

template <>
void Family<Histogram>::WriteSeries(TextWriter& w, const Series& s) const {
  w.HistogramSeries(name_, label_names_, s.values, *static_cast<Histogram*>(s.metric));
}

CollectorHandle& CollectorHandle::operator=(CollectorHandle&& o) noexcept {
  if (this != &o) {
    if (id_ != 0) Registry::Default().RemoveCollector(id_);
    id_ = std::exchange(o.id_, 0);
  }
  return *this;
}

CollectorHandle::~CollectorHandle() {
  if (id_ != 0) Registry::Default().RemoveCollector(id_);
}

Registry& Registry::Default() {
  static Registry* r = new Registry();  // never destroyed: threads may observe until exit
  return *r;
}

FamilyBase* Registry::Lookup(const std::string& name, Type type,
                             const std::vector<std::string>& label_names) {
  if (!ValidName(name, true)) throw std::logic_error("invalid metric name: " + name);
  for (const auto& l : label_names) {
    if (!ValidName(l, false) || l == "le")
      throw std::logic_error("invalid label name for " + name + ": " + l);
  }
  for (const auto& f : families_) {
    if (f->name() != name) continue;
    if (f->type() != type) throw std::logic_error("metric " + name + " registered with another type");
    return f.get();
  }
  return nullptr;
}

template <typename T>
Family<T>& Registry::Create(const std::string& name, const std::string& help, Type type,
                            std::vector<std::string> labels, size_t max_series,
                            const std::vector<double>* bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  if (FamilyBase* f = Lookup(name, type, labels)) return static_cast<Family<T>&>(*f);
  auto f = std::make_unique<Family<T>>(name, help, type, std::move(labels), max_series, bounds);
  Family<T>& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

Family<Counter>& Registry::Counters(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names, size_t max_series) {
  return Create<Counter>(name, help, Type::kCounter, std::move(label_names), max_series, nullptr);
}

Family<Gauge>& Registry::Gauges(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names, size_t max_series) {
  return Create<Gauge>(name, help, Type::kGauge, std::move(label_names), max_series, nullptr);
}

Family<Histogram>& Registry::Histograms(const std::string& name, const std::string& help,
                                        const std::vector<double>* bounds,
                                        std::vector<std::string> label_names, size_t max_series) {
  return Create<Histogram>(name, help, Type::kHistogram, std::move(label_names), max_series, bounds);
}

CollectorHandle Registry::AddCollector(std::function<void(TextWriter&)> collect) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_collector_++;
  collectors_.emplace_back(id, std::move(collect));
  return CollectorHandle(id);
}

void Registry::RemoveCollector(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(collectors_, [id](const auto& c) { return c.first == id; });
}

std::string Registry::Expose() const {
  std::string out;
  TextWriter w(&out);
  // Held throughout: a collector's object cannot go away mid-scrape
  // (RemoveCollector waits).
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& f : families_) f->Write(w);
  for (const auto& [id, collect] : collectors_) collect(w);
  return out;
}

}  // namespace aw::metrics
