import { useEffect, useState } from 'react';
import type { Chat } from '../chat/chat';
import { highlightRuns, searchMessages, timeOfTs, type SearchMatch, type SearchResult } from '../search';

/** Waits this long after the last keystroke before searching. */
const DEBOUNCE_MS = 250;

/** The search box: results as you type, each with its channel, author and time; a click jumps to the message. */
export function SearchBox({ chat }: { chat: Chat }) {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchResult>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (query.trim() === '') {
      setResult(undefined);
      setError(undefined);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      searchMessages(chat.api, query)
        .then((r) => current && (setResult(r), setError(undefined)))
        .catch((e: Error) => current && setError(e.message));
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [chat, query]);

  const jump = async (m: SearchMatch) => {
    setQuery('');
    await chat.open(m.channel.id);
    if (m.thread_ts) await chat.openThread(m.channel.id, m.thread_ts);
    // The message may be above what the list shows first: bring it into view once it is rendered.
    requestAnimationFrame(() => document.querySelector(`[data-ts="${m.ts}"]`)?.scrollIntoView({ block: 'center' }));
  };

  const where = (m: SearchMatch) => (m.channel.is_im ? chat.userName(m.channel.user ?? m.user) : `#${m.channel.name}`);
  return (
    <div className="search" role="search">
      <input type="search" aria-label="Search messages" placeholder="Search" value={query} onChange={(e) => setQuery(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setQuery('')} />
      {(result || error) && (
        <div className="search-results" role="region" aria-label="Search results">
          {error ? <div className="search-empty">{error === 'invalid_arguments' ? 'That search cannot be read.' : `Search failed: ${error}`}</div> : null}
          {result && !error && (
            <>
              <div className="search-total">{result.total === 1 ? '1 result' : `${result.total} results`}</div>
              <ul>
                {result.matches.map((m) => (
                  <li key={`${m.channel.id}/${m.ts}`}>
                    <button className="search-hit" onClick={() => void jump(m)}>
                      <span className="search-meta">
                        <span className="search-channel">{where(m)}</span> <span className="search-author">{m.username}</span>{' '}
                        <time dateTime={timeOfTs(m.ts).toISOString()}>{timeOfTs(m.ts).toLocaleString()}</time>
                        {m.thread_ts ? <span className="search-thread"> in a thread</span> : null}
                      </span>
                      <span className="search-text">{highlightRuns(m.text).map((r, i) => (r.marked ? <mark key={i}>{r.text}</mark> : <span key={i}>{r.text}</span>))}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
