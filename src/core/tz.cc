#include "core/tz.h"

#include <algorithm>
#include <cctype>

#include "base/time_format.h"

namespace aw::core {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

class Reader {
 public:
  explicit Reader(std::string_view d) : d_(d) {}
  bool Has(size_t n) const { return pos_ + n <= d_.size(); }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(d_[pos_++]);
    return v;
  }
  int64_t I64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(d_[pos_++]);
    return static_cast<int64_t>(v);
  }
  uint8_t U8() { return static_cast<unsigned char>(d_[pos_++]); }
  void Skip(size_t n) { pos_ += n; }
  size_t pos() const { return pos_; }
  std::string_view Rest() const { return d_.substr(pos_); }

 private:
  std::string_view d_;
  size_t pos_ = 0;
};

struct Header {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

bool ReadHeader(Reader& r, Header* h) {
  if (!r.Has(44)) return false;
  std::string_view magic = r.Rest().substr(0, 4);
  if (magic != "TZif") return false;
  r.Skip(4);
  h->version = static_cast<char>(r.U8());
  r.Skip(15);
  h->isutcnt = r.U32();
  h->isstdcnt = r.U32();
  h->leapcnt = r.U32();
  h->timecnt = r.U32();
  h->typecnt = r.U32();
  h->charcnt = r.U32();
  return h->typecnt > 0 && h->timecnt < 100000 && h->typecnt < 256 && h->charcnt < 100000;
}

// POSIX TZ parsing helpers over a cursor.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool End() const { return i >= s.size(); }
  char Peek() const { return End() ? '\0' : s[i]; }
};

bool ParseName(Cursor& c) {
  if (c.Peek() == '<') {
    size_t close = c.s.find('>', c.i);
    if (close == std::string_view::npos) return false;
    c.i = close + 1;
    return true;
  }
  size_t start = c.i;
  while (!c.End() && std::isalpha(static_cast<unsigned char>(c.Peek()))) ++c.i;
  return c.i - start >= 3;
}

bool ParseNumber(Cursor& c, int* out) {
  if (c.End() || !std::isdigit(static_cast<unsigned char>(c.Peek()))) return false;
  int v = 0;
  while (!c.End() && std::isdigit(static_cast<unsigned char>(c.Peek()))) {
    v = v * 10 + (c.Peek() - '0');
    if (v > 100000) return false;
    ++c.i;
  }
  *out = v;
  return true;
}

// [+-]hh[:mm[:ss]] -> seconds.
bool ParseHms(Cursor& c, int32_t* out) {
  int sign = 1;
  if (c.Peek() == '+' || c.Peek() == '-') {
    sign = c.Peek() == '-' ? -1 : 1;
    ++c.i;
  }
  int h = 0, m = 0, s = 0;
  if (!ParseNumber(c, &h) || h > 167) return false;
  if (c.Peek() == ':') {
    ++c.i;
    if (!ParseNumber(c, &m) || m > 59) return false;
    if (c.Peek() == ':') {
      ++c.i;
      if (!ParseNumber(c, &s) || s > 59) return false;
    }
  }
  *out = sign * (h * 3600 + m * 60 + s);
  return true;
}

