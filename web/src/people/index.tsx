// Placeholder: the feature's owner replaces this file (see web/CONTRIBUTING-ui.md).
import type { RouteObject } from 'react-router-dom';
import { Empty } from '../components/ui';

export const routes: RouteObject[] = [
  { path: '/people', element: <Empty title="Coming soon." /> },
  { path: '/on-call', element: <Empty title="Coming soon." /> },
  { path: '/chat', element: <Empty title="Coming soon." /> },
];
