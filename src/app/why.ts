// Gathering the facts `procs why` reads, on a running project or from its files.
// (Being written: the signatures below are the ones other modules use.)
import type { Why } from '../output/why.js';
import type { Project } from './project.js';

/** Why of each named unit (every unit that is not up, when none is named) of a project this procs runs. */
export async function explainProject(project: Project, names: readonly string[] = []): Promise<readonly Why[]> {
  const rows = project.supervisor.status();
  const picked = names.length > 0 ? rows.filter((r) => names.includes(r.name)) : rows;
  return picked.map((r) => ({ unit: r.name, state: r.state, summary: r.reason ?? '' }));
}

/** Why of each named unit (every unit that is not up, when none is named) of the project running from the spec files `files`, asked over its control socket. */
export async function explainRunning(_files: readonly string[], _names: readonly string[] = []): Promise<readonly Why[]> {
  return [];
}
