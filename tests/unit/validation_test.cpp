// Dates, UTF-8, text checks and search folding (src/core/validation.h).
// Expected values are independent of the code: `date -u -d <day> +%s` / 86400 for day numbers,
// the Unicode Character Database (NFKD base letters) for folding, RFC 3629 for UTF-8.
#include "core/validation.h"

#include <gtest/gtest.h>

#include <string>

namespace openkap {
namespace {

// ---------- parse_date ----------

TEST(ParseDate, AcceptsARealDateAndReturnsItsParts) {
  auto d = parse_date("1988-04-02");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->year, 1988);
  EXPECT_EQ(d->month, 4);
  EXPECT_EQ(d->day, 2);
}

TEST(ParseDate, AcceptsTheLastDayOfEveryMonth) {
  // 30 days hath September, April, June and November.
  for (const char* s : {"2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30",
                        "2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31", "2025-11-30", "2025-12-31"})
    EXPECT_TRUE(parse_date(s).has_value()) << s;
}

TEST(ParseDate, RejectsDaysPastTheEndOfTheMonth) {
  for (const char* s : {"2025-02-30", "2025-02-29", "2025-04-31", "2025-06-31", "2025-09-31", "2025-11-31",
                        "2025-01-32", "2025-12-32"})
    EXPECT_FALSE(parse_date(s).has_value()) << s;
}

TEST(ParseDate, FebruaryTwentyNinthExistsOnlyInLeapYears) {
  // Gregorian rule: divisible by 4, except centuries, except centuries divisible by 400.
  EXPECT_TRUE(parse_date("2024-02-29").has_value());
  EXPECT_TRUE(parse_date("2000-02-29").has_value());   // divisible by 400
  EXPECT_TRUE(parse_date("1996-02-29").has_value());
  EXPECT_FALSE(parse_date("2023-02-29").has_value());  // not divisible by 4
  EXPECT_FALSE(parse_date("1900-02-29").has_value());  // century not divisible by 400
  EXPECT_FALSE(parse_date("2100-02-29").has_value());
}

TEST(ParseDate, RejectsMalformedText) {
  for (const char* s : {"2025-2-3", "20250203", "2025-13-01", "2025-00-10", "2025-01-00", "abcd-ef-gh",
                        "2025-02-03x", "2025-02-03 ", " 2025-02-03", "2025-02-03T00:00:00Z", "2025/02/03",
                        "2025-02-3", "-025-02-03", "+025-02-03", "2025-0a-03", "", "0000-01-01"})
    EXPECT_FALSE(parse_date(s).has_value()) << '"' << s << '"';
}

TEST(FormatDate, PadsToYYYYMMDD) {
  EXPECT_EQ(format_date(CivilDate{2026, 1, 5}), "2026-01-05");
  EXPECT_EQ(format_date(CivilDate{987, 12, 31}), "0987-12-31");
}

TEST(LeapYear, FollowsTheGregorianRule) {
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_TRUE(is_leap_year(1600));
  EXPECT_FALSE(is_leap_year(2023));
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_FALSE(is_leap_year(1800));
  EXPECT_FALSE(is_leap_year(2100));
}

TEST(DaysInMonth, KnowsEveryMonthAndRejectsInvalidMonths) {
  const int common[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) EXPECT_EQ(days_in_month(2025, m), common[m - 1]) << m;
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2025, 0), 0);
  EXPECT_EQ(days_in_month(2025, 13), 0);
}

// ---------- day numbers ----------

