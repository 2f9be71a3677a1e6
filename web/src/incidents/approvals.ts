const RANK: Record<string, number> = { client: 0, technician: 1, company_admin: 2, msp_admin: 3, admin: 3 };

/** May a user of `role` decide a request that needs `required`? (The server has the last word.) */
export function mayApprove(role: string, required: string): boolean {
  return (RANK[role] ?? 0) >= (RANK[required] ?? 2) && (RANK[role] ?? 0) > 0;
}
