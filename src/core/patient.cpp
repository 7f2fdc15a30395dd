#include "core/patient.h"

#include <algorithm>
#include <cctype>

namespace openkap {

const std::vector<std::string_view>& patient_statuses() {
  static const std::vector<std::string_view> v{"referred",     "screening",   "eligible",  "ineligible",
                                               "in_treatment", "maintenance", "discharged"};
  return v;
}
const std::vector<std::string_view>& sexes_at_birth() {
  static const std::vector<std::string_view> v{"female", "male", "intersex", "unknown"};
  return v;
}
// OMB SPD 15 (2024 revision) minimum categories, plus "other" and "declined" for self-report.
const std::vector<std::string_view>& race_categories() {
  static const std::vector<std::string_view> v{"american_indian_or_alaska_native",
                                               "asian",
                                               "black_or_african_american",
                                               "native_hawaiian_or_other_pacific_islander",
                                               "white",
                                               "middle_eastern_or_north_african",
                                               "other",
                                               "declined"};
  return v;
}
const std::vector<std::string_view>& ethnicity_categories() {
  static const std::vector<std::string_view> v{"hispanic_or_latino", "not_hispanic_or_latino", "declined", "unknown"};
  return v;
}

bool is_one_of(std::string_view value, const std::vector<std::string_view>& allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool looks_like_icd10(std::string_view c) {
  if (c.size() < 3 || c.size() > 8) return false;
  if (!std::isupper(static_cast<unsigned char>(c[0]))) return false;
  if (!std::isdigit(static_cast<unsigned char>(c[1]))) return false;
  if (!std::isalnum(static_cast<unsigned char>(c[2]))) return false;
  if (c.size() == 3) return true;
  if (c[3] != '.' || c.size() == 4) return false;
  return std::all_of(c.begin() + 4, c.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; });
}

namespace {
std::optional<Error> check_text(const std::string& value, const std::string& field, size_t max, bool required) {
  if (required && value.find_first_not_of(" \t\r\n") == std::string::npos)
    return Error{"validation", "is required and may not be blank", field};
  if (utf8_length(value) > max) return Error{"validation", "is longer than " + std::to_string(max) + " characters", field};
  if (has_control_chars(value)) return Error{"validation", "contains control characters", field};
  return std::nullopt;
}

std::optional<Error> check_date(const std::string& value, const std::string& field, const CivilDate& today,
                                bool required) {
  if (value.empty()) return required ? std::optional<Error>(Error{"validation", "is required", field}) : std::nullopt;
  auto d = parse_date(value);
  if (!d) return Error{"validation", "is not a real calendar date in YYYY-MM-DD form", field};
  if (*d > today) return Error{"validation", "is in the future", field};
  if (d->year < 1900) return Error{"validation", "is before 1900", field};
  return std::nullopt;
}
}  // namespace

std::optional<Error> validate_patient_fields(const PatientFields& f, const CivilDate& today) {
  if (auto e = check_text(f.given_name, "given_name", kMaxShortText, true)) return e;
  if (auto e = check_text(f.family_name, "family_name", kMaxShortText, true)) return e;
  if (auto e = check_date(f.birth_date, "birth_date", today, true)) return e;
  if (!is_one_of(f.sex_at_birth, sexes_at_birth()))
    return Error{"validation", "must be one of female, male, intersex, unknown", "sex_at_birth"};
  if (!is_one_of(f.status, patient_statuses()))
    return Error{"validation",
                 "must be one of referred, screening, eligible, ineligible, in_treatment, maintenance, discharged",
                 "status"};
  const std::pair<const std::string*, const char*> short_texts[] = {
      {&f.gender_identity, "gender_identity"},
      {&f.pronouns, "pronouns"},
      {&f.preferred_language, "preferred_language"},
      {&f.phone, "phone"},
      {&f.email, "email"},
      {&f.address.line1, "address.line1"},
      {&f.address.line2, "address.line2"},
      {&f.address.city, "address.city"},
      {&f.address.region, "address.region"},
      {&f.address.postal_code, "address.postal_code"},
      {&f.address.country, "address.country"},
      {&f.emergency_contact.name, "emergency_contact.name"},
      {&f.emergency_contact.relationship, "emergency_contact.relationship"},
      {&f.emergency_contact.phone, "emergency_contact.phone"},
      {&f.escort_contact.name, "escort_contact.name"},
      {&f.escort_contact.phone, "escort_contact.phone"},
  };
  for (const auto& [value, field] : short_texts)
    if (auto e = check_text(*value, field, kMaxShortText, false)) return e;
  if (!f.email.empty() && (f.email.find('@') == std::string::npos || f.email.find(' ') != std::string::npos))
    return Error{"validation", "is not an email address", "email"};
  for (size_t i = 0; i < f.race.size(); ++i)
    if (!is_one_of(f.race[i], race_categories()))
      return Error{"validation", "is not an OMB race category", "race[" + std::to_string(i) + "]"};
  if (!f.ethnicity.empty() && !is_one_of(f.ethnicity, ethnicity_categories()))
    return Error{"validation", "must be one of hispanic_or_latino, not_hispanic_or_latino, declined, unknown",
                 "ethnicity"};
  if (f.diagnoses.size() > 50) return Error{"validation", "has more than 50 entries", "diagnoses"};
  for (size_t i = 0; i < f.diagnoses.size(); ++i) {
    const auto prefix = "diagnoses[" + std::to_string(i) + "]";
    if (!looks_like_icd10(f.diagnoses[i].code))
      return Error{"validation", "is not an ICD-10 code (e.g. F33.2)", prefix + ".code"};
    if (auto e = check_text(f.diagnoses[i].text, prefix + ".text", kMaxShortText, false)) return e;
  }
  if (f.referral) {
    const auto& r = *f.referral;
    if (auto e = check_text(r.referrer_name, "referral.referrer_name", kMaxShortText, false)) return e;
    if (auto e = check_text(r.referrer_contact, "referral.referrer_contact", kMaxShortText, false)) return e;
    if (auto e = check_text(r.reason, "referral.reason", kMaxLongText, false)) return e;
    if (auto e = check_text(r.notes, "referral.notes", kMaxLongText, false)) return e;
    if (auto e = check_date(r.referral_date, "referral.referral_date", today, false)) return e;
    if (!r.referring_user_id && r.referrer_name.empty())
      return Error{"validation", "needs referring_user_id or referrer_name", "referral.referrer_name"};
  }
  return std::nullopt;
}

}  // namespace openkap
