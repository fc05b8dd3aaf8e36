// Requests to the dashboard's HTTP API (src/dashboard/protocol.ts): reads by GET, actions by POST
// with a JSON body and the action header; an error answer becomes an ApiError with its message.
import { ACTION_HEADER } from '../src/dashboard/protocol.js';
import type { LogPage } from '../src/dashboard/protocol.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface ErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string; readonly details?: unknown };
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: the status says what happened.
  }
  if (!res.ok) {
    const err = (body as ErrorBody | undefined)?.error;
    throw new ApiError(err?.message ?? `${res.status} ${res.statusText}`, err?.code ?? 'http', res.status);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [ACTION_HEADER]: '1' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  return answer<T>(res);
}

/** Lines from the log files (before/have paging): see LogPage. */
export async function getLogs(params: readonly [string, string][]): Promise<LogPage> {
  return getJson<LogPage>(`/api/logs?${new URLSearchParams(params as [string, string][]).toString()}`);
}
