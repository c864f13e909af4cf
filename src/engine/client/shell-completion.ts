// Shell completion: what to offer for the word under the cursor, decided in one place from
// the command list (command ids, their flags and whether each takes a value, their
// arguments), and the bash, zsh and fish scripts, which only hand the words typed so far to
// the hidden `streamctl __complete` command and show what it prints. Pure.

/** What a cluster-backed value is: topic, group and topology names, broker ids. */
export type ClusterValueKind = 'topic' | 'group' | 'topology' | 'broker';

export interface CompletionFlag {
  name: string;
  char?: string;
  /** The flag takes a value (`--topic T`), so the next word is that value. */
  takesValue: boolean;
  /** The values it allows, when listed (`--election-type PREFERRED|UNCLEAN`). */
  options?: string[];
}

export interface CompletionArg {
  name: string;
  options?: string[];
}

export interface CompletionCommand {
  /** oclif id, `topics:create` */
  id: string;
  summary?: string;
  flags: CompletionFlag[];
  args: CompletionArg[];
}

/** What to complete the current word with. */
export type CompletionAnswer =
  | { kind: 'words'; words: string[] }
  /** Names from the running cluster, filtered by the current word. */
  | { kind: 'cluster'; value: ClusterValueKind; prefix: string }
  /** File or directory names (the shell's own completion). */
  | { kind: 'files' };

/** Flags whose values come from the running cluster. */
const FLAG_VALUES: Record<string, ClusterValueKind> = { topic: 'topic', group: 'group' };

/** The cluster value an argument names, from its command and name. */
function argValue(commandId: string, arg: string): ClusterValueKind | undefined {
  if (commandId.startsWith('topology:') && arg === 'name') return 'topology';
  if (commandId.startsWith('cluster:broker:') && arg === 'id') return 'broker';
  return undefined;
}

/** Flags whose values are paths. */
const PATH_FLAG = /(^|-)(dir|file|path)$/;

function filter(words: Iterable<string>, prefix: string): string[] {
  return [...new Set(words)].filter((w) => w.startsWith(prefix)).sort();
}

/**
 * What to offer for the last of `words` (the words after the program name; the last one is
 * the word being completed, '' after a space). `--flag=value` words are understood.
 */
export function completeWords(commands: CompletionCommand[], words: string[]): CompletionAnswer {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  // The command: the longest id made of the leading non-flag words.
  const leading: string[] = [];
  for (const w of before) {
    if (w.startsWith('-')) break;
    leading.push(w);
  }
  let command: CompletionCommand | undefined;
  let idWords = 0;
  for (let n = leading.length; n > 0 && !command; n--) {
    command = commands.find((c) => c.id === leading.slice(0, n).join(':'));
    if (command) idWords = n;
  }
  if (!command) {
    // Still choosing a command: the next word of every id that starts with what was typed.
    const typed = leading.join(':');
    const next = commands
      .filter((c) => typed === '' || c.id.startsWith(`${typed}:`))
      .map((c) => c.id.split(':')[leading.length])
      .filter((w): w is string => w !== undefined);
    return { kind: 'words', words: filter(next, current) };
  }
  const flagNamed = (word: string): CompletionFlag | undefined => {
    if (word.startsWith('--')) return command.flags.find((f) => f.name === word.slice(2).split('=')[0]);
    if (/^-[^-]$/.test(word)) return command.flags.find((f) => f.char === word.slice(1));
    return undefined;
  };
  const valueOf = (flag: CompletionFlag, prefix: string): CompletionAnswer => {
    const fromCluster = FLAG_VALUES[flag.name];
    if (fromCluster) return { kind: 'cluster', value: fromCluster, prefix };
    if (flag.options) return { kind: 'words', words: filter(flag.options, prefix) };
    if (PATH_FLAG.test(flag.name)) return { kind: 'files' };
    // A value nobody can guess: offer nothing (never a flag, never a `--`).
    return { kind: 'words', words: [] };
  };
  // `--topic=or` completes the value after '='.
  const eq = current.indexOf('=');
  if (current.startsWith('--') && eq > 0) {
    const flag = flagNamed(current);
    if (flag?.takesValue) {
      const answer = valueOf(flag, current.slice(eq + 1));
      const head = current.slice(0, eq + 1);
      if (answer.kind === 'words') return { kind: 'words', words: answer.words.map((w) => head + w) };
      return answer;
    }
  }
  // The word after a flag that takes a value is that value.
  const previous = before.at(-1);
  if (previous !== undefined && before.length > idWords) {
    const flag = flagNamed(previous);
    if (flag?.takesValue && !previous.includes('=')) return valueOf(flag, current);
  }
  if (current.startsWith('-')) {
    const names = command.flags.map((f) => `--${f.name}`);
    return { kind: 'words', words: filter([...names, '--help'], current) };
  }
  // A positional argument: count the positionals typed after the command id.
  let positionals = 0;
  for (let i = idWords; i < before.length; i++) {
    const w = before[i]!;
    if (w.startsWith('-')) continue;
    const prev = before[i - 1];
    const flag = i > idWords && prev !== undefined ? flagNamed(prev) : undefined;
    if (flag?.takesValue && !prev!.includes('=')) continue;
    positionals += 1;
  }
  const arg = command.args[positionals];
  if (arg) {
    const fromCluster = argValue(command.id, arg.name);
    if (fromCluster) return { kind: 'cluster', value: fromCluster, prefix: current };
    if (arg.options) return { kind: 'words', words: filter(arg.options, current) };
    if (PATH_FLAG.test(arg.name)) return { kind: 'files' };
  }
  // A topic that is also a command (`cluster broker`) lists its subcommands.
  const deeper = commands
    .filter((c) => c.id.startsWith(`${command.id}:`) && positionals === 0)
    .map((c) => c.id.split(':')[idWords])
    .filter((w): w is string => w !== undefined);
  return { kind: 'words', words: filter(deeper, current) };
}

