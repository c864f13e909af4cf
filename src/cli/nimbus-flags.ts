// The --nimbus-url flag of the Storm-side commands and the client it leads to: the flag,
// else the nimbus of the local cluster found through --dir / STREAMCTL_DIR / the default
// (cluster-locator), never a guessed default port.
import { Flags } from '@oclif/core';
import { TopologyClient } from '../engine/runtime/topology-client.js';
import { nimbusUrlFromCluster, resolveClusterDir } from './cluster-locator.js';

export const nimbusFlags = {
  'nimbus-url': Flags.string({
    summary: 'Nimbus REST URL.',
    description: 'Defaults to the nimbus of the local cluster in --dir.',
    helpValue: 'http://host:port',
  }),
};

/** A client for the nimbus the flags name. */
export function topologyClient(flags: { dir?: string; 'nimbus-url'?: string }): TopologyClient {
  const dir = resolveClusterDir(flags.dir);
  return TopologyClient.fromCluster({ dir, nimbusUrl: flags['nimbus-url'] ?? nimbusUrlFromCluster(dir) });
}