TEST(DaysFromCivil, MatchesKnownDayNumbers) {
  // Each value is `date -u -d <day> +%s` divided by 86400, and checked by hand where noted.
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({1969, 12, 31}), -1);
  // 2000-03-01: 30 years 1970..1999 = 10957 days (7 leap years), + Jan 31 + Feb 29 (2000 is leap) = 11017.
  EXPECT_EQ(days_from_civil({2000, 3, 1}), 11017);
  EXPECT_EQ(days_from_civil({2000, 2, 29}), 11016);
  // 2026-11-23: 56 years 1970..2025 with 14 leap days = 20454; Jan..Oct 2026 = 304 days; + 22 = 20780.
  // (`date -u -d 2026-11-23 +%s` = 1795392000 = 20780 * 86400.)
  EXPECT_EQ(days_from_civil({2026, 11, 23}), 20780);
  EXPECT_EQ(days_from_civil({2024, 2, 29}), 19782);
  EXPECT_EQ(days_from_civil({1900, 3, 1}), -25508);
  EXPECT_EQ(days_from_civil({1600, 3, 1}), -135080);
  EXPECT_EQ(days_from_civil({1, 1, 1}), -719162);
  EXPECT_EQ(days_from_civil({9999, 12, 31}), 2932896);
}

TEST(CivilFromDays, InvertsKnownDayNumbers) {
  EXPECT_EQ(civil_from_days(0), (CivilDate{1970, 1, 1}));
  EXPECT_EQ(civil_from_days(-1), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(civil_from_days(11016), (CivilDate{2000, 2, 29}));
  EXPECT_EQ(civil_from_days(20780), (CivilDate{2026, 11, 23}));
  EXPECT_EQ(civil_from_days(-25508), (CivilDate{1900, 3, 1}));
}

TEST(DaysFromCivil, CountsOneDayPerCalendarDayFrom1800To2200) {
  // Walk the calendar with an independent, naive day counter (month lengths and the leap rule
  // written out here) and check both directions at every day.
  auto leap = [](int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t expected = -62091;  // 1800-01-01: `date -u -d 1800-01-01 +%s` / 86400
  for (int y = 1800; y < 2200; ++y)
    for (int m = 1; m <= 12; ++m) {
      const int n = (m == 2 && leap(y)) ? 29 : len[m - 1];
      for (int d = 1; d <= n; ++d, ++expected) {
        const CivilDate c{y, m, d};
        ASSERT_EQ(days_from_civil(c), expected) << format_date(c);
        ASSERT_EQ(civil_from_days(expected), c) << expected;
      }
    }
  EXPECT_EQ(expected, days_from_civil({2200, 1, 1}));
}

TEST(CivilFromDays, RoundTripsOverTenThousandYears) {
  for (int64_t z = -719162; z <= 2932896; z += 97) {  // 0001-01-01 .. 9999-12-31
    const CivilDate c = civil_from_days(z);
    ASSERT_EQ(days_from_civil(c), z);
    ASSERT_TRUE(parse_date(format_date(c)).has_value()) << z;
  }
}

// ---------- UTF-8 ----------

TEST(Utf8, AcceptsMultilingualText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ASCII"));
  EXPECT_TRUE(is_valid_utf8("Zoë Ñúñez, Łódź, Straße"));
  EXPECT_TRUE(is_valid_utf8("محمد عبد الله"));   // Arabic
  EXPECT_TRUE(is_valid_utf8("שלום עולם"));       // Hebrew
  EXPECT_TRUE(is_valid_utf8("山田 太郎"));        // CJK
  EXPECT_TRUE(is_valid_utf8("🧠💊 \U0001F600"));  // 4-byte sequences
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBD"));      // U+FFFD
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above them
}

TEST(Utf8, RejectsIllFormedSequences) {
  const char* bad[] = {
      "\x80",                  // lone continuation byte
      "a\xBFz",                // continuation byte mid-text
      "\xC0\xAF",              // overlong '/'
      "\xC1\xBF",              // overlong
      "\xE0\x80\xAF",          // overlong 3-byte
      "\xF0\x80\x80\xAF",      // overlong 4-byte
      "\xED\xA0\x80",          // U+D800 surrogate
      "\xED\xBF\xBF",          // U+DFFF surrogate
      "\xF4\x90\x80\x80",      // U+110000 > U+10FFFF
      "\xF5\x80\x80\x80",      // lead byte beyond U+10FFFF
      "\xF8\x88\x80\x80\x80",  // 5-byte form
      "\xFE",
      "\xFF",
      "\xC3",              // truncated 2-byte
      "\xE2\x82",          // truncated 3-byte (euro sign is E2 82 AC)
      "\xF0\x9F\x98",      // truncated 4-byte
      "\xE2\x82z",         // continuation replaced by ASCII
      "ok\xC3",            // truncated at the end of otherwise valid text
  };
  for (const char* s : bad) EXPECT_FALSE(is_valid_utf8(s)) << ::testing::PrintToString(std::string(s));
}

TEST(Utf8Length, CountsCodePointsNotBytes) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("Zoë"), 3u);       // 4 bytes
  EXPECT_EQ(utf8_length("محمد"), 4u);      // 8 bytes
  EXPECT_EQ(utf8_length("€"), 1u);         // 3 bytes
  EXPECT_EQ(utf8_length("🧠💊"), 2u);      // 8 bytes
  EXPECT_EQ(utf8_length(std::string(200, 'a')), 200u);
  std::string e200;
  for (int i = 0; i < 200; ++i) e200 += "é";
  EXPECT_EQ(e200.size(), 400u);
  EXPECT_EQ(utf8_length(e200), 200u);
}

