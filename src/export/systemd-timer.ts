// A scheduled unit under systemd: its service runs once per activation (Type=oneshot, not wanted
// by the target), and a .timer of the same name starts it: OnCalendar= from `cron` (in its zone),
// OnActiveSec= and OnUnitActiveSec= from `every`, OnActiveSec=0 for `run_on_start`.
import type { ScheduleSpec, UnitSpec } from '../config/spec.js';
import { durationText } from './names.js';
import { onCalendar } from './schedule.js';
import { escapeSpecifiers, unitText, type Section } from './systemd-syntax.js';
import type { ExportFile, Notes } from './types.js';

interface TimerContext {
  readonly project: string;
  readonly header: string;
  /** The service the timer starts. */
  readonly service: string;
}

/** The service's sections for a scheduled unit, and its timer file. */
export function scheduledUnit(
  unit: UnitSpec,
  schedule: ScheduleSpec,
  sections: readonly Section[],
  ctx: TimerContext,
  notes: Notes,
): { service: Section[]; timer: ExportFile } {
  const service = sections
    // The timer is what the target wants; the service has no [Install] of its own.
    .filter(([name]) => name !== 'Install')
    .map(([name, entries]): Section => {
      if (name !== 'Service') return [name, entries];
      // Each activation is one run: not "active" once it has exited, so that the next tick starts it again.
      const kept = entries.filter(([k]) => k !== 'RemainAfterExit' && k !== 'Type');
      return [name, [['Type', 'oneshot'], ...kept]];
    });
  const timer: [string, string][] = [];
  if (schedule.cron !== undefined) {
    for (const calendar of onCalendar(schedule.cron, schedule.timezone)) timer.push(['OnCalendar', calendar]);
    if (schedule.runOnStart) timer.push(['OnActiveSec', '0']);
  } else if (schedule.everyMs !== undefined) {
    const every = durationText(schedule.everyMs);
    timer.push(['OnActiveSec', schedule.runOnStart ? '0' : every], ['OnUnitActiveSec', every]);
    notes.add(`${unit.name}: OnUnitActiveSec= counts each interval from the last run's start, procs' \`every\` from when it started the unit`);
  }
  timer.push(['AccuracySec', '1s'], ['Unit', ctx.service]);
  if (schedule.concurrency !== 'forbid') {
    notes.add(
      `${unit.name}: a systemd timer never ${schedule.concurrency === 'replace' ? 'replaces' : 'runs beside'} a run still going (the tick is skipped, as with concurrency: forbid)`,
    );
  }
  const sectionsOfTimer: Section[] = [
    [
      'Unit',
      [
        ['Description', escapeSpecifiers(`procs schedule of ${unit.name} of ${ctx.project}`)],
        ['PartOf', `${ctx.project}.target`],
      ],
    ],
    ['Timer', timer],
    ['Install', [['WantedBy', `${ctx.project}.target`]]],
  ];
  return { service, timer: { path: ctx.service.replace(/\.service$/, '.timer'), content: unitText(ctx.header, sectionsOfTimer) } };
}
