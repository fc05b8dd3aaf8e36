// Scheduled units in the exports: a cron expression as systemd's OnCalendar=, an `every` interval
// as a five-field cron for a Kubernetes CronJob. Pure: text in, text out, notes for what the target
// cannot say.
import { cronFields } from '../config/cron.js';
import type { ScheduleSpec } from '../config/spec.js';

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const SYSTEMD_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The values a field matches, in order; undefined for `*` (and `?`). */
function values(text: string, min: number, max: number, names?: readonly string[]): number[] | undefined {
  if (text === '*' || text === '?') return undefined;
  const out = new Set<number>();
  const num = (t: string): number => {
    const i = names?.indexOf(t.toLowerCase()) ?? -1;
    return i >= 0 ? i + (names === MONTH_NAMES ? 1 : 0) : Number(t);
  };
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from = '', to] = range.split('-');
    const a = range === '*' ? min : num(from);
    const b = range === '*' ? max : to !== undefined ? num(to) : stepText !== undefined ? max : a;
    for (let v = a; v <= b; v += step) out.add(v);
  }
  return [...out].sort((x, y) => x - y);
}

const two = (n: number): string => String(n).padStart(2, '0');

/** A time field of OnCalendar=: `*`, `00/10` for a step from 0, or the list of values. */
function calendarField(text: string, min: number, max: number): string {
  const step = /^\*\/(\d+)$/.exec(text);
  if (step) return `${two(min)}/${step[1]}`;
  return values(text, min, max)?.map(two).join(',') ?? '*';
}

/**
 * The OnCalendar= values of a cron expression (checked already): one, or two when both day of
 * month and day of week are restricted (cron runs when either matches; systemd wants both within
 * one value, so each gets its own line).
 */
export function onCalendar(cron: string, timezone: string | undefined): string[] {
  const split = cronFields(cron);
  if ('problem' in split) return [];
  const texts = split.fields.map((f) => f.text);
  const [second, minute = '*', hour = '*', dom = '*', month = '*', dow = '*'] = texts.length === 6 ? texts : ['0', ...texts];
  const time = `${calendarField(hour, 0, 23)}:${calendarField(minute, 0, 59)}:${calendarField(second ?? '0', 0, 59)}`;
  const months = values(month, 1, 12, MONTH_NAMES)?.map(two).join(',') ?? '*';
  const days = values(dom, 1, 31)?.map(two).join(',') ?? '*';
  const weekdays = values(dow, 0, 7, DAY_NAMES)?.map((d) => SYSTEMD_DAYS[d % 7] ?? 'Sun');
  const zone = timezone === undefined ? '' : ` ${timezone}`;
  const weekdayText = weekdays ? [...new Set(weekdays)].join(',') : undefined;
  const dayRestricted = dom !== '*' && dom !== '?';
  if (weekdayText && dayRestricted) {
    return [`*-${months}-${days} ${time}${zone}`, `${weekdayText} *-${months}-* ${time}${zone}`];
  }
  return [`${weekdayText ? `${weekdayText} ` : ''}*-${months}-${days} ${time}${zone}`];
}

/** Intervals (minutes) a five-field cron repeats at evenly: divisors of an hour, then of a day. */
const EVEN_MINUTES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440];

/** The cron of an `every` interval, and whether it is exact (else the nearest shorter even interval). */
export function everyAsCron(everyMs: number): { cron: string; exact: boolean; minutes: number } {
  const minutes = [...EVEN_MINUTES].reverse().find((m) => m * 60_000 <= everyMs) ?? 1;
  const exact = minutes * 60_000 === everyMs;
  const cron = minutes < 60 ? `*/${minutes} * * * *` : minutes < 1440 ? `0 */${minutes / 60} * * *` : '0 0 * * *';
  return { cron: cron.replace('*/1 ', '* ').replace('*/1 ', '* '), exact, minutes };
}

/** A five-field cron for Kubernetes: six fields lose their seconds (`exact` false unless they are 0). */
export function fiveFields(schedule: ScheduleSpec): { cron: string; exact: boolean } | undefined {
  if (schedule.cron === undefined) return undefined;
  const split = cronFields(schedule.cron);
  if ('problem' in split || split.fields.length === 5 || schedule.cron.startsWith('@')) return { cron: schedule.cron, exact: true };
  const [seconds, ...rest] = split.fields.map((f) => f.text);
  return { cron: rest.join(' '), exact: seconds === '0' };
}

/** Compose has no scheduler: what a scheduled unit becomes there. */
export function scheduleNote(name: string): string {
  return `${name}: compose has no scheduler; the service runs once at \`docker compose up\` (schedule \`docker compose run ${name}\` with cron or a systemd timer)`;
}
