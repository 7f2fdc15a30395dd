// Converting between a patient record and the edit form, and building the request
// bodies: a full body on create, only the changed fields (plus `version`) on edit.
import type { Diagnosis, Patient, PatientStatus } from './types';

export const TEXT_FIELDS = [
  'given_name',
  'family_name',
  'birth_date',
  'sex_at_birth',
  'gender_identity',
  'pronouns',
  'ethnicity',
  'preferred_language',
  'phone',
  'email',
] as const;

export const NESTED = {
  address: ['line1', 'line2', 'city', 'region', 'postal_code', 'country'],
  emergency_contact: ['name', 'relationship', 'phone'],
  escort_contact: ['name', 'phone'],
  referral: ['referrer_name', 'referrer_contact', 'reason', 'notes', 'referral_date'],
} as const;

export type NestedKey = keyof typeof NESTED;

/** Nested date fields: an empty one is sent as null, never as "" (which is not a date). */
const NULLABLE_WHEN_EMPTY = new Set(['referral.referral_date']);

export interface FormState {
  values: Record<string, string>;
  race: string[];
  diagnoses: Diagnosis[];
  status: PatientStatus;
  status_reason: string;
}

export function emptyForm(): FormState {
  const values: Record<string, string> = {};
  for (const f of TEXT_FIELDS) values[f] = '';
  for (const [group, keys] of Object.entries(NESTED)) for (const k of keys) values[`${group}.${k}`] = '';
  return { values, race: [], diagnoses: [], status: 'referred', status_reason: '' };
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export function formFromPatient(p: Patient): FormState {
  const f = emptyForm();
  const rec = p as unknown as Record<string, unknown>;
  for (const k of TEXT_FIELDS) f.values[k] = str(rec[k]);
  for (const [group, keys] of Object.entries(NESTED)) {
    const obj = (rec[group] ?? {}) as Record<string, unknown>;
    for (const k of keys) f.values[`${group}.${k}`] = str(obj[k]);
  }
  f.race = [...(p.race ?? [])];
  f.diagnoses = (p.diagnoses ?? []).map((d) => ({ code: str(d.code), text: str(d.text) }));
  f.status = p.status;
  return f;
}

function cleanDiagnoses(list: Diagnosis[]): Diagnosis[] {
  return list
    .map((d) => ({ code: d.code.trim(), text: d.text.trim() }))
    .filter((d) => d.code !== '' || d.text !== '');
}

function nestedObject(f: FormState, group: NestedKey, dropEmpty: boolean): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const k of NESTED[group]) {
    const v = f.values[`${group}.${k}`].trim();
    if (v === '' && dropEmpty) continue;
    out[k] = v === '' && NULLABLE_WHEN_EMPTY.has(`${group}.${k}`) ? null : v;
  }
  return out;
}

export function createBody(f: FormState): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const k of TEXT_FIELDS) {
    const v = f.values[k].trim();
    if (v !== '') body[k] = v;
  }
  for (const group of Object.keys(NESTED) as NestedKey[]) {
    const obj = nestedObject(f, group, true);
    if (Object.keys(obj).length > 0) body[group] = obj;
  }
  if (f.race.length > 0) body.race = [...f.race];
  const dx = cleanDiagnoses(f.diagnoses);
  if (dx.length > 0) body.diagnoses = dx;
  if (f.status !== 'referred') body.status = f.status;
  return body;
}

/** The fields that differ from the loaded record; empty when nothing changed. */
export function patchBody(original: FormState, f: FormState): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const k of TEXT_FIELDS) {
    const v = f.values[k].trim();
    if (v !== original.values[k].trim()) body[k] = v === '' && k === 'ethnicity' ? null : v;
  }
  for (const group of Object.keys(NESTED) as NestedKey[]) {
    const changed = NESTED[group].some(
      (k) => f.values[`${group}.${k}`].trim() !== original.values[`${group}.${k}`].trim(),
    );
    if (changed) body[group] = nestedObject(f, group, false);
  }
  if ([...f.race].sort().join('|') !== [...original.race].sort().join('|')) body.race = [...f.race];
  const dx = cleanDiagnoses(f.diagnoses);
  if (JSON.stringify(dx) !== JSON.stringify(cleanDiagnoses(original.diagnoses))) body.diagnoses = dx;
  if (f.status !== original.status) {
    body.status = f.status;
    if (f.status_reason.trim()) body.status_reason = f.status_reason.trim();
  }
  return body;
}

/** Field errors found before asking the server: only what is required and missing. */
export function requiredErrors(f: FormState): Record<string, string> {
  const errs: Record<string, string> = {};
  if (!f.values.given_name.trim()) errs.given_name = 'Enter the given name';
  if (!f.values.family_name.trim()) errs.family_name = 'Enter the family name';
  if (!f.values.birth_date.trim()) errs.birth_date = 'Enter the birth date as YYYY-MM-DD';
  if (!f.values.sex_at_birth) errs.sex_at_birth = 'Choose the sex at birth';
  return errs;
}
