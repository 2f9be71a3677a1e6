// Company settings: the checks the server makes (docs/api.md, "SLA, on-call
// and escalation"; docs/correlation.md), repeated here so a form says what is
// wrong before sending, with the server's field names. And the webhook curl example. Pure.

export type Errors = Record<string, string>;
const SEVS = ['critical', 'high', 'medium', 'low'] as const;

export interface SlaConfig {
  enabled: boolean;
  response_minutes: Record<string, number>;
  resolution_minutes: Record<string, number>;
  /** The warning starts when this share (1–99 %) of each target has elapsed. */
  warning_percent: number;
  business_hours: { enabled: boolean; timezone: string; start: string; end: string; days: number[] };
  is_default?: boolean;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function hhmmMinutes(s: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

export function validateSla(c: SlaConfig, isTimeZone: (tz: string) => boolean): Errors {
  const e: Errors = {};
  for (const s of SEVS) {
    const r = c.response_minutes[s];
    const x = c.resolution_minutes[s];
    if (!isInt(r) || r < 1 || r > 525600) e[`response_minutes.${s}`] = 'must be a whole number of minutes from 1 to 525,600';
    if (!isInt(x) || x < 1 || x > 525600) e[`resolution_minutes.${s}`] = 'must be a whole number of minutes from 1 to 525,600';
    else if (isInt(r) && x < r) e[`resolution_minutes.${s}`] = 'may not be shorter than the response target';
  }
  if (!isInt(c.warning_percent) || c.warning_percent < 1 || c.warning_percent > 99) {
    e.warning_percent = 'must be a whole percentage from 1 to 99';
  }
  const bh = c.business_hours;
  if (!isTimeZone(bh.timezone)) e['business_hours.timezone'] = 'must be an IANA time zone, e.g. Europe/Berlin';
  const a = hhmmMinutes(bh.start);
  const b = hhmmMinutes(bh.end);
  if (a === null || a >= 1440) e['business_hours.start'] = 'must be a time HH:MM';
  if (b === null) e['business_hours.end'] = 'must be a time HH:MM (24:00 allowed)';
  else if (a !== null && b <= a) e['business_hours.end'] = 'must be after the start';
  if (bh.enabled && bh.days.length === 0) e['business_hours.days'] = 'choose at least one day';
  return e;
}

export type EscalationTarget = 'on_call' | 'technicians' | 'company_admins' | 'msp_admins' | 'users';
export const ESCALATION_TARGETS: Record<EscalationTarget, string> = {
  on_call: 'Who is on call',
  technicians: "The company's technicians",
  company_admins: "The company's admins",
  msp_admins: 'MSP admins',
  users: 'Chosen people',
};

export interface EscalationPolicy {
  enabled: boolean;
  levels: Array<{ level?: number; delay_minutes: number; target: EscalationTarget; user_ids?: string[] }>;
  triggers: {
    unacknowledged_minutes: number;
    priority_threshold: number | null;
    sla_warning: boolean;
    sla_breach: boolean;
  };
}

export function validateEscalation(p: EscalationPolicy): Errors {
  const e: Errors = {};
  if (p.levels.length < 1 || p.levels.length > 10) e.levels = 'give 1 to 10 levels';
  let prev = 0;
  p.levels.forEach((l, i) => {
    const d = l.delay_minutes;
    if (!isInt(d) || d < 0 || d > 10080) e[`levels[${i}].delay_minutes`] = 'must be 0 to 10,080 minutes';
    else if (d < prev) e[`levels[${i}].delay_minutes`] = 'may not be less than the previous level’s';
    else prev = d;
    if (!(l.target in ESCALATION_TARGETS)) e[`levels[${i}].target`] = 'choose a target';
    if (l.target === 'users' && (!l.user_ids || l.user_ids.length < 1 || l.user_ids.length > 50)) {
      e[`levels[${i}].user_ids`] = 'choose 1 to 50 people';
    }
  });
  const t = p.triggers;
  if (!isInt(t.unacknowledged_minutes) || t.unacknowledged_minutes < 0 || t.unacknowledged_minutes > 10080) {
    e['triggers.unacknowledged_minutes'] = 'must be 0 (off) to 10,080 minutes';
  }
  if (t.priority_threshold !== null && (!isInt(t.priority_threshold) || t.priority_threshold < 0 || t.priority_threshold > 1000)) {
    e['triggers.priority_threshold'] = 'must be empty (off) or 0 to 1,000';
  }
  return e;
}

export interface CorrelationConfig {
  time_window_minutes: number;
  aggregation_key: string;
  min_alerts_for_incident: number;
  auto_correlate: boolean;
  auto_resolve: boolean;
}

export const AGGREGATION_KEYS = ['asset|signature', 'asset|signature|tool', 'signature', 'asset'];

export function validateCorrelation(c: CorrelationConfig): Errors {
  const e: Errors = {};
  if (!isInt(c.time_window_minutes) || c.time_window_minutes < 1 || c.time_window_minutes > 1440) {
    e.time_window_minutes = 'must be 1 to 1,440 minutes';
  }
  if (!isInt(c.min_alerts_for_incident) || c.min_alerts_for_incident < 1 || c.min_alerts_for_incident > 1000) {
    e.min_alerts_for_incident = 'must be 1 to 1,000';
  }
  if (!AGGREGATION_KEYS.includes(c.aggregation_key)) e.aggregation_key = 'choose one of the keys';
  return e;
}

export interface RateLimit {
  enabled: boolean;
  requests_per_minute: number;
  burst_size: number;
}

export function validateRateLimit(r: RateLimit): Errors {
  const e: Errors = {};
  for (const f of ['requests_per_minute', 'burst_size'] as const) {
    if (!isInt(r[f]) || r[f] < 1 || r[f] > 1_000_000) e[f] = 'must be a whole number from 1 to 1,000,000';
  }
  return e;
}

/** A whole number from a text field, or NaN (so validation reports it). */
export function intOf(text: string): number {
  return /^\s*-?\d+\s*$/.test(text) ? Number(text) : NaN;
}

/** Shell single-quoting. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function webhookUrl(origin: string): string {
  return `${origin.replace(/\/+$/, '')}/api/webhooks/alerts`;
}

/**
 * A ready-to-paste curl command posting a test alert. With signing on, it
 * computes X-Signature with openssl from the secret in $AW_WEBHOOK_SECRET (never inlined).
 */
export function curlExample(origin: string, apiKey: string, signed: boolean): string {
  const body = JSON.stringify({
    asset_name: 'prod-server-01', signature: 'high_cpu_usage', severity: 'high',
    message: 'CPU usage at 95%', tool_source: 'Datadog',
  });
  const url = webhookUrl(origin);
  if (!signed) {
    return [
      `curl -X POST ${sq(url)} \\`,
      `  -H ${sq(`X-API-Key: ${apiKey}`)} \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  -d ${sq(body)}`,
    ].join('\n');
  }
  return [
    `BODY=${sq(body)}`,
    `TS=$(date +%s)`,
    `SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$AW_WEBHOOK_SECRET" | sed 's/^.* //')`,
    `curl -X POST ${sq(url)} \\`,
    `  -H ${sq(`X-API-Key: ${apiKey}`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "X-Timestamp: $TS" -H "X-Signature: sha256=$SIG" \\`,
    `  -d "$BODY"`,
  ].join('\n');
}

/** May `user` change the settings of company `id` (MSP admin, or company admin of it)? */
export function isAdminOf(user: { role: string; company_ids?: string[] } | null | undefined, id: string): boolean {
  if (!user) return false;
  if (user.role === 'msp_admin' || user.role === 'admin') return true;
  return user.role === 'company_admin' && (user.company_ids ?? []).includes(id);
}