bool ParseDate(Cursor& c, char* kind, int* m, int* w, int* d, int* n) {
  if (c.Peek() == 'M') {
    ++c.i;
    *kind = 'M';
    if (!ParseNumber(c, m) || *m < 1 || *m > 12 || c.Peek() != '.') return false;
    ++c.i;
    if (!ParseNumber(c, w) || *w < 1 || *w > 5 || c.Peek() != '.') return false;
    ++c.i;
    return ParseNumber(c, d) && *d <= 6;
  }
  if (c.Peek() == 'J') {
    ++c.i;
    *kind = 'J';
    return ParseNumber(c, n) && *n >= 1 && *n <= 365;
  }
  *kind = 'N';
  return ParseNumber(c, n) && *n <= 365;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days since the epoch of the transition date in `year`.
int64_t RuleDay(int64_t year, char kind, int m, int w, int d, int n) {
  if (kind == 'J') {
    int64_t day = DaysFromCivil(year, 1, 1) + n - 1;
    if (IsLeap(year) && n >= 60) ++day;  // Jn never counts Feb 29
    return day;
  }
  if (kind == 'N') return DaysFromCivil(year, 1, 1) + n;
  // Mm.w.d: day d (0 = Sunday) of week w (5 = last) of month m.
  int64_t first = DaysFromCivil(year, static_cast<unsigned>(m), 1);
  int first_wd = static_cast<int>(((first % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  int64_t day = first + ((d - first_wd + 7) % 7) + 7 * (w - 1);
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int month_len = kDays[m - 1] + (m == 2 && IsLeap(year) ? 1 : 0);
  while (day >= first + month_len) day -= 7;
  return day;
}

}  // namespace

int64_t LocalDay(int64_t local_s) { return FloorDiv(local_s, 86400); }

int WeekdayOfDay(int64_t local_day) { return static_cast<int>(((local_day + 3) % 7 + 7) % 7); }

TimeZone TimeZone::Utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

std::optional<TimeZone::RuleData> TimeZone::ParseRule(std::string_view rule) {
  Cursor c{rule};
  RuleData r;
  int32_t off = 0;
  if (!ParseName(c) || !ParseHms(c, &off)) return std::nullopt;
  r.std_offset = -off;  // POSIX offsets are west-positive
  if (c.End()) return r;
  if (!ParseName(c)) return std::nullopt;
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (c.Peek() != ',' && !c.End()) {
    if (!ParseHms(c, &off)) return std::nullopt;
    r.dst_offset = -off;
  }
  if (c.End()) {
    // No dates: the US rules POSIX implies by default.
    r.start_kind = r.end_kind = 'M';
    r.start_m = 3, r.start_w = 2, r.start_d = 0;
    r.end_m = 11, r.end_w = 1, r.end_d = 0;
    return r;
  }
  if (c.Peek() != ',') return std::nullopt;
  ++c.i;
  if (!ParseDate(c, &r.start_kind, &r.start_m, &r.start_w, &r.start_d, &r.start_n)) return std::nullopt;
  if (c.Peek() == '/') {
    ++c.i;
    if (!ParseHms(c, &r.start_time)) return std::nullopt;
  }
  if (c.Peek() != ',') return std::nullopt;
  ++c.i;
  if (!ParseDate(c, &r.end_kind, &r.end_m, &r.end_w, &r.end_d, &r.end_n)) return std::nullopt;
  if (c.Peek() == '/') {
    ++c.i;
    if (!ParseHms(c, &r.end_time)) return std::nullopt;
  }
  if (!c.End()) return std::nullopt;
  return r;
}

std::optional<TimeZone> TimeZone::FromPosix(std::string name, std::string_view rule) {
  auto r = ParseRule(rule);
  if (!r) return std::nullopt;
  TimeZone z;
  z.name_ = std::move(name);
  z.initial_offset_ = r->std_offset;
  z.rule_ = r;
  return z;
}

std::optional<TimeZone> TimeZone::FromTzif(std::string name, std::string_view data) {
  Reader r(data);
  Header h;
  if (!ReadHeader(r, &h)) return std::nullopt;
  const bool v2 = h.version >= '2';
  if (v2) {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    size_t v1 = h.timecnt * 5 + h.typecnt * 6 + h.charcnt + h.leapcnt * 8 + h.isstdcnt + h.isutcnt;
    if (!r.Has(v1)) return std::nullopt;
    r.Skip(v1);
    if (!ReadHeader(r, &h)) return std::nullopt;
  }
  const size_t tsize = v2 ? 8 : 4;
  size_t need = h.timecnt * (tsize + 1) + h.typecnt * 6 + h.charcnt + h.leapcnt * (tsize + 4) + h.isstdcnt + h.isutcnt;
  if (!r.Has(need)) return std::nullopt;
  TimeZone z;
  z.name_ = std::move(name);
  std::vector<int64_t> times(h.timecnt);
  for (auto& t : times) t = v2 ? r.I64() : static_cast<int64_t>(static_cast<int32_t>(r.U32()));
  std::vector<uint8_t> idx(h.timecnt);
  for (auto& i : idx) i = r.U8();
  std::vector<int32_t> type_off(h.typecnt);
  for (auto& o : type_off) {
    o = static_cast<int32_t>(r.U32());
    r.Skip(2);  // isdst, abbreviation index
    if (o < -25 * 3600 || o > 26 * 3600) return std::nullopt;
  }
  r.Skip(h.charcnt + h.leapcnt * (tsize + 4) + h.isstdcnt + h.isutcnt);
  for (size_t i = 0; i < times.size(); ++i) {
    if (idx[i] >= h.typecnt) return std::nullopt;
    if (i > 0 && times[i] <= times[i - 1]) return std::nullopt;
    z.transitions_.push_back(times[i]);
    z.offsets_.push_back(type_off[idx[i]]);
  }
  z.initial_offset_ = type_off[0];
  if (v2) {
    std::string_view rest = r.Rest();
    if (rest.size() >= 2 && rest[0] == '\n') {
      size_t end = rest.find('\n', 1);
      if (end != std::string_view::npos && end > 1) {
        z.rule_ = ParseRule(rest.substr(1, end - 1));  // an unknown footer: fall back to the table
      }
    }
  }
  if (z.transitions_.empty() && z.rule_ && !z.rule_->has_dst) z.initial_offset_ = z.rule_->std_offset;
  return z;
}

int32_t TimeZone::RuleOffsetAt(int64_t utc_s) const {
  const RuleData& r = *rule_;
  if (!r.has_dst) return r.std_offset;
  int64_t year = 0;
  unsigned mo = 0, da = 0;
  CivilFromDays(LocalDay(utc_s + r.std_offset), &year, &mo, &da);
  // Start is given in standard local time, end in daylight local time.
  int64_t start = RuleDay(year, r.start_kind, r.start_m, r.start_w, r.start_d, r.start_n) * 86400 + r.start_time -
                  r.std_offset;
  int64_t end = RuleDay(year, r.end_kind, r.end_m, r.end_w, r.end_d, r.end_n) * 86400 + r.end_time - r.dst_offset;
  bool dst = start < end ? (utc_s >= start && utc_s < end) : !(utc_s >= end && utc_s < start);
  return dst ? r.dst_offset : r.std_offset;
}

int32_t TimeZone::OffsetAt(int64_t utc_s) const {
  if (transitions_.empty()) return rule_ ? RuleOffsetAt(utc_s) : initial_offset_;
  if (utc_s < transitions_.front()) return initial_offset_;
  if (utc_s >= transitions_.back() && rule_) return RuleOffsetAt(utc_s);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_s);
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int64_t TimeZone::ToUtc(int64_t local_s) const {
  // Offsets change at most once within a day in every zone in the database.
  const int32_t before = OffsetAt(local_s - 86400);
  const int32_t after = OffsetAt(local_s + 86400);
  std::optional<int64_t> best;
  for (int32_t o : {before, after}) {
    int64_t u = local_s - o;
    if (OffsetAt(u) == o && (!best || u < *best)) best = u;
  }
  return best ? *best : local_s - before;
}

}  // namespace aw::core
