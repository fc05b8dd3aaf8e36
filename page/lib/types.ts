// The types the page reads, named: each taken from the dashboard's protocol (the one file of src/
// the page may import), as the answers and messages it describes carry them.
import type { DashboardState, StreamEvents } from '../../src/dashboard/protocol.js';

export type { DashboardState, LogLine, LogPage, StreamEvents } from '../../src/dashboard/protocol.js';

export type ProjectStatus = DashboardState['status'];
export type UnitRow = ProjectStatus['units'][number];
export type PoolRow = ProjectStatus['pools'][number];
export type UsageResult = NonNullable<DashboardState['usage']>;
export type UnitUsage = UsageResult['units'][number];
export type Why = DashboardState['why'][number];
export type Graph = DashboardState['graph'];
export type GraphNode = Graph['nodes'][number];
export type ProcsEvent = StreamEvents['event']['event'];

/** What POST /api/reload answers (the control API's ReloadResult), as far as the page shows it. */
export interface ReloadAnswer {
  readonly actions: readonly string[];
  readonly warnings: readonly string[];
}
