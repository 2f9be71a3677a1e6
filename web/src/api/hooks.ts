// Shared queries used by several views.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from './client';
import { ApiError } from './errors';
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

/**
 * Every open incident of one status. Across many companies the server's merged
 * cursor can outgrow its limit (422 "cursor: too long", issue 12 part 4); then
 * the status is listed company by company instead.
 */
async function openOfStatus(status: string, signal?: AbortSignal): Promise<Incident[]> {
  try {
    return (await api.all<Incident>('/api/incidents', { status, sort: 'time' }, QUEUE_MAX, signal)).items;
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 422 && /cursor/i.test(e.detail))) throw e;
    const companies = (await api.all<Company>('/api/companies', {}, 10_000, signal)).items;
    const out: Incident[] = [];
    for (let i = 0; i < companies.length && out.length < QUEUE_MAX; i += 8) {
      const lists = await Promise.all(
        companies.slice(i, i + 8).map((c) => api.all<Incident>('/api/incidents', { status, company_id: c.id, sort: 'time' }, QUEUE_MAX, signal)),
      );
      for (const l of lists) out.push(...l.items);
    }
    return out;
  }
}

/** Every open incident the user may see: one paged listing per open status, merged. */
export async function fetchOpenIncidents(signal?: AbortSignal): Promise<Incident[]> {
  const lists = (await Promise.all(OPEN_STATUSES.map((status) => openOfStatus(status, signal)))).map((items) => ({ items }));
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
