// Placeholder: the feature's owner replaces this file (see web/CONTRIBUTING-ui.md).
import type { RouteObject } from 'react-router-dom';
import { Empty } from '../components/ui';

export const routes: RouteObject[] = [
  { path: '/numbers', element: <Empty title="Coming soon." /> },
];
