import { useEffect, useRef, useState } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router-dom';
import { logout, logoutEverywhere } from '../api/session';
import { useUser } from '../auth/useSession';
import { can, roleLabel } from '../components/roles';
import { SHORTCUTS, useShortcuts } from '../components/shortcuts';
import { Dialog } from '../components/ui';
import { LiveBanner, useLiveStatus } from '../live/LiveProvider';
import { Bell } from './Bell';
import { AppRoutes } from './routes';
import { applyTheme, effectiveTheme } from './theme';
import type { User } from '../api/types';

interface NavItem {
  to: string;
  label: string;
  show: (u: User) => boolean;
}
export const NAV: NavItem[] = [
  { to: '/', label: 'Queue', show: () => true },
  { to: '/alerts', label: 'Alerts', show: () => true },
  { to: '/companies', label: 'Companies', show: can.administerCompany },
  { to: '/runbooks', label: 'Runbooks', show: can.seeRunbooks },
  { to: '/approvals', label: 'Approvals', show: can.workIncidents },
  { to: '/people', label: 'People', show: can.administerCompany },
  { to: '/on-call', label: 'On call', show: () => true },
  { to: '/chat', label: 'Chat', show: () => true },
  { to: '/numbers', label: 'Numbers', show: () => true },
  { to: '/audit', label: 'Audit log', show: can.seeAudit },
];

export function Layout() {
  const user = useUser();
  const live = useLiveStatus();
  const [menuOpen, setMenuOpen] = useState(false);
  const [help, setHelp] = useState(false);
  const [userMenu, setUserMenu] = useState(false);
  const [theme, setTheme] = useState(effectiveTheme());
  const location = useLocation();
  const navigate = useNavigate();
  const gPressed = useRef(0);

  useEffect(() => {
    setMenuOpen(false);
    setUserMenu(false);
  }, [location.pathname]);
  useEffect(() => {
    if (!userMenu) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !(e.target as HTMLElement).closest('.user-menu')) setUserMenu(false);
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [userMenu]);
  useShortcuts({
    '?': () => setHelp(true),
    g: () => {
      gPressed.current = Date.now();
    },
    q: () => {
      if (Date.now() - gPressed.current < 1500) navigate('/');
    },
  });

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="btn btn-ghost menu-toggle"
          aria-label="Menu"
          aria-expanded={menuOpen}
          aria-controls="sidenav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          ☰
        </button>
        <NavLink to="/" className="brand">
          <span className="logo" aria-hidden="true" />
          Alert Whisperer
        </NavLink>
        <span className={`live-dot live-${live}`} title={`Live updates: ${live}`} data-testid="live-status" data-status={live}>
          <span className="sr-only">Live updates {live}</span>
        </span>
        <span className="spacer" />
        <Bell />
        <button
          type="button"
          className="btn btn-ghost"
          aria-label={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
          title="Theme"
          onClick={() => {
            const next = theme === 'dark' ? 'light' : 'dark';
            applyTheme(next);
            setTheme(next);
          }}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <button type="button" className="btn btn-ghost hide-narrow" aria-label="Keyboard shortcuts" onClick={() => setHelp(true)}>
          ?
        </button>
        <div className="user-chip" data-testid="user-chip">
          <span>{user.name || user.email}</span>
          <span className="role">{roleLabel(user)}</span>
        </div>
        <div className="user-menu">
          <button type="button" className="btn btn-sm" aria-haspopup="menu" aria-expanded={userMenu} onClick={() => setUserMenu((o) => !o)}>
            Account
          </button>
          {userMenu && (
            <div className="popover menu" role="menu">
              <div className="popover-head">
                <span>
                  {user.email}
                  <br />
                  <span className="muted">{roleLabel(user)}</span>
                </span>
              </div>
              <button type="button" role="menuitem" className="menu-item" onClick={() => void logout()}>
                Sign out
              </button>
              <button type="button" role="menuitem" className="menu-item" onClick={() => void logoutEverywhere()}>
                Sign out everywhere
              </button>
            </div>
          )}
        </div>
      </header>
      <div className="banner-slot">
        <LiveBanner />
      </div>
      <nav id="sidenav" className={`sidenav ${menuOpen ? 'open' : ''}`} aria-label="Main">
        {NAV.filter((n) => n.show(user)).map((n) => (
          <NavLink key={n.to} to={n.to} end={n.to === '/'}>
            {n.label}
          </NavLink>
        ))}
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <AppRoutes />
      </main>
      <Dialog open={help} title="Keyboard shortcuts" onClose={() => setHelp(false)}>
        <table className="table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">Shortcuts are off while you type in a field.</p>
      </Dialog>
    </div>
  );
}
