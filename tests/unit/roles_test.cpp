// The access policy for patient records (src/core/roles.h, docs/api.md "Access").
// The expected table is written out in full from the policy, not derived from the code:
//  - admin reads and changes every record and manages every care team;
//  - prescriber, nurse, therapist read and change only records whose care team includes them;
//    only a prescriber on the team (or an admin) manages the team;
//  - a patient reads only their own record and changes nothing;
//  - a researcher never sees a record (de-identified data only).
#include "core/roles.h"

#include <gtest/gtest.h>

#include <iterator>
#include <string>
#include <utility>

namespace openkap {
namespace {

struct Row {
  Role role;
  bool on_care_team;
  bool own_record;
  bool read, write, manage_team;
};

// role          team   own    read   write  manage
constexpr Row kMatrix[] = {
    {Role::admin, false, false, true, true, true},
    {Role::admin, false, true, true, true, true},
    {Role::admin, true, false, true, true, true},
    {Role::admin, true, true, true, true, true},

    {Role::prescriber, false, false, false, false, false},
    {Role::prescriber, false, true, false, false, false},  // a staff member's own chart is not a backdoor
    {Role::prescriber, true, false, true, true, true},
    {Role::prescriber, true, true, true, true, true},

    {Role::nurse, false, false, false, false, false},
    {Role::nurse, false, true, false, false, false},
    {Role::nurse, true, false, true, true, false},
    {Role::nurse, true, true, true, true, false},

    {Role::therapist, false, false, false, false, false},
    {Role::therapist, false, true, false, false, false},
    {Role::therapist, true, false, true, true, false},
    {Role::therapist, true, true, true, true, false},

    {Role::patient, false, false, false, false, false},
    {Role::patient, false, true, true, false, false},  // reads own record, corrections go through staff
    {Role::patient, true, false, false, false, false},  // a care-team flag never widens a patient's access
    {Role::patient, true, true, true, false, false},

    {Role::researcher, false, false, false, false, false},
    {Role::researcher, false, true, false, false, false},
    {Role::researcher, true, false, false, false, false},
    {Role::researcher, true, true, false, false, false},
};

std::string describe(const Row& r) {
  return std::string(role_name(r.role)) + (r.on_care_team ? " on team" : " off team") +
         (r.own_record ? ", own record" : ", other record");
}

TEST(AccessMatrix, CoversEveryRoleTeamAndOwnershipCombination) {
  EXPECT_EQ(std::size(kMatrix), 6u * 2u * 2u);
}

TEST(AccessMatrix, MayReadPatientFollowsThePolicy) {
  for (const auto& r : kMatrix)
    EXPECT_EQ(may_read_patient({r.role, r.on_care_team, r.own_record}), r.read) << describe(r);
}

TEST(AccessMatrix, MayWritePatientFollowsThePolicy) {
  for (const auto& r : kMatrix)
    EXPECT_EQ(may_write_patient({r.role, r.on_care_team, r.own_record}), r.write) << describe(r);
}

TEST(AccessMatrix, MayManageCareTeamFollowsThePolicy) {
  for (const auto& r : kMatrix)
    EXPECT_EQ(may_manage_care_team({r.role, r.on_care_team, r.own_record}), r.manage_team) << describe(r);
}

TEST(AccessMatrix, NobodyWritesWhatTheyMayNotRead) {
  for (const auto& r : kMatrix) {
    const PatientAccessFacts f{r.role, r.on_care_team, r.own_record};
    if (may_write_patient(f)) {
      EXPECT_TRUE(may_read_patient(f)) << describe(r);
    }
    if (may_manage_care_team(f)) {
      EXPECT_TRUE(may_read_patient(f)) << describe(r);
    }
  }
}

TEST(RolePermissions, OnlyStaffCreatePatients) {
  EXPECT_TRUE(may_create_patient(Role::admin));
  EXPECT_TRUE(may_create_patient(Role::prescriber));
  EXPECT_TRUE(may_create_patient(Role::nurse));
  EXPECT_TRUE(may_create_patient(Role::therapist));
  EXPECT_FALSE(may_create_patient(Role::patient));
  EXPECT_FALSE(may_create_patient(Role::researcher));
}

TEST(RolePermissions, ResearchersAloneNeverSeeIdentifiableData) {
  EXPECT_TRUE(may_see_identifiable_data(Role::admin));
  EXPECT_TRUE(may_see_identifiable_data(Role::prescriber));
  EXPECT_TRUE(may_see_identifiable_data(Role::nurse));
  EXPECT_TRUE(may_see_identifiable_data(Role::therapist));
  EXPECT_TRUE(may_see_identifiable_data(Role::patient));  // their own record
  EXPECT_FALSE(may_see_identifiable_data(Role::researcher));
}

TEST(RolePermissions, StaffAreAdminPrescriberNurseAndTherapist) {
  EXPECT_TRUE(is_staff(Role::admin));
  EXPECT_TRUE(is_staff(Role::prescriber));
  EXPECT_TRUE(is_staff(Role::nurse));
  EXPECT_TRUE(is_staff(Role::therapist));
  EXPECT_FALSE(is_staff(Role::patient));
  EXPECT_FALSE(is_staff(Role::researcher));
}

TEST(RoleNames, ParseAndNameRoundTripForEveryRole) {
  const std::pair<Role, const char*> all[] = {{Role::admin, "admin"},       {Role::prescriber, "prescriber"},
                                              {Role::nurse, "nurse"},       {Role::therapist, "therapist"},
                                              {Role::patient, "patient"},   {Role::researcher, "researcher"}};
  for (const auto& [role, name] : all) {
    EXPECT_EQ(role_name(role), name);
    ASSERT_TRUE(parse_role(name).has_value()) << name;
    EXPECT_EQ(*parse_role(name), role) << name;
  }
}

TEST(RoleNames, UnknownOrMiscasedNamesDoNotParse) {
  for (const char* s : {"", "Admin", "ADMIN", "root", "doctor", "admin ", "superuser"})
    EXPECT_FALSE(parse_role(s).has_value()) << '"' << s << '"';
}

TEST(CareTeamCapacity, AcceptsTheFourCapacities) {
  for (const char* c : {"prescriber", "nurse", "therapist", "outside_therapist"}) EXPECT_TRUE(is_valid_capacity(c)) << c;
  for (const char* c : {"", "admin", "patient", "researcher", "Therapist", "outside-therapist"})
    EXPECT_FALSE(is_valid_capacity(c)) << c;
}

}  // namespace
}  // namespace openkap