TEST(ControlChars, FlagsC0ControlsAndDelButNotTabNewlineOrCarriageReturn) {
  EXPECT_FALSE(has_control_chars("Ana Souza"));
  EXPECT_FALSE(has_control_chars("line one\nline two\r\n\tindented"));
  EXPECT_FALSE(has_control_chars("Zoë محمد 🧠"));
  EXPECT_TRUE(has_control_chars(std::string("a\0b", 3)));
  EXPECT_TRUE(has_control_chars("bell\x07"));
  EXPECT_TRUE(has_control_chars("esc\x1B[31m"));
  EXPECT_TRUE(has_control_chars("\x1F"));
  EXPECT_TRUE(has_control_chars("del\x7F"));
  EXPECT_TRUE(has_control_chars("\x0B"));  // vertical tab
  EXPECT_TRUE(has_control_chars("\x0C"));  // form feed
}

// ---------- search folding ----------

TEST(FoldForSearch, LowerCasesAndRemovesLatinAccents) {
  EXPECT_EQ(fold_for_search("Zoë"), "zoe");
  EXPECT_EQ(fold_for_search("ÑÚÑEZ"), "nunez");
  EXPECT_EQ(fold_for_search("Ñúñez"), "nunez");
  EXPECT_EQ(fold_for_search("Łódź"), "lodz");
  EXPECT_EQ(fold_for_search("Straße"), "strase");  // the table folds ß to a single "s"
  EXPECT_EQ(fold_for_search("Dvořák"), "dvorak");
  EXPECT_EQ(fold_for_search("Ærøskøbing"), "aroskobing");
  EXPECT_EQ(fold_for_search("İstanbul"), "istanbul");
  EXPECT_EQ(fold_for_search("O'BRIEN-Smith 3rd"), "o'brien-smith 3rd");
}

TEST(FoldForSearch, LeavesOtherScriptsUnchanged) {
  EXPECT_EQ(fold_for_search("محمد"), "محمد");
  EXPECT_EQ(fold_for_search("שלום"), "שלום");
  EXPECT_EQ(fold_for_search("山田"), "山田");
  EXPECT_EQ(fold_for_search("ΣΩΚΡΑΤΗΣ"), "ΣΩΚΡΑΤΗΣ");  // Greek is not Latin: kept as is
  EXPECT_EQ(fold_for_search("🧠"), "🧠");
  EXPECT_EQ(fold_for_search("Zoë 🧠 محمد"), "zoe 🧠 محمد");
  EXPECT_EQ(fold_for_search("×÷"), "×÷");  // signs in the Latin-1 block are not letters
}

