import { lazy } from 'react';
import type { RouteObject } from 'react-router-dom';

const CompaniesPage = lazy(() => import('./CompaniesPage'));
const CompanySettings = lazy(() => import('./CompanySettings'));

export const routes: RouteObject[] = [
  { path: '/companies', element: <CompaniesPage /> },
  { path: '/companies/:id', element: <CompanySettings /> },
  { path: '/companies/:id/:tab', element: <CompanySettings /> },
];
