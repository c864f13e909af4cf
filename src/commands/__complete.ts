// `streamctl __complete -- WORD...` (hidden): what the completion scripts call on each TAB.
// Prints the candidates for the last word, one per line; names of topics, groups, topologies
// and brokers come from the running cluster (--dir of the typed words, else $STREAMCTL_DIR,
// else the default) within --timeout-ms, and nothing at all when there is no cluster.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { clusterCompletionValues, completionCommands } from '../cli/completion-values.js';
import { writeOut } from '../cli/kafka-flags.js';
import { completeWords, completionLines, FILES_MARKER } from '../engine/client/shell-completion.js';
import { StreamctlError } from '../engine/common/errors.js';

export default class Complete extends BaseCommand<typeof Complete> {
  static override hidden = true;
  static override strict = false;
  static override enableJsonFlag = false;
  static override summary = 'Completion candidates for the words typed so far (used by the completion scripts).';
  static override flags = {
    'timeout-ms': Flags.integer({ summary: 'Give up on the cluster after this long.', default: 1500, min: 1 }),
  };

  async run(): Promise<void> {
    const dash = this.argv.indexOf('--');
    // Before `--` only this command's own flags (the words to complete come after it).
    const own = dash === -1 ? this.argv : this.argv.slice(0, dash);
    const unknown = own.find((w) => w.startsWith('-') && !/^--(dir|timeout-ms)(=|$)/.test(w));
    if (unknown !== undefined) throw new StreamctlError('USAGE', `Nonexistent flag: ${unknown}`);
    const words = dash === -1 ? [] : this.argv.slice(dash + 1);
    if (words.length === 0) words.push('');
    if (words.length === 1 && words[0]!.startsWith('-')) {
      writeOut(completionLines(['--help', '--version'].filter((w) => w.startsWith(words[0]!))));
      return;
    }
    const answer = completeWords(completionCommands(this.config), words);
    if (answer.kind === 'files') {
      writeOut(`${FILES_MARKER}\n`);
      return;
    }
    if (answer.kind === 'words') {
      writeOut(completionLines(answer.words));
      return;
    }
    const current = words.at(-1)!;
    const head = current.startsWith('--') && current.includes('=') ? current.slice(0, current.indexOf('=') + 1) : '';
    const values = await clusterCompletionValues(answer.value, { dir: typedDir(words) ?? this.flags.dir, timeoutMs: this.flags['timeout-ms'] });
    writeOut(completionLines([...new Set(values)].filter((v) => v.startsWith(answer.prefix)).sort().map((v) => head + v)));
  }
}

/** The `--dir` the user typed on the command line being completed, if any. */
function typedDir(words: string[]): string | undefined {
  for (let i = 0; i < words.length - 1; i++) {
    if (words[i] === '--dir' && i + 1 < words.length - 1) return words[i + 1];
    if (words[i]!.startsWith('--dir=')) return words[i]!.slice('--dir='.length);
  }
  return undefined;
}
