// `.procs/dashboard.json`: the port and token of the project's last dashboard, so that the next
// one (after `procs down` and `up`) serves on the same URL and a page left open reconnects.
// Written whole with mode 0600: the token lets anyone who holds it act on the project.
import { readRegularSync, writeRegularSync } from '../events/regular-file.js';

export interface DashboardSettings {
  readonly port: number;
  readonly token: string;
}

/** 32 random bytes, base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A fresh token. node:crypto is loaded here, when a dashboard is made, not with procs: loading it
 * starts OpenSSL, 4.4 MB of resident memory that every `up` and daemon held for nothing.
 */
export function newToken(): string {
  return process.getBuiltinModule('node:crypto').randomBytes(32).toString('base64url');
}

/** Whether `port` can be served on: a whole number from 1 to 65535. */
export function validPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** What the file holds that can be used again: a valid port and a valid token, each or none. */
export function readSettings(file: string): { port?: number; token?: string } {
  let text: string | undefined;
  try {
    text = readRegularSync(file);
  } catch {
    return {}; // a link or a folder in its place: a new token, a new file
  }
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const { port, token } = value as Record<string, unknown>;
  return { ...(validPort(port) ? { port } : {}), ...(typeof token === 'string' && TOKEN.test(token) ? { token } : {}) };
}

/** Saves the settings (mode 0600); a failure to write only costs the next dashboard its URL. */
export function saveSettings(file: string, s: DashboardSettings): boolean {
  try {
    writeRegularSync(file, `${JSON.stringify({ port: s.port, token: s.token })}\n`, 0o600);
    return true;
  } catch {
    return false;
  }
}
