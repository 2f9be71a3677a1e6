#include <gtest/gtest.h>

#include <string>

#include "base/time_format.h"

namespace aw {
namespace {

constexpr int64_t kMicros = 1'000'000;

TEST(BaseTimeFormatTest, FormatKnownInstants) {
  EXPECT_EQ(FormatIso8601Micros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatIso8601Micros(1795612543123456), "2026-11-25T13:15:43.123456Z");
  EXPECT_EQ(FormatIso8601Micros(951782400000000), "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(FormatIso8601Micros(1709251199999999), "2024-02-29T23:59:59.999999Z");
  EXPECT_EQ(FormatIso8601Micros(-500000), "1969-12-31T23:59:59.500000Z");
  EXPECT_EQ(FormatIso8601Micros(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatIso8601Micros(-62135596800000000), "0001-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatIso8601Micros(253402300799999999), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatIso8601Seconds(1440938160), "2015-08-30T12:36:00Z");
  EXPECT_EQ(FormatIso8601Seconds(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601Seconds(-1), "1969-12-31T23:59:59Z");
}

TEST(BaseTimeFormatTest, FixedWidthSoStringOrderIsTimeOrder) {
  std::string prev = FormatIso8601Micros(0);
  // Steps that cross digit-count boundaries in every field.
  for (int64_t t = 1; t < 4'000'000'000LL * kMicros; t = t * 3 + 7) {
    std::string cur = FormatIso8601Micros(t);
    ASSERT_EQ(cur.size(), 27u) << cur;
    ASSERT_LT(prev, cur);
    prev = cur;
  }
}

TEST(BaseTimeFormatTest, CivilDayConversionsRoundTripAndLeapYears) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1) - DaysFromCivil(2000, 2, 28), 2);  // 2000 is leap (div by 400)
  EXPECT_EQ(DaysFromCivil(1900, 3, 1) - DaysFromCivil(1900, 2, 28), 1);  // 1900 is not (div by 100)
  EXPECT_EQ(DaysFromCivil(2024, 3, 1) - DaysFromCivil(2024, 2, 28), 2);
  EXPECT_EQ(DaysFromCivil(2023, 3, 1) - DaysFromCivil(2023, 2, 28), 1);
  EXPECT_EQ(DaysFromCivil(2001, 1, 1) - DaysFromCivil(2000, 1, 1), 366);
  for (int64_t d = -800'000; d <= 3'000'000; d += 97) {
    int64_t y;
    unsigned m, day;
    CivilFromDays(d, &y, &m, &day);
    ASSERT_EQ(DaysFromCivil(y, m, day), d);
  }
}

TEST(BaseTimeFormatTest, ParseRoundTripsFormat) {
  for (int64_t t : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1795612543123456}, int64_t{951782400000000},
                    int64_t{-62135596800000000}, int64_t{253402300799999999}}) {
    EXPECT_EQ(ParseIso8601(FormatIso8601Micros(t)), t) << t;
  }
  EXPECT_EQ(ParseIso8601(FormatIso8601Seconds(1440938160)), 1440938160 * kMicros);
}

TEST(BaseTimeFormatTest, ParseVariants) {
  const int64_t base = 1795612543 * kMicros;  // 2026-11-25T13:15:43Z
  EXPECT_EQ(ParseIso8601("2026-11-25T13:15:43Z"), base);
  EXPECT_EQ(ParseIso8601("2026-11-25T13:15:43"), base);  // no zone = UTC
  EXPECT_EQ(ParseIso8601("2026-11-25 13:15:43"), base);  // SQL style
  EXPECT_EQ(ParseIso8601("2026-11-25t13:15:43z"), base);
  EXPECT_EQ(ParseIso8601("2026-11-25T13:15:43+00:00"), base);
  EXPECT_EQ(ParseIso8601("2026-11-25T13:15:43-00:00"), base);
  EXPECT_EQ(ParseIso8601("2026-11-25T15:15:43+02:00"), base);
  EXPECT_EQ(ParseIso8601("2026-11-25T08:45:43-04:30"), base);
  EXPECT_EQ(ParseIso8601("2026-11-25T18:45:43+0530"), base);
  // An offset can move the instant across a day, month and year boundary.
  EXPECT_EQ(ParseIso8601("2027-01-01T01:00:00+02:00"), ParseIso8601("2026-12-31T23:00:00Z"));
  EXPECT_EQ(ParseIso8601("2024-02-28T23:00:00-02:00"), ParseIso8601("2024-02-29T01:00:00Z"));
}

TEST(BaseTimeFormatTest, ParseFractions) {
  const int64_t base = 1795612543 * kMicros;
  EXPECT_EQ(ParseIso8601("2026-11-25T13:15:43.1Z"), base + 100000);
  EXPECT_EQ(ParseIso8601("2026-11-25T13:15:43.12Z"), base + 120000);
  EXPECT_EQ(ParseIso8601("2026-11-25T13:15:43.123Z"), base + 123000);
  EXPECT_EQ(ParseIso8601("2026-11-25T13:15:43.123456Z"), base + 123456);
  EXPECT_EQ(ParseIso8601("2026-11-25T13:15:43.123456789Z"), base + 123456);  // nanoseconds truncated
  EXPECT_EQ(ParseIso8601("2026-11-25T13:15:43.000001"), base + 1);
  EXPECT_EQ(ParseIso8601("2026-11-25T15:15:43.5+02:00"), base + 500000);
  // Before the epoch the fraction still adds forwards in time.
  EXPECT_EQ(ParseIso8601("1969-12-31T23:59:59.25Z"), -750000);
}

TEST(BaseTimeFormatTest, ParseLeapDays) {
  EXPECT_TRUE(ParseIso8601("2024-02-29T00:00:00Z").has_value());
  EXPECT_TRUE(ParseIso8601("2000-02-29T00:00:00Z").has_value());
  EXPECT_TRUE(ParseIso8601("1600-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(ParseIso8601("2023-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(ParseIso8601("1900-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(ParseIso8601("2100-02-29T00:00:00Z").has_value());
  EXPECT_EQ(ParseIso8601("1600-03-01T00:00:00Z"), -11670912000000000);
}

TEST(BaseTimeFormatTest, ParseRejects) {
  for (std::string_view bad : {"",
                               "garbage",
                               "2026",
                               "2026-11-25",
                               "2026-11-25T",
                               "2026-11-25T13:15",
                               "2026-11-25T13:15:4",
                               "2026-11-25T13:15:43.",
                               "2026-11-25T13:15:43.Z",
                               "2026-11-25T13:15:43ZZ",
                               "2026-11-25T13:15:43 ",
                               " 2026-11-25T13:15:43",
                               "2026-11-25T13:15:43+",
                               "2026-11-25T13:15:43+2",
                               "2026-11-25T13:15:43+02:",
                               "2026-11-25T13:15:43+02:0",
                               "2026-11-25T13:15:43+24:00",
                               "2026-11-25T13:15:43+02:60",
                               "2026-11-25T13:15:43+02:00Z",
                               "2026-13-01T00:00:00Z",
                               "2026-00-01T00:00:00Z",
                               "2026-11-00T00:00:00Z",
                               "2026-11-31T00:00:00Z",
                               "2026-04-31T00:00:00Z",
                               "2026-11-25T24:00:00Z",
                               "2026-11-25T23:60:00Z",
                               "2026-11-25T23:59:60Z",
                               "2026-11-25X13:15:43Z",
                               "2026/11/25T13:15:43Z",
                               "26-11-25T13:15:43Z",
                               "+2026-11-25T13:15:43Z",
                               "2026-1-25T13:15:43Z",
                               "2026-11-25T1:15:43Z",
                               "2026-11-25T13:15:43.12a",
                               "2026-11-25T13:15:43,5Z",
                               "2026-11-25T13:15:43GMT",
                               "１９７０-01-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseIso8601(bad).has_value()) << "accepted: " << bad;
  }
  EXPECT_FALSE(ParseIso8601(std::string_view("2026-11-25T13:15:43\0Z", 21)).has_value());
}

}  // namespace
}  // namespace aw
