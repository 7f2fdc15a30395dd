// Human words for the API's enum codes. Codes never reach the screen on their own.
import type { Capacity, PatientStatus, Role, SexAtBirth } from './types';

export const STATUS_LABELS: Record<PatientStatus, string> = {
  referred: 'Referred',
  screening: 'Screening',
  eligible: 'Eligible',
  ineligible: 'Not eligible',
  in_treatment: 'In treatment',
  maintenance: 'Maintenance',
  discharged: 'Discharged',
};
export const STATUSES = Object.keys(STATUS_LABELS) as PatientStatus[];

export const SEX_LABELS: Record<SexAtBirth, string> = {
  female: 'Female',
  male: 'Male',
  intersex: 'Intersex',
  unknown: 'Unknown',
};
export const SEXES = Object.keys(SEX_LABELS) as SexAtBirth[];

export const RACE_LABELS: Record<string, string> = {
  american_indian_or_alaska_native: 'American Indian or Alaska Native',
  asian: 'Asian',
  black_or_african_american: 'Black or African American',
  native_hawaiian_or_other_pacific_islander: 'Native Hawaiian or Other Pacific Islander',
  white: 'White',
  middle_eastern_or_north_african: 'Middle Eastern or North African',
  other: 'Other',
  declined: 'Declined to answer',
};
export const RACES = Object.keys(RACE_LABELS);

export const ETHNICITY_LABELS: Record<string, string> = {
  hispanic_or_latino: 'Hispanic or Latino',
  not_hispanic_or_latino: 'Not Hispanic or Latino',
  declined: 'Declined to answer',
  unknown: 'Unknown',
};
export const ETHNICITIES = Object.keys(ETHNICITY_LABELS);

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  prescriber: 'Prescriber',
  nurse: 'Nurse',
  therapist: 'Therapist',
  patient: 'Patient',
  researcher: 'Researcher',
};

export const CAPACITY_LABELS: Record<Capacity, string> = {
  prescriber: 'Prescriber',
  nurse: 'Nurse',
  therapist: 'Therapist',
  outside_therapist: 'Outside therapist',
};
export const CAPACITIES = Object.keys(CAPACITY_LABELS) as Capacity[];

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  login: 'Signed in',
  logout: 'Signed out',
  'patient.create': 'Created patient',
  'patient.read': 'Viewed patient',
  'patient.update': 'Updated patient',
  'patient.list': 'Listed patients',
  'patient.archive': 'Archived patient',
  'care_team.add': 'Added care-team member',
  'care_team.remove': 'Removed care-team member',
  'user.create': 'Created user',
  'user.disable': 'Disabled user',
  'audit.read': 'Read audit log',
};

export const OUTCOME_LABELS: Record<string, string> = {
  success: 'Success',
  failure: 'Failure',
  denied: 'Denied',
};

/** Falls back to a readable form of an unknown code ("in_treatment" -> "In treatment"). */
export function label(map: Record<string, string>, code: string | null | undefined): string {
  if (code == null || code === '') return '';
  if (code in map) return map[code];
  const words = code.replace(/[_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const STAFF_ROLES: Role[] = ['admin', 'prescriber', 'nurse', 'therapist'];
export function isStaff(role: Role | undefined): boolean {
  return role !== undefined && STAFF_ROLES.includes(role);
}
