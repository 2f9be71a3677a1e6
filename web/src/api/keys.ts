// TanStack Query keys, in one place so live updates (src/live) can patch the
// right cache entries. Feature folders add their own keys under their own
// first element (e.g. ['alerts', …], ['runbooks', …]).
export const qk = {
  me: ['me'] as const,
  companies: ['companies'] as const,
  company: (id: string) => ['companies', id] as const,
  /** Every open incident the user may see (the queue's data). */
  openIncidents: ['incidents', 'open'] as const,
  incident: (id: string) => ['incident', id] as const,
  incidentAlerts: (id: string) => ['incident', id, 'alerts'] as const,
  incidentSla: (id: string) => ['incident', id, 'sla'] as const,
  incidentAudit: (id: string) => ['incident', id, 'audit'] as const,
  incidentExecutions: (id: string) => ['incident', id, 'executions'] as const,
  incidentDecision: (id: string) => ['incident', id, 'decision'] as const,
  users: ['users'] as const,
  runbooks: (companyId: string) => ['runbooks', companyId] as const,
  approvals: (status?: string) => ['approvals', status ?? 'all'] as const,
  unreadCount: ['notifications', 'unread-count'] as const,
  notifications: ['notifications', 'list'] as const,
};
