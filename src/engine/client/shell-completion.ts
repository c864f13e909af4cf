// Shell completion scripts (bash, zsh) generated from the command list: command ids (topics
// separated by spaces, as oclif's topicSeparator ' ') and each command's flags. Pure.

export interface CompletionCommand {
  /** oclif id, `topics:create` */
  id: string;
  summary?: string;
  flags: string[];
}

function words(id: string): string[] {
  return id.split(':');
}

export function bashCompletion(bin: string, commands: CompletionCommand[]): string {
  const cases = commands
    .map((c) => `    "${words(c.id).join(' ')}") flags="${c.flags.map((f) => `--${f}`).join(' ')}" ;;`)
    .join('\n');
  const all = [...new Set(commands.map((c) => words(c.id).join(' ')))];
  return `# bash completion for ${bin}; load with: source <(${bin} completion bash)
_${bin}_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local -a ids=(${all.map((id) => `"${id}"`).join(' ')})
  local typed="" i
  for (( i=1; i<COMP_CWORD; i++ )); do
    [[ "\${COMP_WORDS[i]}" == -* ]] && break
    typed="\${typed:+$typed }\${COMP_WORDS[i]}"
  done
  local flags=""
  case "$typed" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$flags --help" -- "$cur") )
    return
  fi
  local next=() id
  for id in "\${ids[@]}"; do
    if [[ -z "$typed" ]]; then next+=("\${id%% *}");
    elif [[ "$id" == "$typed "* ]]; then local rest="\${id#"$typed "}"; next+=("\${rest%% *}"); fi
  done
  COMPREPLY=( $(compgen -W "$(printf '%s\n' "\${next[@]}" | sort -u) $flags" -- "$cur") )
}
complete -o default -F _${bin}_complete ${bin}
`;
}

export function zshCompletion(bin: string, commands: CompletionCommand[]): string {
  const cases = commands.map((c) => `    "${words(c.id).join(' ')}") flags=(${c.flags.map((f) => `--${f}`).join(' ')}) ;;`).join('\n');
  const all = [...new Set(commands.map((c) => words(c.id).join(' ')))];
  return `#compdef ${bin}
# zsh completion for ${bin}; load with: source <(${bin} completion zsh)
_${bin}() {
  local -a ids flags next
  ids=(${all.map((id) => `"${id}"`).join(' ')})
  local typed="" w
  for w in "\${(@)words[2,CURRENT-1]}"; do
    [[ "$w" == -* ]] && break
    typed="\${typed:+$typed }$w"
  done
  flags=()
  case "$typed" in
${cases}
  esac
  if [[ "$PREFIX" == -* ]]; then compadd -- $flags --help; return; fi
  next=()
  local id rest
  for id in $ids; do
    if [[ -z "$typed" ]]; then next+=("\${id%% *}");
    elif [[ "$id" == "$typed "* ]]; then rest="\${id#"$typed "}"; next+=("\${rest%% *}"); fi
  done
  compadd -- \${(u)next} $flags
}
compdef _${bin} ${bin}
`;
}
