#include "core/roles.h"

#include <array>
#include <utility>

namespace openkap {

namespace {
constexpr std::array<std::pair<Role, std::string_view>, 6> kRoles{{
    {Role::admin, "admin"},
    {Role::prescriber, "prescriber"},
    {Role::nurse, "nurse"},
    {Role::therapist, "therapist"},
    {Role::patient, "patient"},
    {Role::researcher, "researcher"},
}};
}  // namespace

std::optional<Role> parse_role(std::string_view s) {
  for (const auto& [r, name] : kRoles)
    if (name == s) return r;
  return std::nullopt;
}

std::string_view role_name(Role r) {
  for (const auto& [role, name] : kRoles)
    if (role == r) return name;
  return "unknown";
}

bool is_staff(Role r) {
  return r == Role::admin || r == Role::prescriber || r == Role::nurse || r == Role::therapist;
}

bool is_valid_capacity(std::string_view c) {
  return c == "prescriber" || c == "nurse" || c == "therapist" || c == "outside_therapist";
}

bool may_read_patient(const PatientAccessFacts& f) {
  switch (f.role) {
    case Role::admin: return true;
    case Role::prescriber:
    case Role::nurse:
    case Role::therapist: return f.on_care_team;
    case Role::patient: return f.is_own_record;
    case Role::researcher: return false;
  }
  return false;
}

bool may_write_patient(const PatientAccessFacts& f) {
  // Patients read their record but corrections go through staff (a request, later a portal form).
  return f.role != Role::patient && f.role != Role::researcher && may_read_patient(f);
}

bool may_manage_care_team(const PatientAccessFacts& f) {
  // The medical team owns the plan: admins and the patient's own prescriber assign members.
  return f.role == Role::admin || (f.role == Role::prescriber && f.on_care_team);
}

bool may_create_patient(Role r) { return is_staff(r); }

bool may_see_identifiable_data(Role r) { return r != Role::researcher; }

}  // namespace openkap
