import { useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import { homePath, useAuth } from '../auth';
import { ErrorAlert } from '../components';
import { navigate, useLocation, usePageTitle } from '../router';

/** Only same-app paths may be followed after sign-in (no open redirect). */
function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return null;
  return next;
}

export function LoginPage() {
  usePageTitle('Sign in');
  const { login, sessionEnded } = useAuth();
  const { search } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const user = await login(username.trim(), password);
      const next = safeNext(search.get('next'));
      const allowed = next && (user.role !== 'patient' && user.role !== 'researcher' ? next : null);
      navigate(allowed || homePath(user), { replace: true });
    } catch (err) {
      setPassword('');
      if (err instanceof ApiError) {
        if (err.status === 401) setError('The username or password is not correct.');
        else if (err.status === 429) setError('Too many failed attempts. Wait a moment before trying again.');
        else if (err.status === 423) setError('This account is locked after too many failed attempts. Try again in 15 minutes or contact an administrator.');
        else setError(err.message);
      } else {
        setError('Sign-in failed. Please try again.');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-wrap">
      <section className="panel login-panel" aria-labelledby="login-title">
        <h1 id="login-title">Sign in to OpenKAP</h1>
        {sessionEnded && !error && (
          <div className="alert alert-info" role="status">
            Your session has ended. Please sign in again.
          </div>
        )}
        {error && <ErrorAlert>{error}</ErrorAlert>}
        <form onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor="username">Username</label>
            <input
              id="username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </div>
          <button type="submit" className="button primary block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </section>
    </div>
  );
}
