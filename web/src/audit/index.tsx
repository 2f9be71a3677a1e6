import { lazy } from 'react';
import type { RouteObject } from 'react-router-dom';

const AuditPage = lazy(() => import('./AuditPage'));

export const routes: RouteObject[] = [{ path: '/audit', element: <AuditPage /> }];
