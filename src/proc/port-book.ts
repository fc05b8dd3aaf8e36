// `port: auto`: the ports procs picked for a project's units, each kept for the project's life
// (restarts and reloads get the same one) and held by a socket procs listens on until the unit
// is about to start, so that nothing else takes it meanwhile.
import { createServer, type Server } from 'node:net';
import { portHolder } from './ports.js';

/** Where picking starts when no port is preferred: below Linux's ephemeral range (32768 and up). */
const FIRST = 20000;
const LAST = 32767;

export class PortBook {
  /** The port each unit got. */
  readonly #chosen = new Map<string, number>();
  /** Sockets holding ports whose unit has not started since they were picked. */
  readonly #held = new Map<number, Server>();

  /**
   * The port of `unit`: the one it got before, else the first free one from `preferred`, held
   * from now until `release`.
   */
  pick(unit: string, preferred: number): number {
    const known = this.#chosen.get(unit);
    if (known !== undefined) return known;
    const taken = new Set(this.#chosen.values());
    const span = LAST - FIRST + 1;
    const start = preferred >= FIRST && preferred <= LAST ? preferred : FIRST;
    for (let i = 0; i < span; i++) {
      const port = FIRST + ((start - FIRST + i) % span);
      if (taken.has(port) || portHolder(port) !== undefined) continue;
      this.#chosen.set(unit, port);
      this.#hold(port);
      return port;
    }
    return start; // nothing free in the whole range: the check before the start says so
  }

  /** Lets go of `port` (the unit is about to start and listen on it); nothing when it is not held. */
  release(port: number): void {
    const server = this.#held.get(port);
    if (server === undefined) return;
    this.#held.delete(port);
    // The listening socket closes at once; the callback only reports it.
    server.close();
  }

  /** Lets go of every port held (the project ends). */
  close(): void {
    for (const port of [...this.#held.keys()]) this.release(port);
  }

  // Listens on `port` (every address, as a unit would) without keeping procs alive for it. Given
  // no host, Node binds at once; a failure (taken in between) only means the port is not held.
  #hold(port: number): void {
    const server = createServer();
    server.on('error', () => this.#held.delete(port));
    server.listen({ port, exclusive: true });
    server.unref();
    this.#held.set(port, server);
  }
}
