/**
 * `sis start [--data DIR]`: runs the node in the foreground with JSON logs on standard output,
 * until SIGTERM or SIGINT, then stops cleanly (adapters, then API closed, libp2p stopped, store
 * closed). The node is assembled by node/run.ts; this reads the data folder, the flags and the
 * environment (SIS_DATA, SIS_LISTEN, SIS_API_HOST, SIS_API_PORT, SIS_LOG_LEVEL: node/config-env.ts,
 * docs/configuration.md), runs the adapters of node.json on the node, logs the ready line and waits
 * for a signal. Every line on standard output is a log line; a start that fails says which option to
 * change.
 */
import type { Command } from 'commander'
import type * as ConfigEnv from '../../node/config-env.ts'
import type { LogLevel, StartEnvironment } from '../../node/config-env.ts'
import { readNodeConfig } from '../node-files.ts'
import { CliError, EXIT } from '../output.ts'
import { openTokenStore } from './federation.ts'

/** The data folder and log level of this start: the flag, else its variable, else the default. */
function resolveStart(
  opts: { data?: string; logLevel?: string },
  env: NodeJS.ProcessEnv,
  { EnvironmentError, isLogLevel, readEnvironment }: typeof ConfigEnv,
): { data: string; logLevel: LogLevel; environment: StartEnvironment } {
  let environment: StartEnvironment
  try {
    environment = readEnvironment(env)
  } catch (e) {
    if (e instanceof EnvironmentError)
      throw new CliError(e.message, EXIT.USAGE, `fix or unset ${e.variable} (docs/configuration.md)`)
    throw e
  }
  const data = opts.data ?? environment.data
  if (data === undefined)
    throw new CliError(
      'which data folder? neither --data nor SIS_DATA was given',
      EXIT.USAGE,
      'sis start --data /var/lib/sis',
    )
  if (opts.logLevel !== undefined && !isLogLevel(opts.logLevel))
    throw new CliError(`--log-level ${opts.logLevel}: not a log level`, EXIT.USAGE, 'debug, info, warn or error')
  return { data, logLevel: opts.logLevel ?? environment.logLevel ?? 'info', environment }
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run a node in the foreground (JSON logs on standard output; stops cleanly on SIGTERM or Ctrl-C)')
    .option('--data <dir>', 'the data folder made by sis init, with the signed membership.json (default: SIS_DATA)')
    .option('--log-level <level>', 'debug, info, warn or error (default: SIS_LOG_LEVEL, else info)')
    .addHelpText(
      'after',
      '\nEnvironment: SIS_DATA, SIS_LISTEN, SIS_API_HOST, SIS_API_PORT, SIS_LOG_LEVEL (docs/configuration.md)\n\nExample:\n  sis start --data /var/lib/sis',
    )
    .action(async (opts: { data?: string; logLevel?: string }) => {
      // Loaded here, not at the top: every other sis command starts without libp2p, LevelDB and Fastify.
      const [{ runNode }, { startAdapters }, configEnv, { StartError }] = await Promise.all([
        import('../../node/run.ts'),
        import('../adapter-host.ts'),
        import('../../node/config-env.ts'),
        import('../../node/start-checks.ts'),
      ])
      const { data, logLevel, environment } = resolveStart(opts, process.env, configEnv)
      const read = readNodeConfig(data, () => new Date().toISOString())
      const config = { ...read, file: configEnv.overNodeFile(read.file, environment) }
      const running = await runNode(config, {
        logLevel,
        // tokens.json, managed at run time through /v1/admin/tokens (and node.json's older list, moved there).
        tokens: openTokenStore(data),
        // Adapters (node.json `adapters`) start once the node is up; their failures never stop it.
        attach: (node, logger) =>
          startAdapters(node, config.file.adapters, logger.child({ part: 'adapter' }), { dataDir: data }),
      }).catch((e: unknown) => {
        throw e instanceof StartError ? new CliError(e.message, EXIT.IO, e.hint) : e
      })
      // At info whatever the level: whoever waits for the node (a unit, a test, the demo) reads this line.
      running.logger.child({}, { level: 'info' }).info(
        {
          ready: true,
          country: config.file.country,
          peerId: running.peerId,
          p2p: running.addresses(),
          api: running.apiUrl,
        },
        'ready',
      )
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop)
          process.off('SIGINT', stop)
          resolve()
        }
        process.on('SIGTERM', stop)
        process.on('SIGINT', stop)
      })
      await running.stop()
    })
}
