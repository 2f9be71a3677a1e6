// /chat: a company's chat, live (chat_message events). Oldest at the top,
// newest at the bottom; older pages on demand. Clients read only (no mutating
// control is rendered for them), although the API would accept their posts.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { api, type Page } from '../api/client';
import type { LiveEvent } from '../api/types';
import { useUser } from '../auth/useSession';
import { can, roleLabel } from '../components/roles';
import { Empty, Notice, Time } from '../components/ui';
import { useLiveEvents } from '../live/LiveProvider';
import { CompanySelect, PageHead, QueryView, useCompanies } from '../companies/kit';
import './people.css';

interface Message {
  id: string;
  company_id: string;
  timestamp: string;
  sender_id: string;
  sender_name?: string;
  sender_email?: string;
  sender_role?: string;
  message: string;
  created_at: string;
}

export default function ChatPage() {
  const me = useUser();
  const qc = useQueryClient();
  const [search, setSearch] = useSearchParams();
  const companies = useCompanies();
  const company = search.get('company') || companies.data?.[0]?.id || '';
  const key = ['chat', company];
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam, signal }) => api.page<Message>(`/api/chat/${company}`, { limit: 50, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    enabled: Boolean(company),
    staleTime: Infinity, // live events keep it current
  });
  const [text, setText] = useState('');
  const bottom = useRef<HTMLDivElement>(null);

  const add = (m: Message) =>
    qc.setQueryData<InfiniteData<Page<Message>, string | null>>(key, (old) => {
      if (!old || old.pages.some((p) => p.items.some((x) => x.id === m.id))) return old;
      const [first, ...rest] = old.pages;
      return { ...old, pages: [{ ...first, items: [m, ...first.items] }, ...rest] };
    });

  useLiveEvents((ev: LiveEvent) => {
    if (ev.type !== 'chat_message') return;
    const m = ev.data as Message;
    if (m?.company_id === company) add(m);
  });

  const markRead = useMutation({ mutationFn: () => api.put(`/api/chat/${company}/mark-read`) });
  const send = useMutation({
    mutationFn: (message: string) => api.post<Message>(`/api/chat/${company}`, { message }),
    onSuccess: (m) => {
      add(m);
      setText('');
    },
  });

  const messages = useMemo(() => (q.data?.pages ?? []).flatMap((p) => p.items).slice().reverse(), [q.data]);
  const newest = messages.length ? messages[messages.length - 1].id : '';
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
    if (newest && can.workIncidents(me)) markRead.mutate();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [newest]);

  const canPost = can.workIncidents(me);
  const tooLong = [...text].length > 4000;

  return (
    <div className="chat-page">
      <PageHead title="Chat" sub="Messages between the MSP and the company, live.">
        <CompanySelect value={company} onChange={(id) => setSearch({ company: id }, { replace: true })} />
      </PageHead>
      {!company ? (
        <Empty title="No company to chat with." />
      ) : (
        <QueryView q={q} loading="Loading messages…">
          {() => (
            <div className="chat card">
              {q.hasNextPage && (
                <div className="load-more">
                  <button type="button" className="btn btn-sm" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
                    {q.isFetchingNextPage ? 'Loading…' : 'Older messages'}
                  </button>
                </div>
              )}
              {messages.length === 0 ? (
                <Empty title="No messages yet.">{canPost ? 'Write the first one below.' : ''}</Empty>
              ) : (
                <ol className="chat-list" aria-live="polite" aria-label="Messages" data-testid="chat-list">
                  {messages.map((m) => (
                    <li key={m.id} className={m.sender_id === me.id ? 'chat-mine' : ''}>
                      <div className="chat-meta">
                        <strong>{m.sender_name || m.sender_email}</strong>
                        {m.sender_role && <span className="muted"> · {roleLabel({ role: m.sender_role as never })}</span>}
                        <span className="muted">
                          {' '}
                          · <Time iso={m.created_at} />
                        </span>
                      </div>
                      <div className="chat-text">{m.message}</div>
                    </li>
                  ))}
                </ol>
              )}
              <div ref={bottom} />
              {canPost ? (
                <form
                  className="chat-compose"
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (text.trim() && !tooLong) send.mutate(text);
                  }}
                >
                  <label className="sr-only" htmlFor="chat-input">
                    Message
                  </label>
                  <textarea
                    id="chat-input"
                    value={text}
                    rows={2}
                    placeholder="Write a message… (Enter sends, Shift+Enter for a new line)"
                    onChange={(e) => setText(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' && !e.shiftKey) {
                        e.preventDefault();
                        if (text.trim() && !tooLong) send.mutate(text);
                      }
                    }}
                  />
                  <button type="submit" className="btn btn-primary" disabled={send.isPending || !text.trim() || tooLong}>
                    Send
                  </button>
                </form>
              ) : (
                <p className="muted">You can read this chat; your role does not post.</p>
              )}
              {tooLong && <Notice>A message may be at most 4,000 characters.</Notice>}
              {send.isError && <Notice>{(send.error as Error).message}</Notice>}
            </div>
          )}
        </QueryView>
      )}
    </div>
  );
}
