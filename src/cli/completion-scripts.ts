/**
 * The bash, zsh and fish completion scripts, written from the command tree at
 * build time (scripts/build-from-program.mjs) into dist/completions/.
 * Verbs and flags are spelled out in the script, so a TAB costs no process;
 * only a phase name runs the CLI (`git-conductor __phases`, which reads the
 * active sprint's file and nothing else). Pure: specs in, script text out.
 */
import type { CommandSpec, OptionSpec } from './command-tree.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The file a shell's script is built into, in dist/completions/. */
export const scriptFile = (shell: Shell) => `git-conductor.${shell}`;

interface Row {
  key: string;
  flags: string;
  /** What a positional word completes to: subcommands, phase names, verbs, shells, or nothing. */
  words: string;
  phase: boolean;
}

function rows(specs: CommandSpec[]): Row[] {
  const verbs = specs.filter((s) => !s.path.includes(' ')).map((s) => s.path);
  return specs.map((s) => {
    const flags = [...s.options.map((o) => o.long ?? o.short!), '--help'].filter((f, i, a) => a.indexOf(f) === i).join(' ');
    const arg = s.args[0];
    const words = s.subcommands.length
      ? s.subcommands.join(' ')
      : s.path === 'help'
        ? verbs.filter((v) => v !== 'help').join(' ')
        : s.path === 'completion'
          ? SHELLS.join(' ')
          : '';
    return { key: s.path, flags, words, phase: arg === 'phase' };
  });
}

const valuedFlags = (specs: CommandSpec[], global: OptionSpec[]) =>
  [...new Set([...global, ...specs.flatMap((s) => s.options)].filter((o) => o.valued && o.long).map((o) => o.long!))].sort();

/** Flags whose value is a file name. */
const FILE_FLAGS = ['--artifact', '--phases'];

export function completionScript(shell: Shell, specs: CommandSpec[], global: OptionSpec[]): string {
  const r = rows(specs);
  const verbs = r
    .filter((x) => !x.key.includes(' '))
    .map((x) => x.key)
    .join(' ');
  const globalFlags = global
    .map((o) => o.long!)
    .filter(Boolean)
    .join(' ');
  const valued = valuedFlags(specs, global).join(' ');
  if (shell === 'bash') return bash(r, verbs, globalFlags, valued);
  if (shell === 'zsh') return zsh(r, verbs, globalFlags, valued);
  return fish(r, verbs, globalFlags, valued);
}

function bash(r: Row[], verbs: string, globalFlags: string, valued: string): string {
  const cases = r.map((x) => `    '${x.key}') flags='${x.flags}' words='${x.words}' phase=${x.phase ? 1 : 0} ;;`).join('\n');
  return `# git conductor completion for bash.
# git's own bash completion calls _git_conductor for 'git conductor <TAB>';
# 'git-conductor <TAB>' is completed too. Load it from ~/.bashrc:
#   source <(git conductor completion bash)
_git_conductor_phases() {
  local cli=git-conductor
  command -v "$cli" >/dev/null 2>&1 || cli=./node_modules/.bin/git-conductor
  "$cli" __phases 2>/dev/null
}
_git_conductor() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} i=1 skip=0 w
  local -a pos=()
  if [ "\${COMP_WORDS[0]##*/}" != git-conductor ]; then
    while [ "$i" -lt "$COMP_CWORD" ] && [ "\${COMP_WORDS[i]}" != conductor ]; do i=$((i + 1)); done
    i=$((i + 1))
  fi
  for (( ; i < COMP_CWORD; i++ )); do
    w=\${COMP_WORDS[i]}
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case " ${valued} " in *" $w "*) skip=1; continue ;; esac
    case $w in -*) ;; *) pos+=("$w") ;; esac
  done
  case $prev in ${FILE_FLAGS.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac
  if [ "$skip" = 1 ]; then COMPREPLY=(); return; fi
  if [ \${#pos[@]} -eq 0 ]; then
    case $cur in -*) w='${globalFlags}' ;; *) w='${verbs}' ;; esac
    COMPREPLY=($(compgen -W "$w" -- "$cur")); return
  fi
  local key=\${pos[0]} n=$((\${#pos[@]} - 1)) flags= words= phase=0
  case " $key " in
${r
  .filter((x) => x.words && !x.key.includes(' ') && r.some((y) => y.key.startsWith(x.key + ' ')))
  .map((x) => `    ' ${x.key} ') [ "$n" -ge 1 ] && key="$key \${pos[1]}" && n=$((n - 1)) ;;`)
  .join('\n')}
  esac
  case $key in
${cases}
    *) return ;;
  esac
  case $cur in
    -*) w=$flags ;;
    *) if [ "$n" -gt 0 ]; then w=; elif [ "$phase" = 1 ]; then w=$(_git_conductor_phases); else w=$words; fi ;;
  esac
  COMPREPLY=($(compgen -W "$w" -- "$cur"))
}
complete -o default -F _git_conductor git-conductor
`;
}

