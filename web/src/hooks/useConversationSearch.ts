// Search over the user's conversations: the query typed in the sidebar, answered after a short
// pause (one request per pause, a late answer for an older query ignored).
import { useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api';
import type { SearchHit } from '../types';

export interface ConversationSearch {
  query: string;
  setQuery: (q: string) => void;
  hits: SearchHit[];
  searching: boolean;
  /** The query the hits answer (what "no hits for …" names). */
  answered: string;
}

const PAUSE_MS = 250;

export function useConversationSearch(api: ApiClient, pushError: (e: unknown) => void): ConversationSearch {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [answered, setAnswered] = useState('');
  const [searching, setSearching] = useState(false);
  const latest = useRef(0);

  useEffect(() => {
    const q = query.trim();
    const request = ++latest.current;
    if (!q) {
      setHits([]);
      setAnswered('');
      setSearching(false);
      return;
    }
    setSearching(true);
    const timer = setTimeout(() => {
      api.searchConversations(q).then(
        (found) => {
          if (request !== latest.current) return;
          setHits(found);
          setAnswered(q);
          setSearching(false);
        },
        (e: unknown) => {
          if (request !== latest.current) return;
          setSearching(false);
          pushError(e);
        },
      );
    }, PAUSE_MS);
    return () => clearTimeout(timer);
  }, [api, query, pushError]);

  return { query, setQuery, hits, searching, answered };
}
