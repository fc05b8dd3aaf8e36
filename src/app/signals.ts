// The one wiring of the signals that end procs, for `up` in the foreground, `procs run` and the
// daemon: SIGINT, SIGTERM and SIGHUP (unless SIGHUP means reload). The first asks for a graceful
// end, every later one for a forced one.

/** Where signals come from: the process, or an emitter in a test. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface ShutdownHandlers {
  /** The first signal (or `request`): end gracefully. */
  graceful(signal: NodeJS.Signals): void;
  /** Each later signal: end at once. Without it, later signals do nothing more. */
  force?(signal: NodeJS.Signals): void;
  /** When given, SIGHUP calls this instead (the daemon reloads) and does not count as a signal to end. */
  hangup?(): void;
}

export interface ShutdownSignals {
  /** Acts as a first signal would; nothing when a signal came already. */
  request(signal: NodeJS.Signals): void;
  /** Stops listening. */
  off(): void;
}

/** Listens for the signals that end procs until `off()`. */
export function onShutdownSignals(h: ShutdownHandlers, source: SignalSource = process): ShutdownSignals {
  let count = 0;
  const received = (sig: NodeJS.Signals): void => {
    count += 1;
    if (count === 1) h.graceful(sig);
    else h.force?.(sig);
  };
  const ending: NodeJS.Signals[] = h.hangup ? ['SIGTERM', 'SIGINT'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const listeners: [NodeJS.Signals, () => void][] = ending.map((sig) => [sig, () => received(sig)]);
  if (h.hangup) listeners.push(['SIGHUP', () => h.hangup?.()]);
  for (const [sig, fn] of listeners) source.on(sig, fn);
  return {
    request(sig) {
      if (count === 0) received(sig);
    },
    off() {
      for (const [sig, fn] of listeners) source.off(sig, fn);
    },
  };
}
