import { useEffect, useReducer } from "react";
import type { Session } from "../shared/session";

/** Re-render when the session signs in, refreshes or signs out. */
export function useSession(session: Session): Session {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => session.subscribe(bump), [session]);
  return session;
}
