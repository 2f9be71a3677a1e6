import { lazy } from 'react';
import type { RouteObject } from 'react-router-dom';

const NumbersPage = lazy(() => import('./NumbersPage'));

export const routes: RouteObject[] = [{ path: '/numbers', element: <NumbersPage /> }];
