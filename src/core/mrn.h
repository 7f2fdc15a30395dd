// Medical record numbers: "OK-" + 6-digit sequence + "-" + Luhn check digit, e.g. OK-000012-5.
// The check digit catches single-digit typos and most transpositions when staff type an MRN.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace openkap {

int luhn_check_digit(std::string_view digits);  // digit that makes digits+check pass Luhn
std::string make_mrn(int64_t sequence);
bool is_valid_mrn(std::string_view mrn);

}  // namespace openkap
