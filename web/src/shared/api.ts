// The platform's REST API, typed. Every call sends the caller's bearer token and turns an
// error reply into an ApiError that carries the server's stable `code` and its message.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export type TokenSource = () => string | null;

/** What the server says went wrong, from any of its error shapes. */
export function describeError(status: number, body: unknown): { code: string; message: string } {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (detail && typeof detail === "object" && !Array.isArray(detail)) {
    const d = detail as { code?: string; message?: string };
    return { code: d.code ?? `http_${status}`, message: d.message ?? `request failed (${status})` };
  }
  if (typeof detail === "string") return { code: `http_${status}`, message: detail };
  if (Array.isArray(detail)) {
    const fields = detail
      .map((item: { loc?: unknown[]; msg?: string }) =>
        `${(item.loc ?? []).slice(1).join(".") || "body"}: ${item.msg ?? "invalid"}`,
      )
      .join("; ");
    return { code: "invalid_request", message: fields || "the request was not valid" };
  }
  return { code: `http_${status}`, message: `request failed (${status})` };
}

export class Api {
  constructor(
    private readonly token: TokenSource,
    private readonly base = "",
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network", "The server cannot be reached. Check your connection.");
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      const { code, message } = describeError(response.status, parsed);
      throw new ApiError(response.status, code, message);
    }
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("PUT", path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }
}

/** `?a=1&b=2` from the defined values, or "" when there are none. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
