/**
 * What every completion script is generated from: the commander tree walked once, each command
 * with the words that may follow it. The shells' scripts (completion.ts, completion-fish.ts) only
 * differ in how they read it.
 */
import type { Command } from 'commander'

export interface CompletionOption {
  readonly long?: string
  readonly short?: string
  /** The next word is this option's value, not a command. */
  readonly takesValue: boolean
  /** Fixed choices of its value (--lang's languages). */
  readonly choices: readonly string[]
  readonly description: string
}

export interface CompletionNode {
  /** Words that lead here from the root, e.g. "transit act" ("" for the root). */
  readonly path: string
  readonly subcommands: readonly string[]
  /** Each subcommand's one-line description, by name. */
  readonly descriptions: Readonly<Record<string, string>>
  readonly options: readonly string[]
  readonly optionSpecs: readonly CompletionOption[]
  /** Options that take a value (the next word is that value, not a command). */
  readonly valueOptions: readonly string[]
  /** Fixed choices of its arguments (transit act's actions; for `help`, the commands). */
  readonly choices: readonly string[]
}

const HELP: CompletionOption = {
  long: '--help',
  short: '-h',
  takesValue: false,
  choices: [],
  description: 'display help for command',
}

function flags(o: CompletionOption): string[] {
  return [o.long, o.short].filter((x): x is string => x !== undefined)
}

/** The first line of a description (what a shell shows beside the word). */
function oneLine(text: string): string {
  return text.split('\n')[0]!.trim()
}

/** Every command of the tree, depth first, with what may follow it. */
export function completionTree(program: Command): CompletionNode[] {
  const out: CompletionNode[] = []
  const walk = (cmd: Command, path: string) => {
    const subs = cmd.commands.map((c) => c.name())
    const optionSpecs: CompletionOption[] = [
      ...cmd.options
        .filter((o) => !o.hidden)
        .map((o) => ({
          ...(o.long === undefined ? {} : { long: o.long }),
          ...(o.short === undefined ? {} : { short: o.short }),
          takesValue: o.required || o.optional,
          choices: o.argChoices ?? [],
          description: oneLine(o.description),
        })),
      HELP,
    ]
    const descriptions: Record<string, string> = {}
    for (const c of cmd.commands) descriptions[c.name()] = oneLine(c.description())
    // A group has commander's help command besides its own; the root has its own (help-command.ts).
    const helpWord = subs.length > 0 && !subs.includes('help') ? ['help'] : []
    if (helpWord.length > 0) descriptions.help = 'display help for command'
    out.push({
      path,
      subcommands: [...subs, ...helpWord],
      descriptions,
      options: [...new Set(optionSpecs.flatMap(flags))],
      optionSpecs,
      valueOptions: optionSpecs.filter((o) => o.takesValue).flatMap(flags),
      choices:
        path === 'help'
          ? program.commands.map((c) => c.name()).filter((n) => n !== 'help')
          : cmd.registeredArguments.flatMap((a) => a.argChoices ?? []),
    })
    for (const c of cmd.commands) walk(c, path === '' ? c.name() : `${path} ${c.name()}`)
  }
  walk(program, '')
  return out
}

/** Words are command names, option flags and choices: none has a quote, but be strict anyway. */
export function words(list: readonly string[]): string {
  for (const w of list) if (!/^[A-Za-z0-9_.:-]+$/.test(w)) throw new Error(`bug: completion word ${JSON.stringify(w)}`)
  return list.join(' ')
}
