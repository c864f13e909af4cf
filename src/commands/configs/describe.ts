// `streamctl configs describe`: kafka-configs.sh --describe for topics and brokers.
import { Flags } from '@oclif/core';
import { type ConfigResourceDescription, formatConfigDescription, visibleConfigEntries } from '../../engine/client/configs-format.js';
import { BaseCommand } from '../../cli/base-command.js';
import { kafkaFlags, runAdminCommand, writeErr, writeOut } from '../../cli/kafka-flags.js';
import { configCommandError, entityFlags, resolveEntity } from '../../cli/config-entity-flags.js';

export default class ConfigsDescribe extends BaseCommand<typeof ConfigsDescribe> {
  static override summary = 'Describe topic or broker configs (kafka-configs --describe).';
  static override description =
    'Prints the dynamic configs of an entity (or every entity of the type when no name is given), each as `k=v sensitive=... synonyms={...}`; --all includes static and default values.';
  static override examples = [
    '<%= config.bin %> configs describe --entity-type topics --entity-name orders',
    '<%= config.bin %> configs describe --topic orders --all',
    '<%= config.bin %> configs describe --entity-type brokers --entity-name 1',
  ];
  static override flags = {
    ...kafkaFlags,
    ...entityFlags,
    all: Flags.boolean({ summary: 'Include static and default configs.' }),
  };

  async run(): Promise<{ resources: ConfigResourceDescription[] } | undefined> {
    const report = (error: unknown) => writeErr(configCommandError(error, this.argv));
    return runAdminCommand({ jsonEnabled: this.jsonEnabled(), flags: this.flags, report }, async (admin) => {
      const entity = resolveEntity(this.flags);
      const resources = await admin().describeConfigs(entity);
      if (!this.jsonEnabled()) writeOut(resources.flatMap((r) => formatConfigDescription(r, this.flags.all)).map((l) => `${l}\n`).join(''));
      return { resources: resources.map((r) => ({ ...r, entries: visibleConfigEntries(r, this.flags.all) })) };
    });
  }
}
