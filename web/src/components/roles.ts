// What each role may do (docs/api.md, "Roles"). The server enforces all of it;
// these checks only decide which controls are rendered — a client gets none.
import type { Role, User } from '../api/types';

export function roleOf(user: Pick<User, 'role'> | null | undefined): Role {
  const r = user?.role;
  if (r === 'admin' || r === 'msp_admin') return 'msp_admin';
  if (r === 'company_admin' || r === 'technician') return r;
  return 'client';
}

export const can = {
  /** Acknowledge, assign, change status, escalate, analyze, request runbooks. */
  workIncidents: (u: Pick<User, 'role'> | null | undefined) => roleOf(u) !== 'client',
  /** Company settings, runbook edits, the audit log. */
  administerCompany: (u: Pick<User, 'role'> | null | undefined) => ['msp_admin', 'company_admin'].includes(roleOf(u)),
  /** Create/delete companies, every company, users. */
  administerMsp: (u: Pick<User, 'role'> | null | undefined) => roleOf(u) === 'msp_admin',
  seeRunbooks: (u: Pick<User, 'role'> | null | undefined) => roleOf(u) !== 'client',
  seeAudit: (u: Pick<User, 'role'> | null | undefined) => ['msp_admin', 'company_admin'].includes(roleOf(u)),
};

const ROLE_LABELS: Record<Role, string> = {
  msp_admin: 'MSP admin',
  company_admin: 'Company admin',
  technician: 'Technician',
  client: 'Client (read-only)',
};
export function roleLabel(u: Pick<User, 'role'> | null | undefined): string {
  return ROLE_LABELS[roleOf(u)];
}