function zsh(r: Row[], verbs: string, globalFlags: string, valued: string): string {
  const cases = r.map((x) => `    ('${x.key}') flags='${x.flags}' cands='${x.words}' phase=${x.phase ? 1 : 0} ;;`).join('\n');
  const parents = r
    .filter((x) => x.words && !x.key.includes(' ') && r.some((y) => y.key.startsWith(x.key + ' ')))
    .map((x) => x.key)
    .join('|');
  return `#compdef git-conductor
# git conductor completion for zsh. git's zsh completion calls _git-conductor
# for 'git conductor <TAB>'. Load it from ~/.zshrc (after compinit):
#   source <(git conductor completion zsh)
_git-conductor() {
  emulate -L zsh
  local -a pos; local i w skip=0 key n flags= cands= phase=0 cli=git-conductor
  local valued=' ${valued} '
  for (( i = 2; i < CURRENT; i++ )); do
    w=\${words[i]}
    if (( skip )); then skip=0; continue; fi
    if [[ $valued == *" $w "* ]]; then skip=1; continue; fi
    [[ $w == -* ]] || pos+=("$w")
  done
  case \${words[CURRENT-1]} in (${FILE_FLAGS.join('|')}) _files; return ;; esac
  (( skip )) && return 1
  if (( \${#pos} == 0 )); then
    if [[ \${words[CURRENT]} == -* ]]; then compadd -- ${globalFlags}; else compadd -- ${verbs}; fi
    return
  fi
  key=\${pos[1]}; n=$(( \${#pos} - 1 ))
  if [[ $key == (${parents || '-'}) ]] && (( n >= 1 )); then key="$key \${pos[2]}"; n=$(( n - 1 )); fi
  case $key in
${cases}
    (*) return 1 ;;
  esac
  if [[ \${words[CURRENT]} == -* ]]; then compadd -- \${=flags}
  elif (( n > 0 )); then return 1
  elif (( phase )); then
    (( $+commands[git-conductor] )) || cli=./node_modules/.bin/git-conductor
    compadd -- \${(f)"$($cli __phases 2>/dev/null)"}
  else compadd -- \${=cands}
  fi
}
compdef _git-conductor git-conductor
`;
}

function fish(r: Row[], verbs: string, globalFlags: string, valued: string): string {
  const cases = r
    .map((x) => `        case '${x.key}'\n            set flags ${x.flags}; set cands ${x.words}; set phase ${x.phase ? 1 : 0}`)
    .join('\n');
  const parents = r.filter((x) => x.words && !x.key.includes(' ') && r.some((y) => y.key.startsWith(x.key + ' '))).map((x) => x.key);
  return `# git conductor completion for fish, for 'git conductor <TAB>' and 'git-conductor <TAB>'.
# Install: git conductor completion fish > ~/.config/fish/completions/git-conductor.fish
function __git_conductor_complete
    set -l toks (commandline -opc)
    set -l cur (commandline -ct)
    set -l start 2
    if test "$toks[1]" = git
        set start (contains -i -- conductor $toks); or return
        set start (math $start + 1)
    end
    set -l valued ${valued}
    set -l pos
    set -l skip 0
    for w in $toks[$start..-1]
        if test $skip = 1; set skip 0; continue; end
        if contains -- $w $valued; set skip 1; continue; end
        string match -q -- '-*' $w; or set -a pos $w
    end
    if test $skip = 1; return; end
    if test (count $pos) -eq 0
        if string match -q -- '-*' $cur; printf '%s\\n' ${globalFlags}; else; printf '%s\\n' ${verbs}; end
        return
    end
    set -l key $pos[1]
    set -l n (math (count $pos) - 1)
    if contains -- $key ${parents.join(' ')}; and test $n -ge 1
        set key "$key $pos[2]"; set n (math $n - 1)
    end
    set -l flags; set -l cands; set -l phase 0
    switch $key
${cases}
        case '*'
            return
    end
    if string match -q -- '-*' $cur
        printf '%s\\n' $flags
    else if test $n -gt 0
        return
    else if test $phase = 1
        set -l cli git-conductor
        command -q git-conductor; or set cli ./node_modules/.bin/git-conductor
        $cli __phases 2>/dev/null
    else
        printf '%s\\n' $cands
    end
end
complete -c git-conductor -f -a '(__git_conductor_complete)'
complete -c git -n '__fish_seen_subcommand_from conductor' -f -a '(__git_conductor_complete)'
`;
}
