import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from './api';
import { STATUS_LABELS, label } from './labels';
import { clearFlash, peekFlash } from './router';
import type { PatientStatus } from './types';

export function StatusBadge({ status }: { status: PatientStatus | string }) {
  return <span className={`badge status-${status}`}>{label(STATUS_LABELS, status)}</span>;
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status">
      {what}…
    </p>
  );
}

/** An error box that takes focus when it appears so keyboard and screen-reader users meet it. */
export function ErrorAlert({ children, focus = true }: { children: ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <div className="alert alert-error" role="alert" tabIndex={-1} ref={ref}>
      {children}
    </div>
  );
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

/** Shows the one-shot message a previous page left in history state ("Patient created"). */
export function Flash() {
  const [msg] = useState(peekFlash);
  useEffect(clearFlash, []);
  if (!msg) return null;
  return (
    <div className="alert alert-success" role="status">
      {msg}
    </div>
  );
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}

/** "1988-04-02" -> "2 Apr 1988"; dates are calendar dates, so no time-zone shifting. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(m[3])} ${months[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

export function ageFrom(date: string | null | undefined, today = new Date()): number | null {
  const m = date ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  let age = today.getUTCFullYear() - y;
  const beforeBirthday =
    today.getUTCMonth() + 1 < mo || (today.getUTCMonth() + 1 === mo && today.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age >= 0 && age < 150 ? age : null;
}

export function NotAvailable({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="panel notice" aria-labelledby="notice-title">
      <h1 id="notice-title">{title}</h1>
      {children}
    </section>
  );
}
