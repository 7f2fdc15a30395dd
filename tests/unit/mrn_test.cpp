// Medical record numbers: OK-<6-digit sequence>-<Luhn check digit> (src/core/mrn.h).
#include "core/mrn.h"

#include <gtest/gtest.h>

#include <string>

namespace openkap {
namespace {

TEST(Luhn, MatchesTheStandardTestVector) {
  // The textbook Luhn example: 79927398713 is valid, so the check digit of 7992739871 is 3.
  EXPECT_EQ(luhn_check_digit("7992739871"), 3);
}

TEST(Luhn, MatchesHandComputedCheckDigits) {
  // Double every second digit from the right of the payload (the rightmost payload digit is
  // doubled), subtract 9 from doubles above 9, sum, check = (10 - sum % 10) % 10.
  // 000000: sum 0 -> 0.
  EXPECT_EQ(luhn_check_digit("000000"), 0);
  // 000001: 1*2 = 2 -> 8.
  EXPECT_EQ(luhn_check_digit("000001"), 8);
  // 123456: 6*2=12->3, 5, 4*2=8, 3, 2*2=4, 1: 3+5+8+3+4+1 = 24 -> 6.
  EXPECT_EQ(luhn_check_digit("123456"), 6);
  // 000012: 2*2 = 4, 1: sum 5 -> 5.
  EXPECT_EQ(luhn_check_digit("000012"), 5);
  // 999999: 9*2=18->9 three times (27) + 9 three times (27) = 54 -> 6.
  EXPECT_EQ(luhn_check_digit("999999"), 6);
}

TEST(MakeMrn, FormatsSequenceTwelveWithItsHandComputedCheckDigit) {
  // Payload "000012"; from the right: 2 doubled = 4, 1 not doubled = 1, zeros add nothing.
  // Sum 5, check digit (10 - 5) % 10 = 5. Check: 0000125 -> 5 + 2*2 + 1 = 10, divisible by 10.
  EXPECT_EQ(make_mrn(12), "OK-000012-5");
}

TEST(MakeMrn, ZeroPadsToSixDigits) {
  EXPECT_EQ(make_mrn(1), "OK-000001-8");      // 1*2 = 2 -> 8
  EXPECT_EQ(make_mrn(123456), "OK-123456-6");  // see MatchesHandComputedCheckDigits
}

TEST(MakeMrn, ProducesValidMrnsForEverySequenceUpToTwentyThousand) {
  for (int64_t seq = 1; seq <= 20000; ++seq) {
    const auto m = make_mrn(seq);
    ASSERT_EQ(m.size(), 11u) << m;
    ASSERT_TRUE(is_valid_mrn(m)) << m;
  }
}

TEST(IsValidMrn, AcceptsWellFormedMrns) {
  EXPECT_TRUE(is_valid_mrn("OK-000012-5"));
  EXPECT_TRUE(is_valid_mrn("OK-000001-8"));
  EXPECT_TRUE(is_valid_mrn("OK-123456-6"));
}

TEST(IsValidMrn, RejectsEverySingleDigitTypo) {
  const std::string good = "OK-123456-6";
  ASSERT_TRUE(is_valid_mrn(good));
  for (size_t pos : {3u, 4u, 5u, 6u, 7u, 8u, 10u}) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == good[pos]) continue;
      std::string typo = good;
      typo[pos] = d;
      EXPECT_FALSE(is_valid_mrn(typo)) << typo;
    }
  }
}

TEST(IsValidMrn, RejectsAdjacentTranspositions) {
  // Luhn catches every adjacent transposition except 09 <-> 90; these sequences avoid that pair.
  EXPECT_FALSE(is_valid_mrn("OK-213456-6"));  // 12 -> 21
  EXPECT_FALSE(is_valid_mrn("OK-124356-6"));  // 34 -> 43
  EXPECT_FALSE(is_valid_mrn("OK-123465-6"));  // 56 -> 65
  EXPECT_FALSE(is_valid_mrn("OK-000021-5"));  // OK-000012-5 with 12 -> 21
}

TEST(IsValidMrn, RejectsMalformedStrings) {
  for (const char* s : {"", "OK-", "OK-000012", "OK-000012-", "ok-000012-5", "OX-000012-5", "OK000012-5",
                        "OK-000012_5", "OK-00001a-5", "OK-000012-x", "OK-000012-55", " OK-000012-5",
                        "OK-000012-5 ", "OK--00012-5", "OK-+00012-5"})
    EXPECT_FALSE(is_valid_mrn(s)) << '"' << s << '"';
}

TEST(IsValidMrn, RejectsAnMrnWithADroppedLeadingZero) {
  // "OK-" + 6-digit sequence: a staff member who drops a zero must not get a "valid" MRN that
  // differs from the real one. Leading zeros do not change the Luhn sum, so only the length
  // check can catch this.
  EXPECT_FALSE(is_valid_mrn("OK-00012-5"));
}

}  // namespace
}  // namespace openkap
