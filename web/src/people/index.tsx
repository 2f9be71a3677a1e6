import { lazy } from 'react';
import type { RouteObject } from 'react-router-dom';

const UsersPage = lazy(() => import('./UsersPage'));
const OnCallPage = lazy(() => import('./OnCallPage'));
const ChatPage = lazy(() => import('./ChatPage'));

export const routes: RouteObject[] = [
  { path: '/people', element: <UsersPage /> },
  { path: '/on-call', element: <OnCallPage /> },
  { path: '/chat', element: <ChatPage /> },
];
