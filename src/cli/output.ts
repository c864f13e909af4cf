// Output helpers for commands; the table primitives live in the engine so engine-side
// formatters (kafka-topics/consumer-groups texts) can share them.
export { padRight, renderTable } from '../engine/common/text-table.js';
