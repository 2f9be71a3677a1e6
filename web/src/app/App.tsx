import { useEffect, useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router-dom';
import { ApiError } from '../api/errors';
import { restore } from '../api/session';
import { LoginPage } from '../auth/LoginPage';
import { useSession } from '../auth/useSession';
import { Spinner } from '../components/ui';
import { LiveProvider } from '../live/LiveProvider';
import { Layout } from './Layout';
import { shouldRetry } from './retry';


function makeClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        retryDelay: (n, error) =>
          error instanceof ApiError && error.retryAfter !== undefined ? error.retryAfter * 1000 : Math.min(8000, 1000 * 2 ** n),
        staleTime: 15_000,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

export function App() {
  const [qc] = useState(makeClient);
  const session = useSession();
  useEffect(() => {
    void restore();
  }, []);
  useEffect(() => {
    // Nothing of one user may stay cached for the next.
    if (session.status === 'signed_out') qc.clear();
  }, [session.status, qc]);

  if (session.status === 'unknown') return <Spinner label="Loading Alert Whisperer…" />;
  return (
    <QueryClientProvider client={qc}>
      <BrowserRouter>
        {session.status === 'signed_out' ? (
          <LoginPage reason={session.endedReason} />
        ) : (
          <LiveProvider enabled={session.status === 'signed_in'} key={session.user?.id}>
            <Layout />
          </LiveProvider>
        )}
      </BrowserRouter>
    </QueryClientProvider>
  );
}
