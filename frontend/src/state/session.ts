// Who is using the app: the answer to GET /api/auth/me decides between the app, the login
// page, and "the server cannot be reached" (which retries by itself).
import { ApiError } from "../api/client";
import type { Me } from "../api/types";

export type Session =
  | { kind: "checking" }
  | { kind: "in"; me: Me }
  | { kind: "login" }
  | { kind: "unreachable"; message: string };

/** The session for /api/auth/me's answer: a user, or the error it threw. */
export function sessionFrom(answer: Me | unknown): Session {
  if (answer instanceof ApiError) {
    return answer.status === 401
      ? { kind: "login" }
      : { kind: "unreachable", message: answer.message };
  }
  if (answer instanceof Error) return { kind: "unreachable", message: answer.message };
  return { kind: "in", me: answer as Me };
}

/** The login form's message for a failed login. */
export function loginError(e: unknown): string {
  if (e instanceof ApiError && e.status === 401) return "Wrong user name or password.";
  if (e instanceof ApiError && e.status === 429) return e.message; // says when to try again
  return e instanceof ApiError ? e.message : String(e);
}
