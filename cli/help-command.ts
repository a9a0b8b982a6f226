/**
 * `sis help [command...]`: the help of a command at any depth (`sis help federation sign`,
 * `sis help transit act`), in place of commander's own help command, which reads only the first
 * word. A word that names no command is refused with the words that would have.
 */
import type { Command } from 'commander'
import { CliError, EXIT } from './output.ts'

/** The command that `words` name from `root`, or a usage error naming the first unknown word. */
export function findCommand(root: Command, words: readonly string[]): Command {
  let cmd = root
  const path = [root.name()]
  for (const word of words) {
    const next = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word))
    if (next === undefined) {
      const choices = cmd.commands.filter((c) => c.name() !== 'help').map((c) => c.name())
      const where = path.join(' ')
      throw new CliError(
        choices.length === 0
          ? `unknown command ${JSON.stringify(word)}: ${where} has no sub-commands`
          : `unknown command ${JSON.stringify(word)} in ${where}; its commands: ${choices.join(', ')}`,
        EXIT.USAGE,
        `run sis help${path.length > 1 ? ` ${path.slice(1).join(' ')}` : ''} for what ${where} takes`,
        { code: 'UNKNOWN_COMMAND', details: { word, choices } },
      )
    }
    cmd = next
    path.push(next.name())
  }
  return cmd
}

/** Replaces the program's help command by one that follows every word it is given. */
export function addHelpCommand(program: Command): void {
  // Only the root's: the groups keep commander's (`sis transit help act`), created with them.
  program.helpCommand(false)
  program
    .command('help')
    .description('show the help of a command, at any depth (sis help transit act)')
    .argument('[command...]', 'the words of the command, as typed after sis')
    .action((words: string[]) => {
      findCommand(program, words).outputHelp()
    })
}
