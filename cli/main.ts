/**
 * The sis program: commander wiring for every command. Only cli/ reads flags, files and the
 * environment; commands hand typed values to protocol/ and node/.
 */
import { Command, CommanderError, Option } from 'commander'
import { registerMessageCommands } from './commands/message.ts'
import { registerSchemaCommands } from './commands/schema.ts'
import { registerDemoCommand } from './commands/demo.ts'
import { registerLogCommands } from './commands/log.ts'
import { registerFederationCommands, registerTokenCommand } from './commands/federation.ts'
import { registerStartCommand } from './commands/start.ts'
import { registerTestnetCommands } from './commands/testnet.ts'
import { registerNodeOpsCommands } from './commands/node-ops.ts'
import { registerTransitCommands } from './commands/transit.ts'
import { registerCompletionCommand } from './commands/completion.ts'
import { registerAdapterCommands } from './commands/adapter.ts'
import { registerUserCommand } from './commands/user.ts'
import { LANG_HELP } from './command-kit.ts'
import { addHelpCommand } from './help-command.ts'
import { LANGS, chooseLang, detectLang } from './i18n.ts'
import type { Lang } from './i18n.ts'
import { CliError, EXIT, output, tolerateClosedReader } from './output.ts'

export function buildProgram(): Command {
  const program = new Command('sis')
    .description('CAREC Single Information Space node: signed XML customs messages between federated national nodes')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run sis help <command> for its options and examples)')
    .exitOverride()
    // One --lang for every command, before or after its name; each command's help lists it.
    .addOption(new Option('--lang <lang>', LANG_HELP).choices(LANGS))
    .configureHelp({ showGlobalOptions: true })
  // Checked once, here: every action finds the language in its own options as `lang`.
  program.hook('preAction', (_, action) => {
    action.setOptionValue('lang', chooseLang(program.getOptionValue('lang') as string | undefined))
  })
  registerMessageCommands(program)
  registerSchemaCommands(program)
  registerLogCommands(program)
  registerFederationCommands(program)
  registerTokenCommand(program)
  registerUserCommand(program)
  registerStartCommand(program)
  registerDemoCommand(program)
  registerTestnetCommands(program)
  // After log and key: these add `log export` and `key rotate|activate` to those groups.
  registerNodeOpsCommands(program)
  registerTransitCommands(program)
  registerAdapterCommands(program)
  registerCompletionCommand(program)
  addHelpCommand(program)
  return program
}

/** Runs the program and returns the exit code (never calls process.exit, so tests can call it). */
export async function main(argv: readonly string[]): Promise<number> {
  tolerateClosedReader()
  const program = buildProgram()
  try {
    await program.parseAsync([...argv])
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE
    const json = argv.includes('--json')
    const lang = (program.getOptionValue('lang') as Lang | undefined) ?? detectLang()
    if (e instanceof CliError) {
      output(json, lang).error(e, e.hint)
      return e.exitCode
    }
    output(json, lang).error(e)
    return EXIT.INTERNAL
  }
}