/** The `__complete` command's output for an answer whose words are known (one per line). */
export function completionLines(words: string[]): string {
  return words.map((w) => `${w}\n`).join('');
}

/** Marker `__complete` prints when the shell should complete file names itself. */
export const FILES_MARKER = ':files';

export function bashCompletion(bin: string): string {
  return `# bash completion for ${bin}; load with: source <(${bin} completion bash)
# Topic, group and topology names and broker ids come from the running cluster (--dir,
# else $STREAMCTL_DIR, else the default), asked with a short timeout.
_${bin}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local -a words=()
  local i
  # Re-join "--flag" "=" "value" (bash splits at '=') into "--flag=value".
  for (( i=1; i<=COMP_CWORD; i++ )); do
    local w="\${COMP_WORDS[i]}"
    if [[ "$w" == "=" || ( $i -gt 1 && "\${COMP_WORDS[i-1]}" == "=" ) ]]; then
      words[\${#words[@]}-1]+="$w"
    else
      words+=("$w")
    fi
  done
  local out
  out="$(${bin}_run "\${COMP_WORDS[0]}" __complete -- "\${words[@]}")"
  if [[ "$out" == "${FILES_MARKER}" ]]; then
    COMPREPLY=( $(compgen -f -- "$cur") )
    return
  fi
  local last="\${words[\${#words[@]}-1]}"
  local -a reply=()
  local line
  while IFS= read -r line; do
    [[ -z "$line" ]] && continue
    # After "--flag=" bash completes only the part after '='.
    if [[ "$last" == --*=* && "$cur" != --* ]]; then line="\${line#*=}"; fi
    reply+=("$line")
  done <<< "$out"
  COMPREPLY=( "\${reply[@]}" )
}
${bin}_run() {
  local prog="$1"; shift
  # At most STREAMCTL_COMPLETE_TIMEOUT seconds (default 5) per TAB, however slow the machine.
  if command -v timeout >/dev/null 2>&1; then timeout "\${STREAMCTL_COMPLETE_TIMEOUT:-5}" "$prog" "$@" 2>/dev/null; else "$prog" "$@" 2>/dev/null; fi
}
complete -o default -F _${bin} ${bin}
`;
}

export function zshCompletion(bin: string): string {
  return `#compdef ${bin}
# zsh completion for ${bin}; load with: source <(${bin} completion zsh)
# Topic, group and topology names and broker ids come from the running cluster.
_${bin}() {
  local -a reply
  local out
  out="$(\${words[1]} __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)"
  if [[ "$out" == "${FILES_MARKER}" ]]; then _files; return; fi
  reply=("\${(@f)out}")
  reply=("\${(@)reply:#}")
  (( \${#reply} )) && compadd -Q -S ' ' -- "\${reply[@]}"
}
compdef _${bin} ${bin}
`;
}

export function fishCompletion(bin: string): string {
  return `# fish completion for ${bin}; load with: ${bin} completion fish | source
# Topic, group and topology names and broker ids come from the running cluster.
function __${bin}_complete
  set -l tokens (commandline -opc)
  set -l current (commandline -ct)
  set -l out ($tokens[1] __complete -- $tokens[2..-1] "$current" 2>/dev/null)
  if test "$out" = "${FILES_MARKER}"
    __fish_complete_path "$current"
    return
  end
  printf '%s\\n' $out
end
complete -c ${bin} -f -a '(__${bin}_complete)'
`;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * The command ids nearest to a mistyped one (`topic:list` → `topics:list`): those at the
 * smallest edit distance, if it is at most a third of the typed length (at least 2); a typed
 * prefix of ids (`topolgy` → `topology ...`) is compared with the ids' leading words.
 */
export function nearestCommands(typed: string, ids: string[]): string[] {
  const words = typed.split(':').length;
  const scored = ids.map((id) => {
    const head = id.split(':').slice(0, words).join(':');
    return { id: head, distance: editDistance(typed, head) };
  });
  const best = Math.min(...scored.map((s) => s.distance));
  if (!Number.isFinite(best) || best > Math.max(2, Math.floor(typed.length / 3))) return [];
  return [...new Set(scored.filter((s) => s.distance === best).map((s) => s.id))].sort().slice(0, 3);
}
