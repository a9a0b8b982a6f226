/**
 * `sis start --data DIR`: runs the node in the foreground with JSON logs on standard output,
 * until SIGTERM or SIGINT, then stops cleanly (adapters, then API closed, libp2p stopped, store
 * closed). The node is assembled by node/run.ts; this reads the data folder and the flags, runs
 * the adapters of node.json on the node, prints the ready line and waits for a signal.
 */
import type { Command } from 'commander'
import { readNodeConfig } from '../node-files.ts'
import { openTokenStore } from './federation.ts'

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run a node in the foreground (JSON logs on standard output; stops cleanly on SIGTERM or Ctrl-C)')
    .requiredOption('--data <dir>', 'the data folder made by sis init, with the signed membership.json')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .addHelpText('after', '\nExample:\n  sis start --data /var/lib/sis')
    .action(async (opts: { data: string; logLevel: string }) => {
      // Loaded here, not at the top: every other sis command starts without libp2p and Fastify.
      const [{ runNode }, { startAdapters }] = await Promise.all([
        import('../../node/run.ts'),
        import('../adapter-host.ts'),
      ])
      const config = readNodeConfig(opts.data, () => new Date().toISOString())
      const running = await runNode(config, {
        logLevel: opts.logLevel,
        // tokens.json, managed at run time through /v1/admin/tokens (and node.json's older list, moved there).
        tokens: openTokenStore(opts.data),
        // Adapters (node.json `adapters`) start once the node is up; their failures never stop it.
        attach: (node, logger) =>
          startAdapters(node, config.file.adapters, logger.child({ part: 'adapter' }), { dataDir: opts.data }),
      })
      process.stdout.write(
        JSON.stringify({
          ready: true,
          country: config.file.country,
          peerId: running.peerId,
          p2p: running.addresses(),
          api: running.apiUrl,
        }) + '\n',
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
