import { lazy } from 'react';
import type { RouteObject } from 'react-router-dom';

const AlertsPage = lazy(() => import('./AlertsPage'));

export const routes: RouteObject[] = [{ path: '/alerts', element: <AlertsPage /> }];
