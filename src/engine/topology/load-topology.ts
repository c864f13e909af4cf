// Loads a topology bundle (ESM, built by esbuild from the user's file) and returns its
// default export, checked duck-typed (the bundle has its own copy of the Topology class).
import { pathToFileURL } from 'node:url';
import { StreamctlError } from '../common/errors.js';
import type { TopologyLike } from './topology.js';

/**
 * Import `bundlePath` and return its Topology. The default export may be the Topology or a
 * (possibly async) function returning one. Throws StreamctlError('USAGE') with a clear
 * message when the module throws or exports something else.
 */
export async function loadTopology(bundlePath: string): Promise<TopologyLike> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(bundlePath).href)) as Record<string, unknown>;
  } catch (error) {
    const e = error as { message?: string; code?: string };
    throw new StreamctlError('USAGE', `Loading topology module ${bundlePath} failed: ${e.message ?? String(error)}`, { cause: error });
  }
  let value = mod.default;
  if (typeof value === 'function') value = await (value as () => unknown)();
  if (!isTopologyLike(value)) {
    throw new StreamctlError('USAGE', `Topology module ${bundlePath} must \`export default builder.createTopology()\`; its default export is ${value === undefined ? 'missing' : typeof value}`);
  }
  return value;
}

export function isTopologyLike(value: unknown): value is TopologyLike {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<TopologyLike>;
  return t.apiVersion === 1 && typeof t.spec === 'object' && t.spec !== null && Array.isArray(t.spec.components) && typeof t.createComponent === 'function';
}
