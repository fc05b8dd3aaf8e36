// The terminal a command runs on: process.stdout and process.stderr, colours and the startup view.
import type { Display } from '../app/options.js';
import { colorEnabled } from '../output/colors.js';
import type { ParsedArgs } from './args.js';

/** How a running project shows here: colours, `--json` and the startup view from the flags and the terminal. */
export function display(args: ParsedArgs): Display {
  const json = args.flags.json === true;
  return {
    out: process.stdout,
    err: process.stderr,
    json,
    color: colorEnabled({ stream: process.stdout, noColorFlag: args.flags['no-color'] === true }),
    startupView: startupViewFor(json),
  };
}

/** How the startup phase shows: a task list on a terminal, groups on GitHub Actions, sections on GitLab CI, else plain lines. */
function startupViewFor(json: boolean): Display['startupView'] {
  if (json) return undefined;
  if (process.stdout.isTTY && (process.stdout.columns ?? 0) > 0) return 'tasks';
  if (process.env.GITHUB_ACTIONS === 'true') return 'ci-groups';
  return process.env.GITLAB_CI === 'true' ? 'gitlab-sections' : undefined;
}
