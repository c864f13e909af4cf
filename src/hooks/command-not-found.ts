// oclif's command_not_found hook: a mistyped command names the nearest ones (by edit
// distance over the command ids, with spaces as typed) and exits 2 like any usage error.
import type { Hook } from '@oclif/core';
import { nearestCommands } from '../engine/client/shell-completion.js';

const hook: Hook.CommandNotFound = async function (options) {
  const ids = options.config.commands.filter((c) => !c.hidden).map((c) => c.id);
  const typed = options.id.replace(/:/g, ' ');
  // `topic list` arrives as id `topic` and argv [list]: try the words typed, longest first.
  const words = [...options.id.split(':'), ...(options.argv ?? []).filter((a) => !a.startsWith('-'))].slice(0, 3);
  let suggestions: string[] = [];
  for (let n = words.length; n > 0 && suggestions.length === 0; n--) suggestions = nearestCommands(words.slice(0, n).join(':'), ids);
  suggestions = suggestions.map((id) => id.replace(/:/g, ' '));
  const hint = suggestions.length > 0 ? `\nDid you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
  process.stderr.write(`Error: "${typed}" is not a ${options.config.bin} command.${hint}\nRun ${options.config.bin} --help for the list of commands.\n`);
  process.exit(2);
};

export default hook;
