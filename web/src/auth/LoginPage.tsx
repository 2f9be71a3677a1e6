import { useState, type FormEvent } from 'react';
import { login } from '../api/session';
import { ApiError } from '../api/errors';
import { Notice, errorMessage } from '../components/ui';

/** The server's own sentence for a refused sign-in (wrong password, deactivated account):
 *  the generic 401 text ("your session has ended") makes no sense on this page. */
function signInError(err: unknown): string {
  if (err instanceof ApiError && err.status === 401 && err.detail) {
    const d = err.detail.trim();
    return d[0].toUpperCase() + d.slice(1) + (/[.!?]$/.test(d) ? '' : '.');
  }
  return errorMessage(err);
}

export function LoginPage({ reason }: { reason: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
    } catch (err) {
      setError(signInError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          <span className="brand">
            <span className="logo" aria-hidden="true" />
            Alert Whisperer
          </span>
        </h1>
        <p className="muted">Sign in to work your incidents.</p>
        {reason && <Notice kind="info">{reason}</Notice>}
        {error && <Notice>{error}</Notice>}
        <label className="field">
          <span className="field-label">Email</span>
          <input
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
