// Shapes of the OpenKAP HTTP API v1 (docs/api.md). Only what the web app reads.

export type Role = 'admin' | 'prescriber' | 'nurse' | 'therapist' | 'patient' | 'researcher';

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  patient_id: number | null;
}

export interface UserSummary {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  disabled: boolean;
}

export type PatientStatus =
  | 'referred'
  | 'screening'
  | 'eligible'
  | 'ineligible'
  | 'in_treatment'
  | 'maintenance'
  | 'discharged';

export type SexAtBirth = 'female' | 'male' | 'intersex' | 'unknown';

export type Capacity = 'prescriber' | 'nurse' | 'therapist' | 'outside_therapist';

export interface Address {
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
}

export interface EmergencyContact {
  name: string;
  relationship: string;
  phone: string;
}

export interface EscortContact {
  name: string;
  phone: string;
}

export interface Diagnosis {
  code: string;
  text: string;
}

export interface StatusChange {
  status: PatientStatus;
  changed_at: string;
  changed_by: string;
  reason: string;
}

export interface Referral {
  referring_user_id: number | null;
  referrer_name: string;
  referrer_contact: string;
  reason: string;
  notes: string;
  referral_date: string | null;
}

export interface CareTeamMember {
  user_id: number;
  username: string;
  display_name: string;
  role: Role;
  capacity: Capacity;
}

export interface Patient {
  id: number;
  mrn: string;
  version: number;
  archived: boolean;
  given_name: string;
  family_name: string;
  birth_date: string;
  sex_at_birth: SexAtBirth;
  gender_identity?: string | null;
  pronouns?: string | null;
  race?: string[] | null;
  ethnicity?: string | null;
  preferred_language?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: Partial<Address> | null;
  emergency_contact?: Partial<EmergencyContact> | null;
  escort_contact?: Partial<EscortContact> | null;
  diagnoses?: Diagnosis[] | null;
  status: PatientStatus;
  status_history?: StatusChange[] | null;
  referral?: Partial<Referral> | null;
  care_team?: CareTeamMember[] | null;
  created_at?: string;
  updated_at?: string;
}

export interface PatientSummary {
  id: number;
  mrn: string;
  given_name: string;
  family_name: string;
  birth_date: string;
  sex_at_birth: SexAtBirth;
  status: PatientStatus;
  archived: boolean;
  version: number;
}

export interface Page<T> {
  items: T[];
  limit: number;
  offset: number;
  has_more: boolean;
}

export interface AuditEntry {
  id: number;
  at: string;
  user_id: number | null;
  username: string | null;
  role: Role | null;
  action: string;
  resource_type: string | null;
  resource_id: string | number | null;
  patient_id: number | null;
  outcome: 'success' | 'failure' | 'denied' | string;
  request_id: string | null;
  client_addr: string | null;
}

export interface AuditPage {
  items: AuditEntry[];
  next_before_id: number | null;
}

/** RFC 9457 problem details as the server sends them. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  field?: string;
  errors?: { field: string; reason: string }[];
  request_id?: string;
}
