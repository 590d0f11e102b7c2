import diagnostics from 'node:diagnostics_channel';

/**
 * What the store reports about its own work, for metrics (src/metrics/). Published on
 * diagnostics channels, so the store needs no reference to a metrics registry and a process
 * without a subscriber pays one `hasSubscribers` check per event.
 */
export interface GroupCommitReport {
  /** Writes in the transaction. */
  writes: number;
  /** BEGIN to COMMIT, seconds. */
  commitSeconds: number;
  /** The WAL fdatasync after it, seconds (0 when nothing is synced). */
  syncSeconds: number;
}

export interface QueryReport {
  seconds: number;
}

export const GROUP_COMMIT_CHANNEL = diagnostics.channel('clientele:store:group-commit');
export const QUERY_CHANNEL = diagnostics.channel('clientele:store:query');

export function reportGroupCommit(report: GroupCommitReport): void {
  if (GROUP_COMMIT_CHANNEL.hasSubscribers) GROUP_COMMIT_CHANNEL.publish(report);
}

export function reportQuery(seconds: number): void {
  if (QUERY_CHANNEL.hasSubscribers) QUERY_CHANNEL.publish({ seconds } satisfies QueryReport);
}
