// Shared queries used by several views.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from './client';
import { qk } from './keys';
import type { Company, Incident, User } from './types';
import { OPEN_STATUSES } from '../components/format';

/** The companies the user may see (id → company). */
export function useCompanies() {
  const q = useQuery({ queryKey: qk.companies, queryFn: async () => (await api.all<Company>('/api/companies')).items, staleTime: 60_000 });
  const byId = useMemo(() => new Map((q.data ?? []).map((c) => [c.id, c])), [q.data]);
  return { ...q, byId };
}

/** The users the caller may see (those sharing a company; every user for MSP admins). */
export function useUsers() {
  const q = useQuery({ queryKey: qk.users, queryFn: async () => (await api.all<User>('/api/users')).items, staleTime: 60_000 });
  const byId = useMemo(() => new Map((q.data ?? []).map((u) => [u.id, u])), [q.data]);
  return { ...q, byId };
}

/** Hard cap of the queue's in-memory list. */
export const QUEUE_MAX = 10_000;

/** Every open incident the user may see: one paged listing per open status, merged. */
export async function fetchOpenIncidents(signal?: AbortSignal): Promise<Incident[]> {
  const lists = await Promise.all(
    OPEN_STATUSES.map((status) => api.all<Incident>('/api/incidents', { status, sort: 'time' }, QUEUE_MAX, signal)),
  );
  const seen = new Set<string>();
  const out: Incident[] = [];
  for (const l of lists) {
    for (const inc of l.items) {
      if (!seen.has(inc.id)) {
        seen.add(inc.id);
        out.push(inc);
      }
    }
  }
  return out;
}

export function useOpenIncidents() {
  return useQuery({ queryKey: qk.openIncidents, queryFn: ({ signal }) => fetchOpenIncidents(signal), staleTime: 60_000 });
}
