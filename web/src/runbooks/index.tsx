import { lazy } from 'react';
import type { RouteObject } from 'react-router-dom';

const RunbooksPage = lazy(() => import('./RunbooksPage'));
const ApprovalsPage = lazy(() => import('./ApprovalsPage'));
const ExecutionPage = lazy(() => import('./Executions').then((m) => ({ default: m.ExecutionPage })));

export const routes: RouteObject[] = [
  { path: '/runbooks', element: <RunbooksPage /> },
  { path: '/runbooks/executions/:id', element: <ExecutionPage /> },
  { path: '/approvals', element: <ApprovalsPage /> },
];
