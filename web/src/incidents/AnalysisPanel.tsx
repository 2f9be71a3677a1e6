// The AI analysis (built-in or provider; the fallback is shown) and "decide".
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { qk } from '../api/keys';
import type { Analysis, Decision, Incident } from '../api/types';
import { formatDateTime, humanize } from '../components/format';
import { Notice, errorMessage } from '../components/ui';

export function AnalysisPanel({ incident }: { incident: Incident }) {
  const qc = useQueryClient();
  const stored = incident.metadata?.analysis as Analysis | undefined;
  const analyze = useMutation({
    mutationFn: () => api.post<Analysis>(`/api/incidents/${incident.id}/analyze`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: qk.incident(incident.id) }),
  });
  const decide = useMutation({ mutationFn: () => api.post<Decision>(`/api/incidents/${incident.id}/decide`) });
  const a = analyze.data ?? stored;
  return (
    <section className="card" aria-labelledby="ai-title" data-testid="analysis">
      <div className="card-head">
        <h2 id="ai-title">AI analysis</h2>
        <div className="row">
          <button type="button" className="btn btn-sm" disabled={analyze.isPending} onClick={() => analyze.mutate()}>
            {analyze.isPending ? 'Analysing…' : a ? 'Analyse again' : 'Analyse'}
          </button>
          <button type="button" className="btn btn-sm" disabled={decide.isPending} onClick={() => decide.mutate()}>
            {decide.isPending ? 'Deciding…' : 'What should we do?'}
          </button>
        </div>
      </div>
      {analyze.isError && <Notice>{errorMessage(analyze.error)}</Notice>}
      {!a ? (
        <p className="muted">Not analysed yet. The analysis summarises the alerts, guesses a cause and suggests a runbook.</p>
      ) : (
        <>
          <p className="summary">{a.summary}</p>
          <dl className="facts">
            <dt>Probable cause</dt>
            <dd>{a.probable_cause}</dd>
            <dt>Pattern</dt>
            <dd>{humanize(a.pattern)}</dd>
            <dt>Confidence</dt>
            <dd>{Math.round((a.confidence ?? 0) * 100)} %</dd>
            <dt>Suggested runbook</dt>
            <dd>{a.suggested_runbook ? `${a.suggested_runbook.name} (${a.suggested_runbook.risk_level} risk)` : 'none'}</dd>
            <dt>Answered by</dt>
            <dd>
              {a.provider}
              {a.model ? ` (${a.model})` : ''}
              {a.fallback && (
                <span className="badge status-escalated fallback" title={a.fallback_reason}>
                  fallback{a.requested_provider ? ` from ${a.requested_provider}` : ''}
                </span>
              )}
            </dd>
            {a.fallback && a.fallback_reason && (
              <>
                <dt>Why the fallback</dt>
                <dd>{a.fallback_reason}</dd>
              </>
            )}
            <dt>Analysed</dt>
            <dd>{formatDateTime(a.analyzed_at)}</dd>
          </dl>
        </>
      )}
      {decide.isError && <Notice>{errorMessage(decide.error)}</Notice>}
      {decide.data && <DecisionView d={decide.data} />}
    </section>
  );
}

function DecisionView({ d }: { d: Decision }) {
  return (
    <div className="decision" data-testid="decision">
      <h3>
        Decision: {d.decision === 'run_runbook' ? `run “${d.runbook?.name ?? 'a runbook'}”` : 'escalate to a person'}
      </h3>
      <ul>
        {d.reasons.map((r, n) => (
          <li key={n}>{r}</li>
        ))}
      </ul>
      {d.decision === 'run_runbook' && (
        <p className="muted">
          {d.can_run_now ? 'You can run it now.' : d.needs_approval ? `It needs the approval of a ${humanize(d.approver_role ?? 'admin')}.` : ''}
          {d.has_target === false ? ' The runbook has no target instances yet.' : ''}
        </p>
      )}
      {d.escalate_to && (
        <p className="muted">
          Escalate to a {humanize(d.escalate_to.technician_category)} technician ({d.escalate_to.severity}).
        </p>
      )}
    </div>
  );
}
