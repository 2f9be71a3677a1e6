// Runbook rules the screens need before asking the server (docs/runbooks.md):
// who may approve a request (the four-eyes rule), and the runbook form's
// checks and conversion to the API body. Pure.

export type Role = 'msp_admin' | 'admin' | 'company_admin' | 'technician' | 'client';
export type Risk = 'low' | 'medium' | 'high';

export interface Me {
  id: string;
  role: Role | string;
  company_ids?: string[];
}

export interface ApprovalRequest {
  id: string;
  company_id: string;
  status: string;
  incident_id?: string;
  incident_title?: string;
  runbook_id?: string;
  runbook_name?: string;
  risk_level: Risk | string;
  required_approver_role?: string;
  reason?: string;
  requested_by?: string;
  requested_by_email?: string;
  requested_by_role?: string;
  created_at?: string;
  expires_at?: string;
  decided_by_email?: string;
  decided_at?: string;
  approval_notes?: string;
  rejection_reason?: string;
  execution_id?: string;
}

const isMsp = (r: string) => r === 'msp_admin' || r === 'admin';

/**
 * Why `me` may not decide `req` (a sentence), or null when the buttons apply.
 * Mirrors core::CanApprove: never the requester, never a technician or client,
 * a company admin never a high-risk request.
 */
export function approvalBlock(me: Me, req: ApprovalRequest, now: number): string | null {
  if (req.status !== 'pending') return null;
  if (req.requested_by && req.requested_by === me.id) {
    return 'You asked for this run. Four-eyes rule: someone else must approve or reject it.';
  }
  if (me.role === 'client') return 'Clients cannot decide runbook runs.';
  if (me.role === 'technician') {
    return req.risk_level === 'high'
      ? 'A high-risk run needs an MSP admin’s approval.'
      : 'Technicians cannot approve runs: a company admin or an MSP admin decides.';
  }
  if (me.role === 'company_admin' && (req.risk_level === 'high' || req.required_approver_role === 'msp_admin')) {
    return 'A high-risk run needs an MSP admin’s approval.';
  }
  if (req.expires_at && Date.parse(req.expires_at) <= now) return 'This request has expired; ask for the run again.';
  if (!isMsp(me.role) && me.role !== 'company_admin') return 'Your role cannot decide runbook runs.';
  return null;
}

/** Minutes (rounded down) until the request expires, or null when gone/unknown. */
export function minutesLeft(req: ApprovalRequest, now: number): number | null {
  if (!req.expires_at) return null;
  const t = Date.parse(req.expires_at);
  if (!Number.isFinite(t) || t <= now) return null;
  return Math.floor((t - now) / 60e3);
}

export interface RunbookForm {
  company_id: string;
  name: string;
  description: string;
  risk_level: Risk;
  signature: string;
  ssm_document_name: string;
  commands: string; // one per line (AWS-RunShellScript "commands")
  target_mode: 'none' | 'instances' | 'tag';
  instance_ids: string; // comma or space separated
  target_tag_key: string;
  target_tag_value: string;
  auto_approve: boolean;
  timeout_seconds: string;
}

export const EMPTY_RUNBOOK: RunbookForm = {
  company_id: '', name: '', description: '', risk_level: 'low', signature: '', ssm_document_name: 'AWS-RunShellScript',
  commands: '', target_mode: 'none', instance_ids: '', target_tag_key: '', target_tag_value: '', auto_approve: false,
  timeout_seconds: '600',
};

export interface Runbook {
  id: string;
  company_id: string;
  name: string;
  description?: string;
  risk_level: Risk;
  signature?: string;
  ssm_document_name?: string;
  parameters?: Record<string, string[]>;
  instance_ids?: string[];
  target_tag_key?: string;
  target_tag_value?: string;
  auto_approve?: boolean;
  timeout_seconds?: number;
  version?: number;
  source_template?: string;
  updated_at?: string;
  created_at?: string;
}

export function formFromRunbook(r: Runbook): RunbookForm {
  const ids = r.instance_ids ?? [];
  return {
    company_id: r.company_id, name: r.name ?? '', description: r.description ?? '', risk_level: r.risk_level ?? 'low',
    signature: r.signature ?? '', ssm_document_name: r.ssm_document_name ?? 'AWS-RunShellScript',
    commands: (r.parameters?.commands ?? []).join('\n'),
    target_mode: ids.length ? 'instances' : r.target_tag_key ? 'tag' : 'none',
    instance_ids: ids.join(', '), target_tag_key: r.target_tag_key ?? '', target_tag_value: r.target_tag_value ?? '',
    auto_approve: Boolean(r.auto_approve), timeout_seconds: String(r.timeout_seconds ?? 600),
  };
}

export function splitIds(text: string): string[] {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

const INSTANCE_ID = /^(i|mi)-[0-9a-f]{8,17}$/;

export function validateRunbook(f: RunbookForm): Record<string, string> {
  const e: Record<string, string> = {};
  if (!f.company_id) e.company_id = 'choose a company';
  if (!f.name.trim()) e.name = 'give the runbook a name';
  if (f.name.length > 200) e.name = 'at most 200 characters';
  if (f.auto_approve && f.risk_level !== 'low') e.auto_approve = 'only low-risk runbooks may run without approval';
  const t = Number(f.timeout_seconds);
  if (!/^\d+$/.test(f.timeout_seconds.trim()) || t < 30 || t > 2592000) e.timeout_seconds = 'must be 30 to 2,592,000 seconds';
  if (f.target_mode === 'instances') {
    const ids = splitIds(f.instance_ids);
    if (ids.length === 0) e.instance_ids = 'give at least one instance id';
    else if (ids.length > 50) e.instance_ids = 'at most 50 instances';
    else {
      const bad = ids.find((i) => !INSTANCE_ID.test(i));
      if (bad) e.instance_ids = `${bad} is not an instance id (i-… or mi-…)`;
    }
  }
  if (f.target_mode === 'tag') {
    if (!f.target_tag_key.trim()) e.target_tag_key = 'give the tag key';
    if (!f.target_tag_value.trim()) e.target_tag_value = 'give the tag value';
  }
  return e;
}

/** The POST/PUT body. `forUpdate` leaves out company_id (a runbook never moves). */
export function runbookBody(f: RunbookForm, forUpdate: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: f.name.trim(), description: f.description, risk_level: f.risk_level, signature: f.signature.trim(),
    ssm_document_name: f.ssm_document_name.trim() || 'AWS-RunShellScript',
    parameters: { commands: f.commands.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '') },
    auto_approve: f.risk_level === 'low' && f.auto_approve, timeout_seconds: Number(f.timeout_seconds),
  };
  if (!forUpdate) body.company_id = f.company_id;
  // Always sent, so switching the target mode clears the other one.
  body.instance_ids = f.target_mode === 'instances' ? splitIds(f.instance_ids) : [];
  body.target_tag_key = f.target_mode === 'tag' ? f.target_tag_key.trim() : '';
  body.target_tag_value = f.target_mode === 'tag' ? f.target_tag_value.trim() : '';
  return body;
}
