// The event timeline, newest first (the live model keeps it bounded).
import { eventDetail } from './lib/format.js';
import type { TimedEvent } from './live.js';

function clock(ts: string): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

export function Timeline({ events }: { readonly events: readonly TimedEvent[] }) {
  return (
    <section class="panel timeline-panel">
      <h2>Events</h2>
      <ol id="timeline">
        {events.map(({ seq, event }) => (
          <li key={seq} data-seq={seq} class={`ev-${event.type}${event.state !== undefined ? ` st-${event.state}` : ''}`}>
            <span class="time">{clock(event.ts)}</span> <span class="unit">{event.unit}</span> <span class="type">{event.type}</span>{' '}
            <span class="detail">{eventDetail(event)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
