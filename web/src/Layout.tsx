import { useEffect, useRef, useState, type ReactNode } from 'react';
import { get } from './api';
import { homePath, useAuth } from './auth';
import { ROLE_LABELS } from './labels';
import { Link, useLocation } from './router';

function NavLink({ to, children, match }: { to: string; children: ReactNode; match: (p: string) => boolean }) {
  const { path } = useLocation();
  const current = match(path);
  return (
    <Link to={to} aria-current={current ? 'page' : undefined} className={current ? 'active' : undefined}>
      {children}
    </Link>
  );
}

// Whether the server runs the synthetic demo clinic (GET /api/v1/clinic, no sign-in needed).
function useDemoClinic(): boolean {
  const [demo, setDemo] = useState(false);
  useEffect(() => {
    let live = true;
    get<{ demo: boolean }>('/clinic')
      .then((c) => live && setDemo(Boolean(c.demo)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return demo;
}

export function Layout({ children }: { children: ReactNode }) {
  const { user, logout } = useAuth();
  const { path } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  const demo = useDemoClinic();

  // After client-side navigation, start reading (and tabbing) from the new page's content.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    mainRef.current?.focus({ preventScroll: true });
  }, [path]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <div className="header-inner">
          <Link to={user ? homePath(user) : '/login'} className="brand">
            <span className="brand-mark" aria-hidden="true" />
            OpenKAP
          </Link>
          {user && (
            <nav aria-label="Main" className="main-nav">
              <ul>
                {user.role === 'patient' && user.patient_id != null && (
                  <li>
                    <NavLink to={`/patients/${user.patient_id}`} match={(p) => p.startsWith('/patients')}>
                      My chart
                    </NavLink>
                  </li>
                )}
                {user.role !== 'patient' && user.role !== 'researcher' && (
                  <li>
                    <NavLink to="/patients" match={(p) => p.startsWith('/patients')}>
                      Patients
                    </NavLink>
                  </li>
                )}
                {user.role === 'researcher' && (
                  <li>
                    <NavLink to="/research" match={(p) => p.startsWith('/research')}>
                      Research
                    </NavLink>
                  </li>
                )}
                {user.role === 'admin' && (
                  <li>
                    <NavLink to="/audit" match={(p) => p.startsWith('/audit')}>
                      Audit log
                    </NavLink>
                  </li>
                )}
              </ul>
            </nav>
          )}
          {user && (
            <div className="user-box">
              <p className="who" data-testid="current-user">
                <span className="visually-hidden">Signed in as </span>
                <strong>{user.display_name || user.username}</strong>{' '}
                <span className="role-badge">{ROLE_LABELS[user.role] ?? user.role}</span>
              </p>
              <button type="button" className="button secondary" onClick={() => void logout()}>
                Log out
              </button>
            </div>
          )}
        </div>
      </header>
      {demo && (
        <div className="demo-banner" role="note" data-testid="demo-banner">
          Synthetic demo clinic: every person and record here is fictional.
        </div>
      )}
      <main id="main" ref={mainRef} tabIndex={-1}>
        <div className="container">{children}</div>
      </main>
      <footer className="app-footer">
        <div className="container">OpenKAP — open-source software for ketamine-assisted psychotherapy clinics</div>
      </footer>
    </>
  );
}
