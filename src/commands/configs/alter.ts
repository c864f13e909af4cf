// `streamctl configs alter`: kafka-configs.sh --alter --add-config/--delete-config.
import { Flags } from '@oclif/core';
import { formatAlterConfigDone, parseAddConfig, parseDeleteConfig } from '../../engine/client/configs-format.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { BaseCommand } from '../../cli/base-command.js';
import { kafkaFlags, runAdminCommand, writeErr, writeOut } from '../../cli/kafka-flags.js';
import { configCommandError, entityFlags, resolveEntity } from '../../cli/config-entity-flags.js';

export default class ConfigsAlter extends BaseCommand<typeof ConfigsAlter> {
  static override summary = 'Change topic or broker configs (kafka-configs --alter).';
  static override description =
    'Sets configs with --add-config k1=v1,k2=[a,b] (square brackets group values that contain commas) and removes overrides with --delete-config k1,k2.';
  static override examples = [
    '<%= config.bin %> configs alter --entity-type topics --entity-name orders --add-config retention.ms=3600000,cleanup.policy=[compact,delete]',
    '<%= config.bin %> configs alter --topic orders --delete-config retention.ms',
    '<%= config.bin %> configs alter --entity-type brokers --entity-default --add-config log.retention.ms=600000',
  ];
  static override flags = {
    ...kafkaFlags,
    ...entityFlags,
    'add-config': Flags.string({ summary: 'Configs to set: k1=v1,k2=[v1,v2].' }),
    'delete-config': Flags.string({ summary: 'Config keys to remove: k1,k2.' }),
  };

  async run(): Promise<{ entityType: string; entityName: string } | undefined> {
    const report = (error: unknown) => writeErr(configCommandError(error, this.argv));
    return runAdminCommand({ jsonEnabled: this.jsonEnabled(), flags: this.flags, report }, async (admin) => {
      const entity = resolveEntity(this.flags);
      if (entity.entityName === undefined) throw new StreamctlError('USAGE', 'an entity name must be specified with --alter of topics');
      if (!this.flags['add-config'] && !this.flags['delete-config']) {
        throw new StreamctlError('USAGE', 'At least one of --add-config or --delete-config must be specified with --alter');
      }
      let add: Array<[string, string]>;
      try {
        add = this.flags['add-config'] ? parseAddConfig(this.flags['add-config']) : [];
      } catch (error) {
        throw new StreamctlError('USAGE', (error as Error).message);
      }
      const del = this.flags['delete-config'] ? parseDeleteConfig(this.flags['delete-config']) : [];
      await admin().alterConfigs({ entityType: entity.entityType, entityName: entity.entityName, add, delete: del });
      if (!this.jsonEnabled()) writeOut(`${formatAlterConfigDone(entity.entityType, entity.entityName)}\n`);
      return { entityType: entity.entityType, entityName: entity.entityName };
    });
  }
}
