// /companies/:id/<tab>: a company's settings. Admins of the company change
// them; technicians and clients read the ones the API shows them, with no
// mutating control rendered.
import { useQuery } from '@tanstack/react-query';
import { NavLink, Navigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { qk } from '../api/keys';
import type { Company } from '../api/types';
import { useUser } from '../auth/useSession';
import { isAdminOf, PageHead, QueryView } from './kit';
import { ApiKeyTab, SecurityTab } from './WebhookTabs';
import { CorrelationTab, EscalationTab, SlaTab } from './PolicyTabs';
import { AssetsTab } from './AssetsTab';
import { AwsTab } from './AwsTab';

interface Tab {
  path: string;
  label: string;
  adminOnly: boolean;
}
const TABS: Tab[] = [
  { path: 'webhook', label: 'Webhook & API key', adminOnly: true },
  { path: 'security', label: 'Signing & rate limit', adminOnly: true },
  { path: 'correlation', label: 'Correlation', adminOnly: false },
  { path: 'sla', label: 'SLA', adminOnly: false },
  { path: 'escalation', label: 'Escalation', adminOnly: false },
  { path: 'assets', label: 'Assets', adminOnly: false },
  { path: 'aws', label: 'AWS & runbooks', adminOnly: true },
];

export default function CompanySettings() {
  const { id = '', tab = '' } = useParams();
  const user = useUser();
  const admin = isAdminOf(user, id);
  const q = useQuery({
    queryKey: qk.company(id),
    queryFn: ({ signal }) => api.get<Company>(`/api/companies/${encodeURIComponent(id)}`, undefined, signal),
  });
  const tabs = TABS.filter((t) => admin || !t.adminOnly);
  if (!tab || !tabs.some((t) => t.path === tab)) return <Navigate to={`/companies/${id}/${tabs[0].path}`} replace />;

  return (
    <QueryView q={q} loading="Loading the company…">
      {(company) => (
        <div>
          <PageHead title={company.name} sub={admin ? 'Company settings' : 'Company settings (read-only for your role)'} />
          <nav className="k-tabs" aria-label="Settings sections">
            {tabs.map((t) => (
              <NavLink key={t.path} to={`/companies/${id}/${t.path}`} replace>
                {t.label}
              </NavLink>
            ))}
          </nav>
          {tab === 'webhook' && <ApiKeyTab company={company} />}
          {tab === 'security' && <SecurityTab companyId={id} />}
          {tab === 'correlation' && <CorrelationTab companyId={id} admin={admin} />}
          {tab === 'sla' && <SlaTab companyId={id} admin={admin} />}
          {tab === 'escalation' && <EscalationTab companyId={id} admin={admin} />}
          {tab === 'assets' && <AssetsTab companyId={id} admin={admin} />}
          {tab === 'aws' && <AwsTab companyId={id} />}
        </div>
      )}
    </QueryView>
  );
}
