// Roles and the access policy for patient records (CLINICAL.md, "Who uses it").
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace openkap {

enum class Role { admin, prescriber, nurse, therapist, patient, researcher };

std::optional<Role> parse_role(std::string_view s);
std::string_view role_name(Role r);
bool is_staff(Role r);  // admin, prescriber, nurse, therapist

// Capacities in which a user sits on a patient's care team.
bool is_valid_capacity(std::string_view capacity);  // prescriber, nurse, therapist, outside_therapist

// What one user may do with one patient's record.
struct PatientAccessFacts {
  Role role;
  bool on_care_team = false;   // an active care-team membership for this patient
  bool is_own_record = false;  // user.patient_id == patient id
};
bool may_read_patient(const PatientAccessFacts& f);
bool may_write_patient(const PatientAccessFacts& f);  // demographics, status, referral
bool may_manage_care_team(const PatientAccessFacts& f);
bool may_create_patient(Role r);
// Researchers never see identities (de-identified cohort data only, in later modules).
bool may_see_identifiable_data(Role r);

}  // namespace openkap
