#include "base/time_format.h"

#include <cstdio>

namespace aw {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// "YYYY-MM-DDTHH:MM:SS" into buf (at least 20 bytes).
void FormatSeconds(int64_t epoch_seconds, char* buf, size_t size) {
  int64_t days = FloorDiv(epoch_seconds, kSecondsPerDay);
  int64_t secs = epoch_seconds - days * kSecondsPerDay;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  std::snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(y), m, d,
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
}

// A cursor over the input that reads fixed-width digit fields.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool Digits(size_t n, int64_t* out) {
    if (pos_ + n > s_.size()) return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      char c = s_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    *out = v;
    return true;
  }
  bool Char(char c) {
    if (pos_ >= s_.size() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool AnyOf(std::string_view set, char* got) {
    if (pos_ >= s_.size() || set.find(s_[pos_]) == std::string_view::npos) return false;
    *got = s_[pos_++];
    return true;
  }
  bool AtEnd() const { return pos_ == s_.size(); }
  bool PeekDigit() const { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

// Howard Hinnant's algorithms (http://howardhinnant.github.io/date_algorithms.html).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);             // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);                // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2);
}

std::string FormatIso8601Micros(int64_t epoch_micros) {
  int64_t seconds = FloorDiv(epoch_micros, kMicrosPerSecond);
  int64_t micros = epoch_micros - seconds * kMicrosPerSecond;
  char buf[48];
  FormatSeconds(seconds, buf, sizeof buf);
  std::string out(buf);
  std::snprintf(buf, sizeof buf, ".%06lldZ", static_cast<long long>(micros));
  return out + buf;
}

std::string FormatIso8601Seconds(int64_t epoch_seconds) {
  char buf[48];
  FormatSeconds(epoch_seconds, buf, sizeof buf);
  return std::string(buf) + "Z";
}

std::optional<int64_t> ParseIso8601(std::string_view s) {
  Reader r(s);
  int64_t year, month, day, hour, minute, second;
  char sep;
  if (!r.Digits(4, &year) || !r.Char('-') || !r.Digits(2, &month) || !r.Char('-') || !r.Digits(2, &day) ||
      !r.AnyOf("Tt ", &sep) || !r.Digits(2, &hour) || !r.Char(':') || !r.Digits(2, &minute) || !r.Char(':') ||
      !r.Digits(2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month)) ||
      hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  int64_t micros = 0;
  if (r.Char('.')) {
    if (!r.PeekDigit()) return std::nullopt;
    int digits = 0;
    int64_t d;
    while (r.PeekDigit()) {
      (void)r.Digits(1, &d);
      if (digits < 6) micros = micros * 10 + d;
      ++digits;
    }
    for (; digits < 6; ++digits) micros *= 10;
  }
  int64_t offset_seconds = 0;
  char zone;
  if (r.AnyOf("Zz", &zone)) {
    // UTC.
  } else if (r.AnyOf("+-", &zone)) {
    int64_t oh, om;
    if (!r.Digits(2, &oh)) return std::nullopt;
    bool colon = r.Char(':');
    if (!r.Digits(2, &om)) return std::nullopt;
    (void)colon;
    if (oh > 23 || om > 59) return std::nullopt;
    offset_seconds = (oh * 3600 + om * 60) * (zone == '-' ? -1 : 1);
  }
  if (!r.AtEnd()) return std::nullopt;

  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * kMicrosPerSecond + micros;
}

}  // namespace aw
