import { useEffect, useState, type FormEvent } from 'react';
import { get, query } from '../api';
import { useAuth } from '../auth';
import { ErrorAlert, Flash, Loading, StatusBadge, ageFrom, errorMessage, formatDate } from '../components';
import { SEX_LABELS, STATUSES, STATUS_LABELS, isStaff, label } from '../labels';
import { Link, navigate, useLocation, usePageTitle } from '../router';
import type { Page, PatientSummary } from '../types';

const PAGE_SIZE = 25;

export function PatientListPage() {
  usePageTitle('Patients');
  const { user } = useAuth();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const status = search.get('status') ?? '';
  const archived = search.get('archived') === '1';
  const offset = Math.max(0, Number(search.get('offset') ?? '0') || 0);

  const [draftQ, setDraftQ] = useState(q);
  const [data, setData] = useState<Page<PatientSummary> | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => setDraftQ(q), [q]);

  useEffect(() => {
    const ctrl = new AbortController();
    setError(null);
    get<Page<PatientSummary>>(
      `/patients${query({ q, status, include_archived: archived ? 'true' : '', limit: PAGE_SIZE, offset })}`,
      { signal: ctrl.signal },
    )
      .then(setData)
      .catch((err) => {
        if (!ctrl.signal.aborted) setError(err);
      });
    return () => ctrl.abort();
  }, [q, status, archived, offset]);

  function go(next: { q?: string; status?: string; archived?: boolean; offset?: number }) {
    const params = {
      q: next.q ?? q,
      status: next.status ?? status,
      archived: (next.archived ?? archived) ? '1' : '',
      offset: next.offset ?? 0,
    };
    navigate(`/patients${query(params)}`);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    go({ q: draftQ.trim() });
  }

  const items = data?.items ?? [];
  const filtered = q !== '' || status !== '';

  return (
    <>
      <div className="page-head">
        <h1>Patients</h1>
        {isStaff(user?.role) && (
          <Link to="/patients/new" className="button primary">
            New patient
          </Link>
        )}
      </div>
      <Flash />

      <form className="panel filters" role="search" aria-label="Find patients" onSubmit={submit}>
        <div className="field grow">
          <label htmlFor="patient-q">Name or MRN</label>
          <input
            id="patient-q"
            type="search"
            name="q"
            value={draftQ}
            onChange={(e) => setDraftQ(e.target.value)}
            aria-describedby="patient-q-hint"
            autoComplete="off"
            spellCheck={false}
          />
          <p className="hint" id="patient-q-hint">
            Start of the given or family name, or an MRN such as OK-000012-5
          </p>
        </div>
        <div className="field">
          <label htmlFor="patient-status">Status</label>
          <select id="patient-status" name="status" value={status} onChange={(e) => go({ status: e.target.value })}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field checkbox-field">
          <input
            id="patient-archived"
            type="checkbox"
            checked={archived}
            onChange={(e) => go({ archived: e.target.checked })}
          />
          <label htmlFor="patient-archived">Include archived</label>
        </div>
        <div className="field actions-field">
          <button type="submit" className="button primary">
            Search
          </button>
          {filtered && (
            <button type="button" className="button secondary" onClick={() => navigate('/patients')}>
              Clear
            </button>
          )}
        </div>
      </form>

      {error != null && <ErrorAlert>{errorMessage(error)}</ErrorAlert>}
      {!data && error == null && <Loading what="Loading patients" />}

      {data && (
        <section aria-labelledby="results-title">
          <h2 id="results-title" className="visually-hidden">
            Results
          </h2>
          <p className="result-count" role="status">
            {items.length === 0
              ? filtered
                ? 'No patients match this search.'
                : 'No patients to show.'
              : `Showing ${offset + 1}–${offset + items.length}${data.has_more ? '' : ` of ${offset + items.length}`}`}
          </p>
          {items.length > 0 && (
            <div className="table-wrap">
              <table className="data-table patients-table">
                <caption className="visually-hidden">Patients</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">MRN</th>
                    <th scope="col">Birth date</th>
                    <th scope="col">Sex at birth</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((p) => {
                    const age = ageFrom(p.birth_date);
                    return (
                      <tr key={p.id}>
                        <td data-label="Name">
                          <Link to={`/patients/${p.id}`} className="row-link">
                            {p.family_name}, {p.given_name}
                          </Link>
                          {p.archived && <span className="badge archived">Archived</span>}
                        </td>
                        <td data-label="MRN" className="mono">
                          {p.mrn}
                        </td>
                        <td data-label="Birth date">
                          {formatDate(p.birth_date)}
                          {age != null && <span className="muted"> ({age} y)</span>}
                        </td>
                        <td data-label="Sex at birth">{label(SEX_LABELS, p.sex_at_birth)}</td>
                        <td data-label="Status">
                          <StatusBadge status={p.status} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {(offset > 0 || data.has_more) && (
            <nav className="pager" aria-label="Pages of results">
              <button
                type="button"
                className="button secondary"
                disabled={offset === 0}
                onClick={() => go({ offset: Math.max(0, offset - PAGE_SIZE) })}
              >
                Previous page
              </button>
              <span className="muted">Page {Math.floor(offset / PAGE_SIZE) + 1}</span>
              <button
                type="button"
                className="button secondary"
                disabled={!data.has_more}
                onClick={() => go({ offset: offset + PAGE_SIZE })}
              >
                Next page
              </button>
            </nav>
          )}
        </section>
      )}
    </>
  );
}
