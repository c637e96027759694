// useReducer whose latest state can also be read synchronously (from socket callbacks and
// timers that outlive a render), without a second copy that could drift from the first.
import { useCallback, useRef, useState } from 'react';

export type RefReducer<S, A> = readonly [S, (action: A) => void, { readonly current: S }];

export function useRefReducer<S, A>(reducer: (state: S, action: A) => S, initial: S): RefReducer<S, A> {
  const ref = useRef(initial);
  const [state, setState] = useState(initial);
  const dispatch = useCallback(
    (action: A) => {
      const next = reducer(ref.current, action);
      if (next === ref.current) return;
      ref.current = next;
      setState(next);
    },
    // The reducers are module-level pure functions: one per hook, never changing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  return [state, dispatch, ref] as const;
}
