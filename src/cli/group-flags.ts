// Flags shared by the `groups` commands (kafka-consumer-groups.sh) and the group selection
// rule (--group, repeatable, or --all-groups).
import { Flags } from '@oclif/core';
import { StreamctlError } from '../engine/common/errors.js';

export const groupSelectionFlags = {
  group: Flags.string({ summary: 'Consumer group id (repeatable).', multiple: true }),
  'all-groups': Flags.boolean({ summary: 'Apply to all consumer groups.' }),
};

/** The groups named by the flags; `listAll` is called for --all-groups. */
export async function selectGroups(
  action: string,
  f: { group?: string[]; 'all-groups'?: boolean },
  listAll: () => Promise<string[]>,
): Promise<string[]> {
  if (f['all-groups']) return listAll();
  if (!f.group || f.group.length === 0) throw new StreamctlError('USAGE', `Option [${action}] takes one of these options: [all-groups], [group]`);
  return f.group;
}
