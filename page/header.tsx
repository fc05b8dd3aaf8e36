// The header: project name, counts by state, connection, reload and down (with a confirm).
import { useRef } from 'preact/hooks';
import type { UnitRow } from './lib/types.js';
import { countsByState } from './lib/summary.js';

interface Props {
  readonly project: string;
  readonly units: readonly UnitRow[];
  readonly connected: boolean;
  readonly onReload: () => void;
  readonly onDown: () => void;
}

export function Header({ project, units, connected, onReload, onDown }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <header class="top">
      <span class="brand">procs</span>
      <h1 class="project">{project || '…'}</h1>
      <span class="counts">
        {countsByState(units).map(([state, n]) => (
          <span key={state} class={`count st-${state}`} title={state}>
            <span data-count={state}>{n}</span> {state}
          </span>
        ))}
      </span>
      <span class="spacer" />
      <span id="connection" data-state={connected ? 'connected' : 'disconnected'} class={connected ? 'conn ok' : 'conn lost'}>
        {connected ? 'connected' : 'disconnected'}
      </span>
      <button type="button" data-action="reload" onClick={onReload} title="Read the spec again and apply it">
        reload
      </button>
      <button type="button" class="danger" data-action="down" onClick={() => dialog.current?.showModal()} title="Stop every unit and the project">
        down
      </button>
      <dialog id="confirm-down" ref={dialog}>
        <p>
          Stop every unit of <b>{project}</b> and the project?
        </p>
        <div class="buttons">
          <button type="button" data-action="cancel" onClick={() => dialog.current?.close()}>
            cancel
          </button>
          <button
            type="button"
            class="danger"
            data-action="confirm-down"
            onClick={() => {
              dialog.current?.close();
              onDown();
            }}
          >
            down
          </button>
        </div>
      </dialog>
    </header>
  );
}
