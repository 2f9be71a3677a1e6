// Shapes of the API's JSON as this app uses them (docs/api.md). Fields the
// app does not read are left out; every object may carry more.

export type Role = 'msp_admin' | 'company_admin' | 'technician' | 'client';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role | 'admin';
  company_ids: string[];
  created_at?: string;
  /** false once an MSP admin deactivated the user (cannot sign in); absent on old servers. */
  active?: boolean;
}

export interface LoginResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  user: User;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type IncidentStatus = 'new' | 'acknowledged' | 'in_progress' | 'escalated' | 'resolved' | 'closed';

export interface SlaPart {
  due?: string | null;
  minutes_left?: number | null;
  responded_at?: string | null;
  breached?: boolean;
  warning?: boolean;
}

export interface IncidentSla {
  status?: string;
  response_due?: string | null;
  resolution_due?: string | null;
  response_breached?: boolean;
  resolution_breached?: boolean;
  responded_at?: string | null;
  [k: string]: unknown;
}

export interface Incident {
  id: string;
  company_id: string;
  title: string;
  description?: string;
  status: IncidentStatus;
  priority_score: number;
  severity: Severity;
  alert_count: number;
  active_alert_count?: number;
  tool_sources?: string[];
  signature?: string;
  asset_name?: string;
  critical_asset?: boolean;
  category?: string;
  assigned_to?: string | null;
  assigned_at?: string | null;
  acknowledged_at?: string | null;
  resolved_at?: string | null;
  resolved_by?: string | null;
  resolution_notes?: string | null;
  escalated?: boolean;
  escalation_level?: number;
  escalated_at?: string | null;
  escalation_reason?: string | null;
  sla?: IncidentSla | null;
  metadata?: { analysis?: Analysis; [k: string]: unknown } | null;
  first_alert_at?: string;
  last_alert_at?: string;
  created_at: string;
  updated_at?: string;
  version: number;
  alerts?: Alert[];
}

export interface Alert {
  id: string;
  company_id: string;
  correlated_incident_id?: string;
  asset_name: string;
  signature: string;
  severity: Severity;
  message: string;
  tool_source: string;
  status: string;
  timestamp?: string;
  received_at?: string;
  repeat_count?: number;
  delivery_attempts?: number;
}

export interface Company {
  id: string;
  name: string;
  domain?: string;
  api_key?: string;
  created_at?: string;
}

export interface SlaStatus {
  status: string;
  minutes_left?: number | null;
  response: SlaPart;
  resolution: SlaPart;
  responded: boolean;
  resolved: boolean;
  clock_stopped: boolean;
  sla_enabled: boolean;
}

export interface Analysis {
  incident_id: string;
  summary: string;
  probable_cause: string;
  pattern: string;
  suggested_runbook?: { id: string; name: string; risk_level: string } | null;
  confidence: number;
  provider: string;
  requested_provider?: string;
  model?: string;
  fallback: boolean;
  fallback_reason?: string;
  severity_hint?: string;
  analyzed_at: string;
  analyzed_by?: string;
  elapsed_ms?: number;
}

export interface Decision {
  decision: 'run_runbook' | 'escalate';
  runbook?: { id: string; name: string; risk_level: string } | null;
  match_score?: number;
  can_run_now: boolean;
  needs_approval: boolean;
  approver_role?: string;
  has_target?: boolean;
  alternatives?: { id: string; name: string; risk_level: string }[];
  escalate_to?: { technician_category: string; severity: string };
  reasons: string[];
}

export interface Runbook {
  id: string;
  company_id: string;
  name: string;
  risk_level: 'low' | 'medium' | 'high';
  description?: string;
  signature?: string;
  instance_ids?: string[];
  target_tag_key?: string;
  target_tag_value?: string;
  auto_approve?: boolean;
  version?: number;
}

export interface ApprovalRequest {
  id: string;
  company_id: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  incident_id: string;
  incident_title?: string;
  runbook_id: string;
  runbook_name: string;
  risk_level: string;
  required_approver_role: string;
  reason?: string;
  targets?: unknown;
  requested_by?: string;
  requested_by_email?: string;
  requested_by_role?: string;
  created_at: string;
  expires_at?: string;
  decided_by?: string;
  decided_by_email?: string;
  decided_at?: string;
  approval_notes?: string;
  rejection_reason?: string;
  execution_id?: string;
}

export interface ExecutionResult {
  instance_id: string;
  status: string;
  status_details?: string;
  response_code?: number;
  output?: string;
  error_output?: string;
}

export interface Execution {
  id: string;
  company_id: string;
  incident_id: string;
  runbook_id: string;
  runbook_name: string;
  risk_level: string;
  status: 'pending' | 'running' | 'success' | 'failed' | 'timed_out' | 'cancelled';
  started_by_email?: string;
  approved_by_email?: string;
  approval_request_id?: string;
  created_at: string;
  started_at?: string;
  finished_at?: string;
  duration_seconds?: number;
  results?: ExecutionResult[];
  output_truncated?: boolean;
  error?: string;
  targets?: unknown;
}

export interface ExecuteResponse {
  action: 'executing' | 'approval_requested';
  reason: string;
  execution?: Execution;
  approval_request?: ApprovalRequest;
}

export interface AuditEntry {
  id: string;
  company_id: string;
  at: string;
  timestamp?: string;
  user_id: string;
  user_email: string;
  user_role: string;
  action: string;
  resource_type: string;
  resource_id: string;
  details?: unknown;
  outcome?: string;
  status?: number;
}

export interface Notification {
  id: string;
  user_id: string;
  company_id?: string;
  type: string;
  title: string;
  message: string;
  priority: string;
  incident_id?: string;
  read: boolean;
  created_at: string;
}

/** A WebSocket message (docs/api.md, "Live updates"). */
export interface LiveEvent<T = unknown> {
  type: string;
  data: T;
  id?: number;
}
