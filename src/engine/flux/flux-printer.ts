// What Storm's Flux prints before it submits (and all it prints with --dry-run): the
// splash banner (flux-core's splash.txt with its Version line), `Parsing file: <abs path>`
// and printTopologyInfo's "TOPOLOGY DETAILS" listing (`id [parallelism] (className)`,
// `from --GROUPING--> to`, the worker hooks section). Pure.
import type { FluxTopologyDef } from './flux-model.js';

export const FLUX_SPLASH = [
  '███████╗██╗     ██╗   ██╗██╗  ██╗',
  '██╔════╝██║     ██║   ██║╚██╗██╔╝',
  '█████╗  ██║     ██║   ██║ ╚███╔╝',
  '██╔══╝  ██║     ██║   ██║ ██╔██╗',
  '██║     ███████╗╚██████╔╝██╔╝ ██╗',
  '╚═╝     ╚══════╝ ╚═════╝ ╚═╝  ╚═╝',
  '+-         Apache Storm        -+',
  '+-  data FLow User eXperience  -+',
];

export interface FluxPrintOptions {
  /** Flux's -n/--no-splash. */
  noSplash?: boolean;
  /** Flux's -q/--no-detail. */
  noDetail?: boolean;
  /** Shown on the splash's Version line. */
  version: string;
}

/** The lines Flux prints for `def` parsed from the absolute path `file`. */
export function formatFluxInfo(def: FluxTopologyDef, file: string, options: FluxPrintOptions): string[] {
  const out: string[] = [];
  if (!options.noSplash) out.push(...FLUX_SPLASH, `Version: ${options.version}`);
  out.push(`Parsing file: ${file}`);
  if (options.noDetail) return out;
  out.push('---------- TOPOLOGY DETAILS ----------');
  out.push(`Topology Name: ${def.name ?? 'null'}`);
  out.push('--------------- SPOUTS ---------------');
  for (const s of def.spouts) out.push(`${s.id} [${s.parallelism}] (${s.className})`);
  out.push('---------------- BOLTS ---------------');
  for (const b of def.bolts) out.push(`${b.id} [${b.parallelism}] (${b.className})`);
  out.push('--------------- STREAMS ---------------');
  for (const s of def.streams) out.push(`${s.from} --${s.grouping.type}--> ${s.to}`);
  out.push('--------------- WORKER HOOKS ---------------');
  out.push('--------------------------------------');
  return out;
}
