// The one Server-Sent Events stream (/api/stream). EventSource reconnects by itself after a
// network error (with Last-Event-ID, so no event is missed or repeated); when it gives up (an
// HTTP error closes it), a new one is made after a second.
import type { StreamEvents } from '../src/dashboard/protocol.js';

export interface StreamHandlers {
  onOpen(open: boolean): void;
  onHello(m: StreamEvents['hello']): void;
  onReset(): void;
  onEvent(m: StreamEvents['event']): void;
  onLogs(m: StreamEvents['logs']): void;
}

const RETRY_MS = 1000;

export function connect(url: string, h: StreamHandlers): () => void {
  let source: EventSource | undefined;
  let retry: number | undefined;
  let closed = false;

  const on = <K extends keyof StreamEvents>(es: EventSource, name: K, f: (m: StreamEvents[K]) => void): void => {
    es.addEventListener(name, (e: MessageEvent<string>) => {
      let data: StreamEvents[K];
      try {
        data = JSON.parse(e.data) as StreamEvents[K];
      } catch {
        return;
      }
      f(data);
    });
  };

  const open = (): void => {
    const es = new EventSource(url);
    source = es;
    es.onopen = () => h.onOpen(true);
    es.onerror = () => {
      h.onOpen(false);
      if (es.readyState === EventSource.CLOSED && !closed) {
        retry = window.setTimeout(open, RETRY_MS);
      }
    };
    on(es, 'hello', (m) => h.onHello(m));
    on(es, 'reset', () => h.onReset());
    on(es, 'event', (m) => h.onEvent(m));
    on(es, 'logs', (m) => h.onLogs(m));
  };
  open();
  return () => {
    closed = true;
    window.clearTimeout(retry);
    source?.close();
  };
}
