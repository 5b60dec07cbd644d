import { ApiError } from "../shared/api";

/** The server's own words for a failure, or a plain sentence for anything else. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong. Try again.";
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}
