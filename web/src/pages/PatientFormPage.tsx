import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, get, patch, post } from '../api';
import { ErrorAlert, Loading, NotAvailable, errorMessage } from '../components';
import { ETHNICITIES, ETHNICITY_LABELS, RACES, RACE_LABELS, SEXES, SEX_LABELS, STATUSES, STATUS_LABELS } from '../labels';
import {
  createBody,
  emptyForm,
  formFromPatient,
  patchBody,
  requiredErrors,
  type FormState,
} from '../patientForm';
import { Link, navigate, usePageTitle } from '../router';
import type { Patient, PatientStatus } from '../types';

const FIELD_LABELS: Record<string, string> = {
  given_name: 'Given name',
  family_name: 'Family name',
  birth_date: 'Birth date',
  sex_at_birth: 'Sex at birth',
  gender_identity: 'Gender identity',
  pronouns: 'Pronouns',
  race: 'Race',
  ethnicity: 'Ethnicity',
  preferred_language: 'Preferred language',
  phone: 'Phone',
  email: 'Email',
  'address.line1': 'Address line 1',
  'address.line2': 'Address line 2',
  'address.city': 'City',
  'address.region': 'State or region',
  'address.postal_code': 'Postal code',
  'address.country': 'Country',
  'emergency_contact.name': 'Emergency contact name',
  'emergency_contact.relationship': 'Emergency contact relationship',
  'emergency_contact.phone': 'Emergency contact phone',
  'escort_contact.name': 'Escort name',
  'escort_contact.phone': 'Escort phone',
  'referral.referrer_name': 'Referrer name',
  'referral.referrer_contact': 'Referrer contact',
  'referral.reason': 'Reason for referral',
  'referral.notes': 'Referral notes',
  'referral.referral_date': 'Referral date',
  status: 'Status',
  status_reason: 'Reason for status change',
  diagnoses: 'Diagnoses',
};

function fieldId(key: string): string {
  return `f-${key.replace(/[^a-zA-Z0-9_]+/g, '-')}`;
}

/** Where a server error about `key` is shown: race items on the race group, unknown keys in the summary only. */
function displayKey(key: string, diagnosesCount: number): string | null {
  if (key in FIELD_LABELS && key !== 'diagnoses') return key;
  if (key.startsWith('race')) return 'race';
  const dx = /^diagnoses\.(\d+)(?:\.(code|text))?$/.exec(key);
  if (dx && Number(dx[1]) < diagnosesCount) return `diagnoses.${dx[1]}.${dx[2] ?? 'code'}`;
  if (key.startsWith('diagnoses')) return 'diagnoses';
  for (const group of ['address', 'emergency_contact', 'escort_contact', 'referral']) {
    if (key === group) return null;
  }
  return null;
}

function fieldLabel(key: string): string {
  const dx = /^diagnoses\.(\d+)\.(code|text)$/.exec(key);
  if (dx) return `Diagnosis ${Number(dx[1]) + 1} ${dx[2] === 'code' ? 'code' : 'description'}`;
  return FIELD_LABELS[key] ?? key.replace(/[._]/g, ' ');
}

/** The server's reasons read as predicates ("is not a real calendar date"): name the field first. */
function fieldMessage(key: string, reason: string): string {
  const r = reason.trim();
  if (!r) return `${fieldLabel(key)} is not valid`;
  if (/^[a-z]/.test(r)) return `${fieldLabel(key)} ${r}`;
  return r;
}

