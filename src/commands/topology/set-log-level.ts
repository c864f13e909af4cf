// `streamctl topology set-log-level <name> <LOGGER=LEVEL[:TIMEOUT]>`: storm set_log_level.
import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';
import { parseLogLevelSetting, type NamedLoggerLevel } from '../../engine/runtime/nimbus/log-config.js';

export default class TopologySetLogLevel extends BaseCommand<typeof TopologySetLogLevel> {
  static override summary = 'Change a logger\'s level in every worker of a topology (storm set_log_level).';
  static override description = `LOGGER is ROOT (every log line of the workers) or a component id (the lines its tasks log through context.getLogger()); a component's level wins over ROOT's. LEVEL is one of Storm's: ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF (TRACE and ALL log as debug, FATAL as error). TIMEOUT is in seconds, as in Storm: afterwards the workers go back to their configured level. Workers apply the change at their next heartbeat (within a second). Nimbus keeps the levels in memory: a nimbus restart forgets them.`;
  static override examples = ['<%= config.bin %> topology set-log-level wc ROOT=DEBUG:30', '<%= config.bin %> topology set-log-level wc count=WARN'];
  static override args = {
    name: Args.string({ required: true, description: 'Topology name.' }),
    setting: Args.string({ required: true, description: 'LOGGER=LEVEL[:TIMEOUT_SECONDS]' }),
  };
  static override flags = { ...nimbusFlags };

  async run(): Promise<{ topology: string; namedLoggerLevels: Record<string, NamedLoggerLevel> }> {
    const client = topologyClient(this.flags);
    const setting = parseLogLevelSetting(this.args.setting);
    const result = await client.setLogLevel(this.args.name, setting);
    this.log(`Sent log config ${setting.logger}=${setting.level}${setting.timeoutSecs > 0 ? ` for ${setting.timeoutSecs} s` : ''} to topology ${this.args.name}`);
    return result;
  }
}
