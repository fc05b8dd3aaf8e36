// A unit on a pseudo-terminal reaches the line path as a terminal shows it: its "\r"-redrawn
// progress as the last frame only, colours kept and closed, cursor moves and titles dropped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHost } from '../../src/proc/create-host.js';
import { useProcessTracker, within } from '../helpers/processes.js';
import { CollectingSink } from '../helpers/sink.js';
import { pipelineUnit, processUnit, sh } from '../helpers/units.js';

const host = createHost({ guardian: true });
const tracker = useProcessTracker();

describe(`tty: true output as lines (${host.backend} host)`, () => {
  it('keeps the last frame of a progress bar and the colours, drops cursor moves and titles', async () => {
    const script = [
      "printf '\\033]0;a title\\007'",
      "for i in 1 2 3 4 5; do printf '\\r\\033[K\\033[36m%s0%%\\033[0m' $i; done",
      "printf '\\r\\033[K\\033[32mdone\\033[0m\\n'",
      "printf '\\033[2J\\033[H\\033[5Aafter\\n'",
      "printf '\\033[1mbold\\n'",
      "printf 'still\\033[0m\\n'",
    ].join('; ');
    const sink = new CollectingSink();
    const unit = tracker.add(host.spawnUnit(processUnit('bar', sh(script), { tty: true }), sink));
    await within(unit.exited, 60_000, 'the unit to end');
    await within(unit.outputDone, 60_000, 'its output to end');
    assert.equal(sink.text('bar'), '\x1b[32mdone\x1b[0m\nafter\n\x1b[1mbold\x1b[0m\n\x1b[1mstill\x1b[0m\n');
  });

  it("does the same for a pipeline's last step on the terminal", async () => {
    const last = "while read -r n; do printf '\\r\\033[K\\033[36m%s%%\\033[0m' \"$n\"; done; printf '\\r\\033[K\\033[5Aall done\\n'";
    const sink = new CollectingSink();
    const unit = tracker.add(host.spawnPipeline(pipelineUnit('pl', [sh('seq 10 10 100'), sh(last)], { tty: true }), sink));
    await within(unit.exited, 60_000, 'the pipeline to end');
    await within(unit.outputDone, 60_000, 'its output to end');
    assert.equal(sink.text('pl'), 'all done\n');
  });
});
