// Flags of Kafka 3.9's tools that have no meaning in streamctl: declared (hidden) so that a
// command pasted from Kafka's docs gets a usage error naming the flag and why (exit 2)
// instead of oclif's generic "Nonexistent flag". The base command refuses them after parsing.
import { Flags, type Interfaces } from '@oclif/core';

/** The help group that marks a refused flag; its description holds the reason. */
export const REFUSED_GROUP = 'KAFKA OPTIONS NOT SUPPORTED';

type RefusedSpec = Record<string, { takesValue: boolean; reason: string }>;

/** Hidden flags for the given Kafka options (spread them into a command's flags). */
export function refusedFlags<S extends RefusedSpec>(spec: S): Record<keyof S, Interfaces.OptionFlag<string | undefined>> {
  return Object.fromEntries(
    Object.entries(spec).map(([name, { takesValue, reason }]) => [
      name,
      takesValue ? Flags.string({ hidden: true, helpGroup: REFUSED_GROUP, description: reason }) : Flags.boolean({ hidden: true, helpGroup: REFUSED_GROUP, description: reason }),
    ]),
    // Typed alike: commands never read these flags, the base command only checks presence.
  ) as unknown as Record<keyof S, Interfaces.OptionFlag<string | undefined>>;
}

/** The usage message for the first refused flag present in `parsed`, if any. */
export function refusedFlagMessage(definitions: Record<string, { helpGroup?: string; description?: string }>, parsed: Record<string, unknown>): string | undefined {
  for (const [name, def] of Object.entries(definitions)) {
    if (def.helpGroup !== REFUSED_GROUP) continue;
    const value = parsed[name];
    if (value === undefined || value === false) continue;
    return `--${name} is a Kafka option that streamctl does not support: ${def.description ?? 'it has no meaning here'}`;
  }
  return undefined;
}

/** Producer client tuning options of Kafka's tools that have no counterpart in streamctl's client. */
export const PRODUCER_TUNING_REASON = "the producer's buffering and retries are not tunable here";