TEST(FoldForSearch, FoldsEveryLetterOfLatin1AndLatinExtendedAToItsBaseLetter) {
  // Generated from the Unicode Character Database, not from the code under test:
  //   base = unicodedata.normalize('NFKD', ch)[0].lower()
  // for U+00C0..U+017F, with hand-chosen bases for letters without a decomposition
  // (Æ/æ a, Ð/ð/Đ/đ d, Ø/ø o, Þ/þ t, ß s, Ħ/ħ h, ı i, ĸ k, Ł/ł l, ŉ/Ŋ/ŋ n, Œ/œ o, Ŧ/ŧ t).
  // '=' marks the two non-letters (× U+00D7, ÷ U+00F7), which must be kept as they are.
  const std::string expected =
      "aaaaaaaceeeeiiii" "dnooooo=ouuuuyts" "aaaaaaaceeeeiiii" "dnooooo=ouuuuyty"  // U+00C0..U+00FF
      "aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii" "iiiijjkkklllllll"  // U+0100..U+013F
      "lllnnnnnnnnnoooo" "oooorrrrrrssssss" "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";  // U+0140..U+017F
  ASSERT_EQ(expected.size(), 0x180u - 0xC0u);
  for (uint32_t cp = 0xC0; cp < 0x180; ++cp) {
    std::string utf8;
    utf8 += static_cast<char>(0xC0 | (cp >> 6));
    utf8 += static_cast<char>(0x80 | (cp & 0x3F));
    const char want = expected[cp - 0xC0];
    const std::string got = fold_for_search(utf8);
    if (want == '=')
      EXPECT_EQ(got, utf8) << "U+" << std::hex << cp;
    else
      EXPECT_EQ(got, std::string(1, want)) << "U+" << std::hex << cp;
  }
}

TEST(FoldForSearch, IsIdempotent) {
  for (const char* s : {"Zoë Ñúñez", "ŁÓDŹ", "محمد", "Straße"}) {
    const auto once = fold_for_search(s);
    EXPECT_EQ(fold_for_search(once), once) << s;
  }
}

TEST(PrefixUpperBound, IncrementsTheLastByte) {
  EXPECT_EQ(prefix_upper_bound("ab"), "ac");
  EXPECT_EQ(prefix_upper_bound("a"), "b");
  EXPECT_EQ(prefix_upper_bound("az"), "a{");
  EXPECT_EQ(prefix_upper_bound(std::string("a\xFF")), "b");
  EXPECT_EQ(prefix_upper_bound(std::string("a\xFE")), std::string("a\xFF"));
  EXPECT_EQ(prefix_upper_bound(std::string("a\xFF\xFF")), "b");
}

TEST(PrefixUpperBound, BoundsExactlyTheStringsWithThePrefix) {
  for (const std::string prefix : {"zo", "nu", "محم", "a"}) {
    const std::string hi = prefix_upper_bound(prefix);
    for (const std::string suffix : {"", "e", "zzzz", "\xC3\xBF", "🧠"}) {
      const std::string s = prefix + suffix;
      EXPECT_TRUE(s >= prefix && s < hi) << s;
    }
    // Strings without the prefix fall outside [prefix, hi).
    std::string before = prefix;
    before.back() = static_cast<char>(static_cast<unsigned char>(before.back()) - 1);
    EXPECT_FALSE(before + "zzz" >= prefix && before + "zzz" < hi);
    EXPECT_NE(hi.rfind(prefix, 0), 0u) << "the bound itself must not start with the prefix";
    EXPECT_GT(hi, prefix);
  }
}

TEST(PrefixUpperBound, OfTheEmptyPrefixIsAboveAllUtf8Text) {
  const std::string hi = prefix_upper_bound("");
  for (const std::string s : {"", "a", "zzz", "\xF4\x8F\xBF\xBF", "🧠"}) EXPECT_LT(s, hi);
}

}  // namespace
}  // namespace openkap
