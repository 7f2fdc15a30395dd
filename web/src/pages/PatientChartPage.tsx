import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, del, get, post, query } from '../api';
import { useAuth } from '../auth';
import {
  ErrorAlert,
  Flash,
  Loading,
  NotAvailable,
  StatusBadge,
  ageFrom,
  errorMessage,
  formatDate,
  formatDateTime,
} from '../components';
import {
  CAPACITIES,
  CAPACITY_LABELS,
  ETHNICITY_LABELS,
  RACE_LABELS,
  ROLE_LABELS,
  SEX_LABELS,
  isStaff,
  label,
} from '../labels';
import { Link, usePageTitle } from '../router';
import type { Capacity, CareTeamMember, Patient, UserSummary } from '../types';

function Item({ term, children }: { term: string; children: ReactNode }) {
  const empty = children === null || children === undefined || children === '' || children === false;
  return (
    <div className="dl-row">
      <dt>{term}</dt>
      <dd>{empty ? <span className="muted">Not recorded</span> : children}</dd>
    </div>
  );
}

function joinNonEmpty(parts: (string | null | undefined)[], sep = ', '): string {
  return parts.filter((p) => p && p.trim()).join(sep);
}

function PatientNotFound() {
  usePageTitle('Patient not found');
  return (
    <NotAvailable title="Patient not found">
      <p>
        This patient record does not exist, or you are not permitted to see it. Staff see only the patients whose care
        team they are on.
      </p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </NotAvailable>
  );
}