function FieldShell({
  k,
  hint,
  required,
  error,
  children,
}: {
  k: string;
  hint?: string;
  required?: boolean;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={fieldId(k)}>
        {fieldLabel(k)}
        {required && <span className="required"> (required)</span>}
      </label>
      {hint && (
        <p className="hint" id={`${fieldId(k)}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${fieldId(k)}-error`} data-field={k}>
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      {children}
    </div>
  );
}

type Conflict = { kind: 'conflict' };

export function PatientFormPage({ id }: { id?: number }) {
  const editing = id !== undefined;
  const [original, setOriginal] = useState<Patient | null>(null);
  const [baseline, setBaseline] = useState<FormState>(emptyForm);
  const [form, setForm] = useState<FormState>(emptyForm);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | Conflict | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  const name = original ? `${original.given_name} ${original.family_name}` : '';
  usePageTitle(editing ? (original ? `Edit ${name}` : 'Edit patient') : 'New patient');

  const load = useCallback(
    async (signal?: AbortSignal) => {
      if (id === undefined) return;
      try {
        const p = await get<Patient>(`/patients/${id}`, { signal });
        const f = formFromPatient(p);
        setOriginal(p);
        setBaseline(f);
        setForm(f);
        setErrors({});
        setProblem(null);
        setLoadError(null);
      } catch (err) {
        if (!signal?.aborted) setLoadError(err);
      }
    },
    [id],
  );

  useEffect(() => {
    const ctrl = new AbortController();
    void load(ctrl.signal);
    return () => ctrl.abort();
  }, [load]);

  const hasErrors = Object.keys(errors).length > 0 || (problem !== null && typeof problem === 'string');
  useEffect(() => {
    if (hasErrors) summaryRef.current?.focus();
  }, [hasErrors, errors, problem]);

  function setValue(key: string, value: string) {
    setForm((f) => ({ ...f, values: { ...f.values, [key]: value } }));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    const missing = requiredErrors(form);
    if (Object.keys(missing).length > 0) {
      setProblem(null);
      setErrors(missing);
      return;
    }
    setSaving(true);
    setErrors({});
    setProblem(null);
    try {
      if (editing && original) {
        const changes = patchBody(baseline, form);
        if (Object.keys(changes).length === 0) {
          setNotice('Nothing has changed, so there is nothing to save.');
          return;
        }
        const saved = await patch<Patient>(`/patients/${original.id}`, { ...changes, version: original.version });
        navigate(`/patients/${saved?.id ?? original.id}`, { state: { flash: 'Changes saved.' } });
      } else {
        const saved = await post<Patient>('/patients', createBody(form));
        navigate(`/patients/${saved.id}`, { state: { flash: 'Patient created.' } });
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && editing) {
        setProblem({ kind: 'conflict' });
      } else if (err instanceof ApiError && (err.status === 422 || err.status === 400)) {
        const raw = err.fieldErrors();
        const shown: Record<string, string> = {};
        const unplaced: string[] = [];
        for (const [k, reason] of Object.entries(raw)) {
          const dk = displayKey(k, form.diagnoses.length);
          if (dk) {
            const msg = fieldMessage(dk, reason);
            shown[dk] = shown[dk] ? `${shown[dk]}; ${msg}` : msg;
          }
          else unplaced.push(`${k}: ${reason}`);
        }
        setErrors(shown);
        if (unplaced.length > 0 || Object.keys(shown).length === 0) {
          setProblem(unplaced.length > 0 ? unplaced.join('; ') : err.message);
        }
      } else {
        setProblem(errorMessage(err));
      }
    } finally {
      setSaving(false);
    }
  }

  function reloadLatest() {
    setNotice(null);
    void load().then(() => setNotice('The latest version is loaded. Make your changes again and save.'));
  }

  if (editing && loadError instanceof ApiError && (loadError.status === 404 || loadError.status === 403)) {
    return (
      <NotAvailable title="Patient not found">
        <p>This patient record does not exist, or you are not permitted to see it.</p>
        <p>
          <Link to="/patients">Back to patients</Link>
        </p>
      </NotAvailable>
    );
  }
  if (editing && !original) {
    return (
      <>
        <h1>Edit patient</h1>
        {loadError != null ? <ErrorAlert>{errorMessage(loadError)}</ErrorAlert> : <Loading what="Loading record" />}
      </>
    );
  }

  // Helpers that keep label, hint, error and aria wiring in one place for every control.
  function describedBy(key: string, hint?: string): string | undefined {
    const ids = [hint ? `${fieldId(key)}-hint` : '', errors[key] ? `${fieldId(key)}-error` : ''].filter(Boolean);
    return ids.length ? ids.join(' ') : undefined;
  }

  function text(
    k: string,
    opts: {
      hint?: string;
      required?: boolean;
      type?: string;
      autoComplete?: string;
      inputMode?: 'text' | 'numeric' | 'tel' | 'email';
      multiline?: boolean;
      maxLength?: number;
      placeholder?: string;
    } = {},
  ) {
    const common = {
      id: fieldId(k),
      name: k,
      value: form.values[k] ?? '',
      'aria-invalid': errors[k] ? true : undefined,
      'aria-describedby': describedBy(k, opts.hint),
      'aria-required': opts.required ? true : undefined,
    };
    return (
      <FieldShell k={k} hint={opts.hint} required={opts.required} error={errors[k]}>
        {opts.multiline ? (
          <textarea {...common} rows={3} maxLength={opts.maxLength ?? 4000} onChange={(e) => setValue(k, e.target.value)} />
        ) : (
          <input
            {...common}
            type={opts.type ?? 'text'}
            autoComplete={opts.autoComplete ?? 'off'}
            inputMode={opts.inputMode}
            maxLength={opts.maxLength ?? 200}
            placeholder={opts.placeholder}
            onChange={(e) => setValue(k, e.target.value)}
          />
        )}
      </FieldShell>
    );
  }

  function select(k: string, options: [string, string][], opts: { required?: boolean; emptyLabel?: string; hint?: string } = {}) {
    return (
      <FieldShell k={k} required={opts.required} hint={opts.hint} error={errors[k]}>
        <select
          id={fieldId(k)}
          name={k}
          value={form.values[k] ?? ''}
          aria-invalid={errors[k] ? true : undefined}
          aria-describedby={describedBy(k, opts.hint)}
          aria-required={opts.required ? true : undefined}
          onChange={(e) => setValue(k, e.target.value)}
        >
          <option value="">{opts.emptyLabel ?? 'Choose…'}</option>
          {options.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </FieldShell>
    );
  }

  const errorList = Object.entries(errors);
  const statusChanged = editing && form.status !== baseline.status;

  return (
    <>
      <h1>{editing ? `Edit ${name}` : 'New patient'}</h1>
      {editing && original && (
        <p className="muted">
          MRN <span className="mono">{original.mrn}</span> · version {original.version}
        </p>
      )}

      {problem !== null && typeof problem === 'object' && (
        <ErrorAlert>
          <h2 className="alert-title">Someone else changed this record</h2>
          <p>
            This patient was updated by someone else after you opened the form, so your changes were not saved. Reload
            the latest version, check it, and make your changes again.
          </p>
          <button type="button" className="button primary" onClick={reloadLatest}>
            Reload the latest version
          </button>
        </ErrorAlert>
      )}

      {(errorList.length > 0 || typeof problem === 'string') && (
        <div className="alert alert-error error-summary" role="alert" tabIndex={-1} ref={summaryRef} aria-labelledby="error-summary-title">
          <h2 className="alert-title" id="error-summary-title">
            {errorList.length > 0 ? 'Please correct the highlighted fields' : 'The record was not saved'}
          </h2>
          <ul>
            {errorList.map(([k, msg]) => (
              <li key={k}>
                <a
                  href={`#${fieldId(k)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    document.getElementById(fieldId(k))?.focus();
                  }}
                >
                  {msg}
                </a>
              </li>
            ))}
            {typeof problem === 'string' && <li>{problem}</li>}
          </ul>
        </div>
      )}
      {notice && (
        <div className="alert alert-info" role="status">
          {notice}
        </div>
      )}

      <form className="patient-form" onSubmit={submit} noValidate aria-label={editing ? 'Edit patient' : 'New patient'}>
        <fieldset className="panel">
          <legend>Identity</legend>
          <div className="grid-2">
            {text('given_name', { required: true, autoComplete: 'off' })}
            {text('family_name', { required: true, autoComplete: 'off' })}
            {text('birth_date', { required: true, hint: 'Format YYYY-MM-DD, e.g. 1988-04-02', inputMode: 'numeric', maxLength: 10 })}
            {select('sex_at_birth', SEXES.map((s) => [s, SEX_LABELS[s]]), { required: true })}
            {text('gender_identity')}
            {text('pronouns', { hint: 'e.g. she/her, he/him, they/them' })}
          </div>
          <fieldset className={`checkbox-group${errors.race ? ' has-error' : ''}`} aria-describedby={errors.race ? `${fieldId('race')}-error` : undefined}>
            <legend>Race (choose all that apply)</legend>
            {errors.race && (
              <p className="field-error" id={`${fieldId('race')}-error`} data-field="race">
                <span className="visually-hidden">Error: </span>
                {errors.race}
              </p>
            )}
            <div className="checkbox-grid">
              {RACES.map((r) => (
                <div className="checkbox-field" key={r}>
                  <input
                    type="checkbox"
                    id={`f-race-${r}`}
                    checked={form.race.includes(r)}
                    onChange={(e) =>
                      setForm((f) => ({
                        ...f,
                        race: e.target.checked ? [...f.race, r] : f.race.filter((x) => x !== r),
                      }))
                    }
                  />
                  <label htmlFor={`f-race-${r}`}>{RACE_LABELS[r]}</label>
                </div>
              ))}
            </div>
          </fieldset>
          <div className="grid-2">
            {select('ethnicity', ETHNICITIES.map((s) => [s, ETHNICITY_LABELS[s]]), { emptyLabel: 'Not recorded' })}
            {text('preferred_language', { hint: 'Language code or name, e.g. en, pt, es' })}
          </div>
        </fieldset>

        <fieldset className="panel">
          <legend>Contact</legend>
          <div className="grid-2">
            {text('phone', { type: 'tel', inputMode: 'tel' })}
            {text('email', { type: 'email', inputMode: 'email' })}
            {text('address.line1')}
            {text('address.line2')}
            {text('address.city')}
            {text('address.region')}
            {text('address.postal_code')}
            {text('address.country')}
          </div>
        </fieldset>

        <fieldset className="panel">
          <legend>Emergency contact and escort</legend>
          <div className="grid-2">
            {text('emergency_contact.name')}
            {text('emergency_contact.relationship')}
            {text('emergency_contact.phone', { type: 'tel', inputMode: 'tel' })}
          </div>
          <div className="grid-2">
            {text('escort_contact.name', { hint: 'Who takes the patient home after dosing sessions' })}
            {text('escort_contact.phone', { type: 'tel', inputMode: 'tel' })}
          </div>
        </fieldset>

        <fieldset className="panel">
          <legend>Status</legend>
          <div className="grid-2">
            <FieldShell k="status" error={errors.status}>
              <select
                id={fieldId('status')}
                name="status"
                value={form.status}
                aria-invalid={errors.status ? true : undefined}
                aria-describedby={describedBy('status')}
                onChange={(e) => setForm((f) => ({ ...f, status: e.target.value as PatientStatus }))}
              >
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </FieldShell>
            {statusChanged && (
              <FieldShell k="status_reason" hint="Recorded in the status history" error={errors.status_reason}>
                <textarea
                  id={fieldId('status_reason')}
                  name="status_reason"
                  rows={2}
                  maxLength={4000}
                  value={form.status_reason}
                  aria-invalid={errors.status_reason ? true : undefined}
                  aria-describedby={describedBy('status_reason', 'Recorded in the status history')}
                  onChange={(e) => setForm((f) => ({ ...f, status_reason: e.target.value }))}
                />
              </FieldShell>
            )}
          </div>
        </fieldset>

        <fieldset className="panel">
          <legend>Diagnoses</legend>
          {errors.diagnoses && (
            <p className="field-error" data-field="diagnoses">
              <span className="visually-hidden">Error: </span>
              {errors.diagnoses}
            </p>
          )}
          {form.diagnoses.length === 0 && <p className="muted">No diagnoses recorded.</p>}
          {form.diagnoses.map((d, i) => (
            <div className="diagnosis-row" key={i}>
              <div className="grid-dx">
                <FieldShell k={`diagnoses.${i}.code`} hint={i === 0 ? 'ICD-10, e.g. F33.2' : undefined} error={errors[`diagnoses.${i}.code`]}>
                  <input
                    id={fieldId(`diagnoses.${i}.code`)}
                    value={d.code}
                    maxLength={200}
                    autoComplete="off"
                    aria-invalid={errors[`diagnoses.${i}.code`] ? true : undefined}
                    aria-describedby={describedBy(`diagnoses.${i}.code`, i === 0 ? 'hint' : undefined)}
                    onChange={(e) =>
                      setForm((f) => ({
                        ...f,
                        diagnoses: f.diagnoses.map((x, j) => (j === i ? { ...x, code: e.target.value } : x)),
                      }))
                    }
                  />
                </FieldShell>
                <FieldShell k={`diagnoses.${i}.text`} error={errors[`diagnoses.${i}.text`]}>
                  <input
                    id={fieldId(`diagnoses.${i}.text`)}
                    value={d.text}
                    maxLength={200}
                    autoComplete="off"
                    aria-invalid={errors[`diagnoses.${i}.text`] ? true : undefined}
                    aria-describedby={describedBy(`diagnoses.${i}.text`)}
                    onChange={(e) =>
                      setForm((f) => ({
                        ...f,
                        diagnoses: f.diagnoses.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)),
                      }))
                    }
                  />
                </FieldShell>
                <div className="field actions-field">
                  <button
                    type="button"
                    className="button secondary danger"
                    onClick={() => setForm((f) => ({ ...f, diagnoses: f.diagnoses.filter((_, j) => j !== i) }))}
                    aria-label={`Remove diagnosis ${i + 1}`}
                  >
                    Remove
                  </button>
                </div>
              </div>
            </div>
          ))}
          <button
            type="button"
            className="button secondary"
            onClick={() => setForm((f) => ({ ...f, diagnoses: [...f.diagnoses, { code: '', text: '' }] }))}
          >
            Add diagnosis
          </button>
        </fieldset>

        <fieldset className="panel">
          <legend>Referral</legend>
          <div className="grid-2">
            {text('referral.referrer_name')}
            {text('referral.referrer_contact')}
            {text('referral.referral_date', { hint: 'Format YYYY-MM-DD', inputMode: 'numeric', maxLength: 10 })}
            {text('referral.reason')}
          </div>
          {text('referral.notes', { multiline: true })}
        </fieldset>

        <div className="form-actions">
          <button type="submit" className="button primary" disabled={saving}>
            {saving ? 'Saving…' : editing ? 'Save changes' : 'Create patient'}
          </button>
          <Link to={editing && original ? `/patients/${original.id}` : '/patients'} className="button secondary">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
