// The controller's settings schema: the Kafka-style dotted keys the controller process reads
// (broker sessions, topic defaults, leader election), with Kafka's types, bounds and
// defaults. Controller.open validates its settings against it; handlers read typed values
// through it. Pure data.
import { SettingsSchema } from '../common/config-schema.js';

export const CONTROLLER_SETTINGS = new SettingsSchema('controller', [
  { key: 'broker.session.timeout.ms', type: 'INT', default: '9000', min: 1, doc: 'A broker without a heartbeat for this long is fenced.' },
  { key: 'num.partitions', type: 'INT', default: '1', min: 1, doc: 'Partitions of a CreateTopics asking for the default.' },
  { key: 'default.replication.factor', type: 'INT', default: '1', min: 1, doc: 'Replication factor of a CreateTopics asking for the default.' },
  { key: 'auto.leader.rebalance.enable', type: 'BOOLEAN', default: 'true', doc: 'Move leadership back to the preferred replica when it is in the ISR.' },
  { key: 'unclean.leader.election.enable', type: 'BOOLEAN', default: 'false', doc: 'Default for topics: elect a replica outside the ISR as a last resort.' },
]);