export function PatientChartPage({ id, forbidden = false }: { id: number; forbidden?: boolean }) {
  const { user } = useAuth();
  const [patient, setPatient] = useState<Patient | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      get<Patient>(`/patients/${id}`, { signal })
        .then((p) => {
          setPatient(p);
          setError(null);
        })
        .catch((err) => {
          if (!signal?.aborted) setError(err);
        }),
    [id],
  );

  useEffect(() => {
    if (forbidden) return undefined;
    const ctrl = new AbortController();
    void load(ctrl.signal);
    return () => ctrl.abort();
  }, [load, forbidden]);

  const fullName = patient ? `${patient.given_name} ${patient.family_name}` : '';
  usePageTitle(patient ? `${fullName} — chart` : 'Patient chart');

  if (forbidden || (error instanceof ApiError && (error.status === 404 || error.status === 403))) {
    return <PatientNotFound />;
  }
  if (error != null && !patient) {
    return (
      <>
        <h1>Patient chart</h1>
        <ErrorAlert>{errorMessage(error)}</ErrorAlert>
      </>
    );
  }
  if (!patient) {
    return (
      <>
        <h1>Patient chart</h1>
        <Loading what="Loading chart" />
      </>
    );
  }

  const p = patient;
  const age = ageFrom(p.birth_date);
  const staff = isStaff(user?.role);
  const canManageTeam = user?.role === 'admin' || user?.role === 'prescriber';
  const address = p.address ?? {};
  const addressText = joinNonEmpty([
    address.line1,
    address.line2,
    address.city,
    joinNonEmpty([address.region, address.postal_code], ' '),
    address.country,
  ]);
  const ec = p.emergency_contact ?? {};
  const esc = p.escort_contact ?? {};
  const ref = p.referral ?? {};
  // Newest first; the server lists changes oldest first, and equal timestamps keep that order reversed.
  const history = [...(p.status_history ?? [])]
    .reverse()
    .sort((a, b) => (a.changed_at < b.changed_at ? 1 : a.changed_at > b.changed_at ? -1 : 0));

  return (
    <>
      <div className="page-head chart-head">
        <div>
          <h1>{fullName}</h1>
          <p className="chart-meta">
            <span>
              MRN <span className="mono">{p.mrn}</span>
            </span>
            <span>
              Born {formatDate(p.birth_date)}
              {age != null && ` (${age} years)`}
            </span>
            <StatusBadge status={p.status} />
            {p.archived && <span className="badge archived">Archived</span>}
          </p>
        </div>
        {staff && (
          <div className="head-actions">
            <Link to={`/patients/${p.id}/edit`} className="button primary">
              Edit patient
            </Link>
            {user?.role === 'admin' && (
              <Link to={`/audit${query({ patient: p.id })}`} className="button secondary">
                Audit trail
              </Link>
            )}
          </div>
        )}
      </div>
      <Flash />
      {error != null && <ErrorAlert>{errorMessage(error)}</ErrorAlert>}

      <div className="chart-grid">
        <section className="panel" aria-labelledby="demographics-title">
          <h2 id="demographics-title">Demographics</h2>
          <dl className="dl">
            <Item term="Given name">{p.given_name}</Item>
            <Item term="Family name">{p.family_name}</Item>
            <Item term="Birth date">{formatDate(p.birth_date)}</Item>
            <Item term="Sex at birth">{label(SEX_LABELS, p.sex_at_birth)}</Item>
            <Item term="Gender identity">{p.gender_identity}</Item>
            <Item term="Pronouns">{p.pronouns}</Item>
            <Item term="Race">{(p.race ?? []).map((r) => label(RACE_LABELS, r)).join(', ')}</Item>
            <Item term="Ethnicity">{label(ETHNICITY_LABELS, p.ethnicity)}</Item>
            <Item term="Preferred language">{p.preferred_language}</Item>
          </dl>
        </section>

        <section className="panel" aria-labelledby="contact-title">
          <h2 id="contact-title">Contact</h2>
          <dl className="dl">
            <Item term="Phone">{p.phone}</Item>
            <Item term="Email">{p.email}</Item>
            <Item term="Address">{addressText}</Item>
            <Item term="Emergency contact">
              {joinNonEmpty([ec.name, ec.relationship && `(${ec.relationship})`, ec.phone], ' ')}
            </Item>
            <Item term="Escort home">{joinNonEmpty([esc.name, esc.phone], ' ')}</Item>
          </dl>
        </section>

        <section className="panel" aria-labelledby="status-title">
          <h2 id="status-title">Status</h2>
          <p>
            Current status: <StatusBadge status={p.status} />
          </p>
          <h3>Status history</h3>
          {history.length === 0 ? (
            <p className="muted">No status changes recorded.</p>
          ) : (
            <ol className="timeline">
              {history.map((h, i) => (
                <li key={`${h.changed_at}-${i}`}>
                  <StatusBadge status={h.status} />{' '}
                  <span className="muted">
                    {formatDateTime(h.changed_at)}
                    {h.changed_by && ` by ${h.changed_by}`}
                  </span>
                  {h.reason && <p className="reason">{h.reason}</p>}
                </li>
              ))}
            </ol>
          )}
        </section>

        <section className="panel" aria-labelledby="diagnoses-title">
          <h2 id="diagnoses-title">Diagnoses</h2>
          {(p.diagnoses ?? []).length === 0 ? (
            <p className="muted">No diagnoses recorded.</p>
          ) : (
            <ul className="plain-list">
              {(p.diagnoses ?? []).map((d, i) => (
                <li key={`${d.code}-${i}`}>
                  {d.code && <span className="mono code-chip">{d.code}</span>} {d.text}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="panel" aria-labelledby="referral-title">
          <h2 id="referral-title">Referral</h2>
          <dl className="dl">
            <Item term="Referred by">{ref.referrer_name}</Item>
            <Item term="Referrer contact">{ref.referrer_contact}</Item>
            <Item term="Referral date">{formatDate(ref.referral_date ?? '')}</Item>
            <Item term="Reason">{ref.reason}</Item>
            <Item term="Notes">{ref.notes && <span className="pre-line">{ref.notes}</span>}</Item>
          </dl>
        </section>

        <CareTeamSection patient={p} canManage={canManageTeam} onChanged={() => void load()} />
        {staff && !p.archived && <ArchiveSection patient={p} onArchived={() => void load()} />}
      </div>
    </>
  );
}

function CareTeamSection({
  patient,
  canManage,
  onChanged,
}: {
  patient: Patient;
  canManage: boolean;
  onChanged: () => void;
}) {
  const team = patient.care_team ?? [];
  const [staff, setStaff] = useState<UserSummary[] | null>(null);
  const [userId, setUserId] = useState('');
  const [capacity, setCapacity] = useState<Capacity | ''>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    if (!canManage) return undefined;
    const ctrl = new AbortController();
    get<{ items: UserSummary[] }>('/users', { signal: ctrl.signal })
      .then((r) => setStaff(r.items))
      .catch((err) => {
        if (!ctrl.signal.aborted) setError(`Could not load the staff list: ${errorMessage(err)}`);
      });
    return () => ctrl.abort();
  }, [canManage]);

  const candidates = (staff ?? []).filter(
    (u) =>
      !u.disabled &&
      (u.role === 'prescriber' || u.role === 'nurse' || u.role === 'therapist') &&
      !team.some((m) => m.user_id === u.id),
  );

  function pickUser(value: string) {
    setUserId(value);
    const u = candidates.find((c) => String(c.id) === value);
    if (u && (u.role === 'prescriber' || u.role === 'nurse' || u.role === 'therapist')) setCapacity(u.role);
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!userId || !capacity) {
      setError('Choose a staff member and the capacity they join in.');
      return;
    }
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await post(`/patients/${patient.id}/care-team`, { user_id: Number(userId), capacity });
      const u = candidates.find((c) => String(c.id) === userId);
      setMessage(`${u?.display_name ?? 'Staff member'} added to the care team.`);
      setUserId('');
      setCapacity('');
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(m: CareTeamMember) {
    if (!window.confirm(`Remove ${m.display_name || m.username} from the care team?`)) return;
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await del(`/patients/${patient.id}/care-team/${m.user_id}`);
      setMessage(`${m.display_name || m.username} removed from the care team.`);
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel wide" aria-labelledby="care-team-title">
      <h2 id="care-team-title">Care team</h2>
      <div aria-live="polite">{message && <div className="alert alert-success">{message}</div>}</div>
      {error && <ErrorAlert>{error}</ErrorAlert>}
      {team.length === 0 ? (
        <p className="muted">No one is on the care team yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Care team members</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Capacity</th>
                <th scope="col">Role</th>
                {canManage && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {team.map((m) => (
                <tr key={m.user_id}>
                  <td data-label="Name">
                    {m.display_name || m.username} <span className="muted">({m.username})</span>
                  </td>
                  <td data-label="Capacity">{label(CAPACITY_LABELS, m.capacity)}</td>
                  <td data-label="Role">{label(ROLE_LABELS, m.role)}</td>
                  {canManage && (
                    <td className="actions-cell">
                      <button
                        type="button"
                        className="button secondary danger"
                        disabled={busy}
                        onClick={() => void remove(m)}
                        aria-label={`Remove ${m.display_name || m.username} from the care team`}
                      >
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {canManage && (
        <form className="inline-form" onSubmit={add} aria-labelledby="add-member-title">
          <h3 id="add-member-title">Add a care-team member</h3>
          <div className="form-row">
            <div className="field grow">
              <label htmlFor="ct-user">Staff member</label>
              <select id="ct-user" value={userId} onChange={(e) => pickUser(e.target.value)} disabled={!staff}>
                <option value="">{staff ? 'Choose…' : 'Loading staff…'}</option>
                {candidates.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.display_name || u.username} — {label(ROLE_LABELS, u.role)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="ct-capacity">Capacity</label>
              <select id="ct-capacity" value={capacity} onChange={(e) => setCapacity(e.target.value as Capacity | '')}>
                <option value="">Choose…</option>
                {CAPACITIES.map((c) => (
                  <option key={c} value={c}>
                    {CAPACITY_LABELS[c]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field actions-field">
              <button type="submit" className="button primary" disabled={busy}>
                Add to care team
              </button>
            </div>
          </div>
        </form>
      )}
    </section>
  );
}

/** Archiving hides a record from default lists; nothing is ever deleted. */
function ArchiveSection({ patient, onArchived }: { patient: Patient; onArchived: () => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function archive(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) {
      setError('Give a reason for archiving this record.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await post(`/patients/${patient.id}/archive`, { version: patient.version, reason: reason.trim() });
      onArchived();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 409
          ? 'Someone else changed this record. Reload the page and try again.'
          : errorMessage(err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel wide" aria-labelledby="archive-title">
      <h2 id="archive-title">Archive</h2>
      <details>
        <summary>Archive this record…</summary>
        <p>
          An archived record is hidden from the patient list unless “Include archived” is chosen. Nothing is deleted,
          and every change stays in the audit log.
        </p>
        {error && <ErrorAlert>{error}</ErrorAlert>}
        <form onSubmit={archive} noValidate>
          <div className="field">
            <label htmlFor="archive-reason">Reason for archiving</label>
            <textarea
              id="archive-reason"
              rows={2}
              maxLength={4000}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <button type="submit" className="button secondary danger" disabled={busy}>
            Archive record
          </button>
        </form>
      </details>
    </section>
  );
}
