// A small history-API router: the server answers every non-API path with index.html,
// so the app owns paths like /patients/12/edit.
import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const NAVIGATE_EVENT = 'openkap:navigate';

export interface NavState {
  /** A one-shot message shown by the next page ("Changes saved"). */
  flash?: string;
}

export function navigate(to: string, opts: { replace?: boolean; state?: NavState } = {}): void {
  const current = location.pathname + location.search;
  if (to === current && !opts.state) return;
  if (opts.replace) history.replaceState(opts.state ?? null, '', to);
  else history.pushState(opts.state ?? null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('popstate', cb);
  window.addEventListener(NAVIGATE_EVENT, cb);
  return () => {
    window.removeEventListener('popstate', cb);
    window.removeEventListener(NAVIGATE_EVENT, cb);
  };
}

const snapshot = () => location.pathname + location.search;

export interface Loc {
  path: string;
  search: URLSearchParams;
  href: string;
}

export function useLocation(): Loc {
  const href = useSyncExternalStore(subscribe, snapshot);
  const q = href.indexOf('?');
  return {
    path: q < 0 ? href : href.slice(0, q),
    search: new URLSearchParams(q < 0 ? '' : href.slice(q)),
    href,
  };
}

/** The one-shot flash message carried in history state, if any. */
export function peekFlash(): string | null {
  const st = history.state as NavState | null;
  return st && typeof st.flash === 'string' ? st.flash : null;
}

/** Clears the flash so that going back to the page does not show it again. */
export function clearFlash(): void {
  if (peekFlash() !== null) history.replaceState(null, '', location.pathname + location.search);
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  function handle(e: MouseEvent<HTMLAnchorElement>) {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  }
  return <a href={to} onClick={handle} {...rest} />;
}

/** Sets the document title for the page ("Patients — OpenKAP"). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} — OpenKAP` : 'OpenKAP';
  }, [title]);
}
