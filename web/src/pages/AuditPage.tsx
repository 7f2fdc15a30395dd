import { useEffect, useState, type FormEvent } from 'react';
import { get, query } from '../api';
import { ErrorAlert, Loading, errorMessage, formatDateTime } from '../components';
import { AUDIT_ACTION_LABELS, OUTCOME_LABELS, ROLE_LABELS, label } from '../labels';
import { Link, navigate, useLocation, usePageTitle } from '../router';
import type { AuditPage as AuditPageData } from '../types';

const PAGE_SIZE = 50;

// One labelled text filter; the four audit filters differ only in these props.
function FilterField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  valid: boolean;
  placeholder?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        inputMode="numeric"
        placeholder={props.placeholder}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={!props.valid || undefined}
        autoComplete="off"
      />
    </div>
  );
}

function validId(v: string): boolean {
  return v === '' || /^\d+$/.test(v.trim());
}

function validDate(v: string): boolean {
  return v.trim() === '' || /^\d{4}-\d{2}-\d{2}$/.test(v.trim());
}

export function AuditPage() {
  usePageTitle('Audit log');
  const { search } = useLocation();
  const patient = search.get('patient') ?? '';
  const user = search.get('user') ?? '';
  const beforeId = search.get('before_id') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';

  const [draftPatient, setDraftPatient] = useState(patient);
  const [draftUser, setDraftUser] = useState(user);
  const [draftFrom, setDraftFrom] = useState(from);
  const [draftTo, setDraftTo] = useState(to);
  const [formError, setFormError] = useState<string | null>(null);
  const [data, setData] = useState<AuditPageData | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setDraftPatient(patient);
    setDraftUser(user);
    setDraftFrom(from);
    setDraftTo(to);
  }, [patient, user, from, to]);

  useEffect(() => {
    const ctrl = new AbortController();
    setError(null);
    get<AuditPageData>(`/audit${query({ patient, user, from, to, before_id: beforeId, limit: PAGE_SIZE })}`, {
      signal: ctrl.signal,
    })
      .then(setData)
      .catch((err) => {
        if (!ctrl.signal.aborted) setError(err);
      });
    return () => ctrl.abort();
  }, [patient, user, from, to, beforeId]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!validId(draftPatient) || !validId(draftUser)) {
      setFormError('Patient ID and user ID must be whole numbers.');
      return;
    }
    if (!validDate(draftFrom) || !validDate(draftTo)) {
      setFormError('Dates must be written as YYYY-MM-DD.');
      return;
    }
    setFormError(null);
    navigate(
      `/audit${query({ patient: draftPatient.trim(), user: draftUser.trim(), from: draftFrom.trim(), to: draftTo.trim() })}`,
    );
  }

  const items = data?.items ?? [];

  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">Every access to and change of patient data, newest first.</p>

      <form className="panel filters" role="search" aria-label="Filter audit entries" onSubmit={submit} noValidate>
        <FilterField id="audit-patient" label="Patient ID" value={draftPatient} onChange={setDraftPatient} valid={validId(draftPatient)} />
        <FilterField id="audit-user" label="User ID" value={draftUser} onChange={setDraftUser} valid={validId(draftUser)} />
        <FilterField id="audit-from" label="From date" placeholder="YYYY-MM-DD" value={draftFrom} onChange={setDraftFrom} valid={validDate(draftFrom)} />
        <FilterField id="audit-to" label="To date" placeholder="YYYY-MM-DD" value={draftTo} onChange={setDraftTo} valid={validDate(draftTo)} />
        <div className="field actions-field">
          <button type="submit" className="button primary">
            Apply filter
          </button>
          {(patient || user || from || to) && (
            <button type="button" className="button secondary" onClick={() => navigate('/audit')}>
              Clear
            </button>
          )}
        </div>
      </form>
      {formError && <ErrorAlert>{formError}</ErrorAlert>}
      {error != null && <ErrorAlert>{errorMessage(error)}</ErrorAlert>}
      {!data && error == null && <Loading what="Loading audit entries" />}

      {data && (
        <section aria-labelledby="audit-results-title">
          <h2 id="audit-results-title" className="visually-hidden">
            Audit entries
          </h2>
          <p className="result-count" role="status">
            {items.length === 0 ? 'No audit entries match.' : `${items.length} entries${beforeId ? ` older than #${beforeId}` : ''}`}
          </p>
          {items.length > 0 && (
            <div className="table-wrap">
              <table className="data-table audit-table">
                <caption className="visually-hidden">Audit entries, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">User</th>
                    <th scope="col">Action</th>
                    <th scope="col">Resource</th>
                    <th scope="col">Patient</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Request</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((a) => (
                    <tr key={a.id} data-action={a.action}>
                      <td data-label="When">
                        {formatDateTime(a.at)}
                        <div className="muted small">#{a.id}</div>
                      </td>
                      <td data-label="User">
                        {a.username ?? <span className="muted">unknown</span>}
                        {a.user_id != null && <span className="muted small"> (ID {a.user_id})</span>}
                        {a.role && <div className="muted small">{label(ROLE_LABELS, a.role)}</div>}
                      </td>
                      <td data-label="Action">
                        {label(AUDIT_ACTION_LABELS, a.action)}
                        <div>
                          <code className="small">{a.action}</code>
                        </div>
                      </td>
                      <td data-label="Resource">
                        {a.resource_type ? `${a.resource_type}${a.resource_id != null && a.resource_id !== '' ? ` ${a.resource_id}` : ''}` : ''}
                      </td>
                      <td data-label="Patient">
                        {a.patient_id != null ? <Link to={`/patients/${a.patient_id}`}>{a.patient_id}</Link> : ''}
                      </td>
                      <td data-label="Outcome">
                        <span className={`badge outcome-${a.outcome}`}>{label(OUTCOME_LABELS, a.outcome)}</span>
                      </td>
                      <td data-label="Request" className="mono small">
                        {a.request_id}
                        {a.client_addr && <div className="muted">{a.client_addr}</div>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {(beforeId || data.next_before_id != null) && (
            <nav className="pager" aria-label="Pages of audit entries">
              <button
                type="button"
                className="button secondary"
                disabled={!beforeId}
                onClick={() => navigate(`/audit${query({ patient, user, from, to })}`)}
              >
                Newest entries
              </button>
              <button
                type="button"
                className="button secondary"
                disabled={data.next_before_id == null}
                onClick={() => navigate(`/audit${query({ patient, user, from, to, before_id: data.next_before_id })}`)}
              >
                Older entries
              </button>
            </nav>
          )}
        </section>
      )}
    </>
  );
}
