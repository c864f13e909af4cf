import { describe, expect, it } from 'vitest';
import { bashCompletion, type CompletionCommand, completeWords, fishCompletion, nearestCommands, zshCompletion } from '../../../src/engine/client/shell-completion.js';

const kafka = [
  { name: 'bootstrap-server', takesValue: true },
  { name: 'dir', takesValue: true },
];
const commands: CompletionCommand[] = [
  { id: 'consume', flags: [...kafka, { name: 'topic', takesValue: true }, { name: 'group', takesValue: true }, { name: 'from-beginning', takesValue: false }], args: [] },
  { id: 'topics:list', flags: [...kafka, { name: 'exclude-internal', takesValue: false }], args: [] },
  { id: 'topics:create', flags: [...kafka, { name: 'topic', takesValue: true }], args: [] },
  { id: 'topology:kill', flags: [{ name: 'wait', char: 'w', takesValue: true }], args: [{ name: 'name' }] },
  { id: 'topology:submit', flags: [], args: [{ name: 'file' }] },
  { id: 'cluster:broker:kill', flags: [], args: [{ name: 'id' }] },
  { id: 'leader-election', flags: [{ name: 'election-type', takesValue: true, options: ['PREFERRED', 'UNCLEAN'] }], args: [] },
  { id: 'completion', flags: [], args: [{ name: 'shell', options: ['bash', 'zsh', 'fish'] }] },
];

describe('completeWords', () => {
  it('completes command words, then subcommands', () => {
    expect(completeWords(commands, [''])).toEqual({ kind: 'words', words: ['cluster', 'completion', 'consume', 'leader-election', 'topics', 'topology'] });
    expect(completeWords(commands, ['to'])).toEqual({ kind: 'words', words: ['topics', 'topology'] });
    expect(completeWords(commands, ['topics', ''])).toEqual({ kind: 'words', words: ['create', 'list'] });
    expect(completeWords(commands, ['cluster', 'broker', 'k'])).toEqual({ kind: 'words', words: ['kill'] });
  });

  it('asks the cluster for --topic and --group values and never offers flags there', () => {
    expect(completeWords(commands, ['consume', '--topic', ''])).toEqual({ kind: 'cluster', value: 'topic', prefix: '' });
    expect(completeWords(commands, ['consume', '--from-beginning', '--group', 'bil'])).toEqual({ kind: 'cluster', value: 'group', prefix: 'bil' });
    expect(completeWords(commands, ['consume', '--topic=or'])).toEqual({ kind: 'cluster', value: 'topic', prefix: 'or' });
  });

  it('offers nothing (not "--") after a flag whose value cannot be listed, and files for --dir', () => {
    expect(completeWords(commands, ['consume', '--bootstrap-server', ''])).toEqual({ kind: 'words', words: [] });
    expect(completeWords(commands, ['consume', '--dir', ''])).toEqual({ kind: 'files' });
    expect(completeWords(commands, ['topology', 'kill', 'wc', '-w', ''])).toEqual({ kind: 'words', words: [] });
  });

  it('lists allowed values of a flag or argument', () => {
    expect(completeWords(commands, ['leader-election', '--election-type', 'P'])).toEqual({ kind: 'words', words: ['PREFERRED'] });
    expect(completeWords(commands, ['leader-election', '--election-type=U'])).toEqual({ kind: 'words', words: ['--election-type=UNCLEAN'] });
    expect(completeWords(commands, ['completion', ''])).toEqual({ kind: 'words', words: ['bash', 'fish', 'zsh'] });
  });

  it('completes flags after a flag that takes no value', () => {
    expect(completeWords(commands, ['topics', 'list', '--ex'])).toEqual({ kind: 'words', words: ['--exclude-internal'] });
    expect(completeWords(commands, ['consume', '--from-beginning', '--'])).toEqual({
      kind: 'words',
      words: ['--bootstrap-server', '--dir', '--from-beginning', '--group', '--help', '--topic'],
    });
  });

  it('asks the cluster for topology names and broker ids in arguments, and files for a file argument', () => {
    expect(completeWords(commands, ['topology', 'kill', ''])).toEqual({ kind: 'cluster', value: 'topology', prefix: '' });
    expect(completeWords(commands, ['topology', 'kill', '-w', '5', 'w'])).toEqual({ kind: 'cluster', value: 'topology', prefix: 'w' });
    expect(completeWords(commands, ['cluster', 'broker', 'kill', ''])).toEqual({ kind: 'cluster', value: 'broker', prefix: '' });
    expect(completeWords(commands, ['topology', 'submit', ''])).toEqual({ kind: 'files' });
  });
});

describe('completion scripts', () => {
  it('call the hidden __complete command from bash, zsh and fish', () => {
    for (const script of [bashCompletion('streamctl'), zshCompletion('streamctl'), fishCompletion('streamctl')]) expect(script).toContain('__complete --');
    expect(bashCompletion('streamctl')).toContain('complete -o default -F _streamctl streamctl');
    expect(fishCompletion('streamctl')).toContain("complete -c streamctl -f -a '(__streamctl_complete)'");
  });
});

describe('nearestCommands', () => {
  const ids = ['topics:list', 'topics:create', 'topology:list', 'groups:list', 'consume', 'produce', 'lag'];
  it('suggests the nearest ids of a mistyped command', () => {
    expect(nearestCommands('topic:list', ids)).toEqual(['topics:list']);
    expect(nearestCommands('consme', ids)).toEqual(['consume']);
    expect(nearestCommands('topolgy', ids)).toEqual(['topology']);
  });
  it('suggests nothing for a word far from every command', () => {
    expect(nearestCommands('xyzzy-frobnicate', ids)).toEqual([]);
  });
});
