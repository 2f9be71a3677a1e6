// The app's routes. Core views (queue, incident detail) are defined here;
// each feature folder owned by another module exports `routes: RouteObject[]`
// from `src/<feature>/index.tsx` with ABSOLUTE paths, loaded lazily (its own
// JS chunk) when the URL enters one of its prefixes below.
import { lazy, Suspense, type ComponentType } from 'react';
import { useLocation, useRoutes, type RouteObject } from 'react-router-dom';
import { Empty, Spinner } from '../components/ui';

const QueuePage = lazy(() => import('../queue/QueuePage'));
const IncidentPage = lazy(() => import('../incidents/IncidentPage'));

interface Feature {
  prefixes: string[];
  load: () => Promise<{ routes: RouteObject[] }>;
}

/** Feature folders and the URL prefixes they own (fixed contract). */
export const FEATURES: Feature[] = [
  { prefixes: ['/alerts'], load: () => import('../alerts') },
  { prefixes: ['/companies'], load: () => import('../companies') },
  { prefixes: ['/people', '/on-call', '/chat'], load: () => import('../people') },
  { prefixes: ['/runbooks', '/approvals'], load: () => import('../runbooks') },
  { prefixes: ['/numbers'], load: () => import('../numbers') },
  { prefixes: ['/audit'], load: () => import('../audit') },
];

function NotFound() {
  return (
    <Empty title="This page does not exist.">
      <a href="/">Go to the queue</a>
    </Empty>
  );
}

const coreRoutes: RouteObject[] = [
  { path: '/', element: <QueuePage /> },
  { path: '/incidents/:id', element: <IncidentPage /> },
  { path: '*', element: <NotFound /> },
];

// One lazy component per feature, created once (React.lazy caches the module).
const featureViews = new Map<Feature, ComponentType>();
function featureView(f: Feature): ComponentType {
  let v = featureViews.get(f);
  if (!v) {
    v = lazy(async () => {
      const mod = await f.load();
      const routes = [...mod.routes, { path: '*', element: <NotFound /> }];
      function FeatureRoutes() {
        return useRoutes(routes);
      }
      return { default: FeatureRoutes };
    });
    featureViews.set(f, v);
  }
  return v;
}

export function matchFeature(pathname: string): Feature | undefined {
  return FEATURES.find((f) => f.prefixes.some((p) => pathname === p || pathname.startsWith(p + '/')));
}

export function AppRoutes() {
  const { pathname } = useLocation();
  const core = useRoutes(coreRoutes);
  const feature = matchFeature(pathname);
  const View = feature ? featureView(feature) : null;
  return <Suspense fallback={<Spinner />}>{View ? <View /> : core}</Suspense>;
}
