// ISO 8601 UTC time text (src/core/timefmt.h). Epoch values were checked with GNU date:
//   date -u -d @1795426200  -> 2026-11-23T09:30:00
//   date -u -d '2026-11-23T09:30:00+02:00' +%s -> 1795419000
//   date -u -d '2026-11-23T09:30:00-05:00' +%s -> 1795444200
#include "core/timefmt.h"

#include <gtest/gtest.h>

namespace openkap {
namespace {

TEST(FormatIsoUtcMs, FormatsTheEpoch) { EXPECT_EQ(format_iso_utc_ms(0), "1970-01-01T00:00:00.000Z"); }

TEST(FormatIsoUtcMs, FormatsAKnownInstantWithMilliseconds) {
  // 1795426200123 ms: 1795426200 s / 86400 = day 20780 (2026-11-23) remainder 34200 s = 09:30:00;
  // the last three digits are the milliseconds.
  EXPECT_EQ(format_iso_utc_ms(1795426200123), "2026-11-23T09:30:00.123Z");
}

TEST(FormatIsoUtcMs, PadsEveryComponent) {
  // 2000-03-01 is day 11017; + 1 h 2 min 3 s 4 ms = 3723004 ms.
  EXPECT_EQ(format_iso_utc_ms(11017LL * 86400000 + 3723004), "2000-03-01T01:02:03.004Z");
}

TEST(FormatIsoUtcMs, HandlesTheLastMillisecondOfADay) {
  EXPECT_EQ(format_iso_utc_ms(86399999), "1970-01-01T23:59:59.999Z");
  EXPECT_EQ(format_iso_utc_ms(86400000), "1970-01-02T00:00:00.000Z");
}

TEST(FormatIsoUtcMs, FormatsInstantsBeforeTheEpoch) {
  EXPECT_EQ(format_iso_utc_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso_utc_ms(-86400000), "1969-12-31T00:00:00.000Z");
  // `date -u -d '1969-07-20T20:17:40Z' +%s` = -14182940
  EXPECT_EQ(format_iso_utc_ms(-14182940000), "1969-07-20T20:17:40.000Z");
}

TEST(ParseIsoUtcMs, ParsesZuluTime) {
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T09:30:00Z"), 1795426200000);
  EXPECT_EQ(parse_iso_utc_ms("1970-01-01T00:00:00Z"), 0);
}

TEST(ParseIsoUtcMs, AppliesPositiveAndNegativeOffsets) {
  // 09:30 at +02:00 is 07:30Z; 09:30 at -05:00 is 14:30Z.
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T09:30:00+02:00"), 1795419000000);
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T09:30:00-05:00"), 1795444200000);
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T09:30:00+00:00"), 1795426200000);
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T09:30:00+05:30"), 1795426200000 - 19800000);
}

TEST(ParseIsoUtcMs, OffsetsCrossDayBoundaries) {
  // 2026-11-23T23:30-05:00 is 2026-11-24T04:30Z.
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T23:30:00-05:00"), parse_iso_utc_ms("2026-11-24T04:30:00Z"));
  EXPECT_EQ(parse_iso_utc_ms("2026-11-24T01:00:00+02:00"), parse_iso_utc_ms("2026-11-23T23:00:00Z"));
}

TEST(ParseIsoUtcMs, ReadsFractionalSeconds) {
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T09:30:00.123Z"), 1795426200123);
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T09:30:00.5Z"), 1795426200500);
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T09:30:00.05Z"), 1795426200050);
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T09:30:00.123456Z"), 1795426200123);  // sub-ms digits dropped
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23T09:30:00.250+02:00"), 1795419000250);
}

TEST(ParseIsoUtcMs, ReadsABareDateAsMidnightUtc) {
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23"), 1795392000000);  // 20780 * 86400000
  EXPECT_EQ(parse_iso_utc_ms("1970-01-01"), 0);
}

TEST(ParseIsoUtcMs, AcceptsASpaceInsteadOfT) {
  EXPECT_EQ(parse_iso_utc_ms("2026-11-23 09:30:00Z"), 1795426200000);
}

TEST(ParseIsoUtcMs, RejectsGarbage) {
  for (const char* s : {"", "garbage", "2026-11-23T", "2026-11-23T09:30Z", "2026-11-23T09:30:00",
                        "2026-11-23T09:30:00+0200", "2026-11-23T09:30:00+2:00", "2026-11-23T09:30:00 Z",
                        "2026-11-23T09:30:00Zjunk", "2026-11-23T09:30:00.123", "2026-11-23T24:00:00Z",
                        "2026-11-23T09:60:00Z", "2026-11-23T09:30:60Z", "2026-02-30T09:30:00Z",
                        "2026-11-23X09:30:00Z", "2026-11-23T9:30:00Z", "2026-11-23T09:30:00+15:00",
                        "2026-11-23T09:30:00+02:60", "2026-11-23junk",
                        "2026-11-23T0a:30:00Z"})
    EXPECT_FALSE(parse_iso_utc_ms(s).has_value()) << '"' << s << '"';
}

TEST(IsoUtcMs, FormatThenParseRoundTrips) {
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{1795426200123}, int64_t{951782400000},
                     int64_t{-1}, int64_t{-14182940000}, int64_t{4102444799999}, int64_t{-2208988800000}}) {
    const auto text = format_iso_utc_ms(ms);
    const auto back = parse_iso_utc_ms(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, ms) << text;
  }
}

TEST(IsoUtcMs, FormattedTimesSortLikeTheInstantsTheyName) {
  // Audit queries compare `at` as text: the text must order like the instants.
  const int64_t step = 7777777777;  // about 90 days, so months and years roll over
  for (int64_t ms = -31536000000; ms < 4102444800000; ms += step) {
    EXPECT_LT(format_iso_utc_ms(ms), format_iso_utc_ms(ms + step)) << ms;
    EXPECT_LT(format_iso_utc_ms(ms), format_iso_utc_ms(ms + 1)) << ms;
  }
}

}  // namespace
}  // namespace openkap
