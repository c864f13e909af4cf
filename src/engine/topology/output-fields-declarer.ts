// OutputFieldsDeclarer: how a component declares its output streams (fields, direct or
// not). Used once per component at createTopology() time; the result goes into the spec.
import { Fields, toFieldList } from './fields.js';
import type { StreamSpec } from './topology-spec.js';

export const DEFAULT_STREAM = 'default';

/** Passed to `declareOutputFields`: declare the default stream and any named streams. */
export interface OutputFieldsDeclarer {
  /** Declare the `default` stream. `direct` streams are consumed with direct grouping only. */
  declare(fields: Fields | readonly string[], direct?: boolean): void;
  /** Declare a named stream. Stream ids starting with `__` are reserved. */
  declareStream(streamId: string, fields: Fields | readonly string[], direct?: boolean): void;
}

/** Collects declarations into StreamSpecs; throws on a stream declared twice. */
export class OutputFieldsCollector implements OutputFieldsDeclarer {
  readonly streams: Record<string, StreamSpec> = {};
  readonly #componentId: string;

  constructor(componentId: string) {
    this.#componentId = componentId;
  }

  declare(fields: Fields | readonly string[], direct = false): void {
    this.declareStream(DEFAULT_STREAM, fields, direct);
  }

  declareStream(streamId: string, fields: Fields | readonly string[], direct = false): void {
    if (typeof streamId !== 'string' || streamId.length === 0) {
      throw new TypeError(`Component '${this.#componentId}' declares a stream with an empty id`);
    }
    if (streamId.startsWith('__')) {
      throw new TypeError(`Component '${this.#componentId}' declares stream '${streamId}': stream ids starting with '__' are reserved for system streams`);
    }
    if (Object.hasOwn(this.streams, streamId)) {
      throw new TypeError(`Component '${this.#componentId}' declares stream '${streamId}' twice`);
    }
    const list = toFieldList(fields);
    new Fields(list); // validates names
    this.streams[streamId] = { fields: list, direct: Boolean(direct) };
  }
}
