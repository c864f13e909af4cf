// Turns what `topology submit` is given into a validated bundle: a TypeScript/JavaScript
// topology module as it is, or a Flux YAML file (.yaml/.yml) parsed with its substitutions
// and includes, then bundled through a generated entry that imports the modules its
// classNames name and builds the topology with buildFluxTopology inside the bundle (so the
// workers build exactly what was validated here). Stateless.
import { extname } from 'node:path';
import { parseFluxFile, readFluxProperties, type FluxParseResult } from '../flux/flux-parser.js';
import { formatFluxInfo } from '../flux/flux-printer.js';
import { splitModuleClassName } from '../flux/flux-builder.js';
import type { FluxObjectDef } from '../flux/flux-model.js';
import type { TopologySpec } from '../topology/topology-spec.js';
import { bundleTopology, readBundleSpec } from './bundler.js';

export interface FluxSourceOptions {
  /** `--filter` properties file for `${key}` substitution. */
  filter?: string;
  /** Environment for `${ENV-NAME}` substitution. */
  env?: Record<string, string | undefined>;
  /** Flux's --no-splash / --no-detail for the printed listing. */
  noSplash?: boolean;
  noDetail?: boolean;
  /** streamctl's version for the splash. */
  version?: string;
}

export interface PreparedTopology {
  code: Buffer;
  spec: TopologySpec;
  warnings: string[];
  /** The Flux definition's name, when the source is a Flux file. */
  fluxName?: string;
  /** What Storm's Flux prints for this file (splash, Parsing file, topology details). */
  fluxInfo?: string[];
}

export function isFluxFile(file: string): boolean {
  return ['.yaml', '.yml'].includes(extname(file).toLowerCase());
}

/** The entry module of a Flux bundle: imports each className module once and builds the topology. */
export function fluxEntrySource(parsed: FluxParseResult): string {
  const objects: FluxObjectDef[] = [...parsed.def.components, ...parsed.def.spouts, ...parsed.def.bolts];
  for (const s of parsed.def.streams) if (s.grouping.customClass) objects.push(s.grouping.customClass);
  const modules = [...new Set(objects.map((o) => splitModuleClassName(o.className)?.[0]).filter((m): m is string => m !== undefined))];
  const lines = ["import { buildFluxTopology } from 'streamctl';"];
  modules.forEach((m, i) => lines.push(`import * as m${i} from ${JSON.stringify(m)};`));
  const table = modules.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(', ');
  lines.push(`export default buildFluxTopology(${JSON.stringify(parsed.def)}, { ${table} }, ${JSON.stringify(parsed.file)});`);
  return lines.join('\n') + '\n';
}

/** Bundle and validate `file` (a topology module or a Flux file). */
export async function prepareTopology(file: string, options: FluxSourceOptions = {}): Promise<PreparedTopology> {
  if (!isFluxFile(file)) {
    const bundle = await bundleTopology(file);
    return { code: bundle.code, spec: await readBundleSpec(bundle.code), warnings: bundle.warnings };
  }
  const parsed = parseFluxFile(file, { ...(options.filter !== undefined ? { properties: readFluxProperties(options.filter) } : {}), env: options.env ?? {} });
  const bundle = await bundleTopology(file, { entryContents: fluxEntrySource(parsed) });
  const spec = await readBundleSpec(bundle.code);
  return {
    code: bundle.code,
    spec,
    warnings: [...parsed.warnings, ...bundle.warnings],
    fluxName: parsed.def.name!,
    fluxInfo: formatFluxInfo(parsed.def, parsed.file, { version: options.version ?? 'unknown', noSplash: options.noSplash === true, noDetail: options.noDetail === true }),
  };
}
