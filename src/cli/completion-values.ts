// What shell completion needs from the CLI: the command list in the completion engine's
// terms (from oclif's config), and names from the running cluster (topics, consumer groups,
// topology names, broker ids), bounded by a short deadline and silent: no cluster, a stopped
// one or a slow one gives an empty list, never an error (completion must not disturb a prompt).
import type { Config } from '@oclif/core';
import { AdminClient } from '../engine/client/admin-client.js';
import type { ClusterValueKind, CompletionCommand } from '../engine/client/shell-completion.js';
import { TopologyClient } from '../engine/runtime/topology-client.js';
import { bootstrapServersFromCluster, nimbusUrlFromCluster, readRunningCluster, resolveClusterDir } from './cluster-locator.js';

async function lookup(kind: ClusterValueKind, dir: string, timeoutMs: number): Promise<string[]> {
  if (kind === 'broker') return (readRunningCluster(dir).brokers ?? []).map((b) => String(b.id));
  if (kind === 'topology') {
    const listed = await TopologyClient.fromCluster({ dir, nimbusUrl: nimbusUrlFromCluster(dir) }).list();
    return listed.topologies.map((t) => t.name);
  }
  const admin = AdminClient.open({ bootstrapServers: bootstrapServersFromCluster(dir), requestTimeoutMs: timeoutMs, retries: 0 });
  try {
    if (kind === 'topic') return await admin.listTopics({ excludeInternal: true });
    return (await admin.listGroups()).map((g) => g.group);
  } finally {
    void admin.close();
  }
}

/** The cluster's names of one kind, or [] when there is no answer within `timeoutMs`. */
export async function clusterCompletionValues(kind: ClusterValueKind, options: { dir?: string; timeoutMs: number }): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), options.timeoutMs);
  });
  try {
    return await Promise.race([lookup(kind, resolveClusterDir(options.dir), options.timeoutMs).catch(() => []), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The visible commands with their flags (and whether each takes a value) and arguments. */
export function completionCommands(config: Config): CompletionCommand[] {
  return config.commands
    .filter((c) => !c.hidden)
    .map((c) => ({
      id: c.id,
      summary: c.summary,
      flags: Object.entries(c.flags ?? {})
        .filter(([, f]) => !f.hidden)
        .map(([name, f]) => ({
          name,
          ...(f.char ? { char: f.char } : {}),
          takesValue: f.type === 'option',
          ...(f.type === 'option' && f.options ? { options: [...f.options] } : {}),
        })),
      args: Object.entries(c.args ?? {}).map(([name, a]) => ({ name, ...(a.options ? { options: [...a.options] } : {}) })),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}
