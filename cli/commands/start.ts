/**
 * `sis start --data DIR`: runs the node in the foreground with JSON logs on standard output,
 * until SIGTERM or SIGINT, then stops cleanly (API closed, libp2p stopped, store closed).
 */
import type { Command } from 'commander'
import { readNodeConfig } from '../node-files.ts'
import { openTokenStore } from './federation.ts'

export function registerStartCommand(program: Command): void {
  program.command('start')
    .description('run a node in the foreground (JSON logs on standard output; stops cleanly on SIGTERM or Ctrl-C)')
    .requiredOption('--data <dir>', 'the data folder made by sis init, with the signed membership.json')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .addHelpText('after', '\nExample:\n  sis start --data /var/lib/sis')
    .action(async (opts: { data: string; logLevel: string }) => {
      // Loaded here, not at the top: every other sis command starts without libp2p and Fastify.
      const [{ pino }, { P2PHost, staticMemberDirectory }, { createApi, createMetrics, startApi }, { SisNode }] = await Promise.all([
        import('pino'), import('../../node/p2p/index.ts'), import('../../node/api/index.ts'), import('../../node/node.ts'),
      ])
      const now = () => new Date().toISOString()
      const config = readNodeConfig(opts.data, now)
      const logger = pino({ name: `sis-${config.file.country}`, level: opts.logLevel, redact: ['req.headers.authorization'] })
      const node = new SisNode(config)
      // The host asks on every decision, so a membership change takes effect at once.
      const directory = () => staticMemberDirectory(node.membership.document.members.filter((m) => m.peerId !== undefined).map((m) => ({ country: m.country, peerId: m.peerId as string, addresses: m.addresses ?? [] })))
      const members = { countryOf: (peerId: string) => directory().countryOf(peerId), members: () => directory().members() }
      const host = await P2PHost.create({ privateKey: config.p2pKey, listen: config.file.listen, members, logger: logger.child({ part: 'p2p' }) })
      const metrics = createMetrics()
      // tokens.json, managed at run time through /v1/admin/tokens (and node.json's older list, moved there).
      const app = createApi({ service: node, tokens: openTokenStore(opts.data), logger: logger.child({ part: 'api' }), metrics })
      await node.start({
        transport: { handle: (n, h) => host.handle(n, h), request: (c, n, f, o) => host.request(c, n, f, o), connectedMembers: () => host.connectedMembers(), start: () => host.start(), stop: () => host.stop(), onMemberConnected: (cb) => { host.onMemberConnected(cb) }, membersChanged: () => host.syncMembers() },
        api: { app, listen: () => startApi(app, { host: config.file.api.host, port: config.file.api.port }) },
        logger,
        metrics: {
          refused: (code) => { metrics.rejectsTotal.inc({ code }) },
          received: (peer, n) => metrics.entriesIn.inc({ peer }, n),
          delivered: (peer, n) => metrics.entriesOut.inc({ peer }, n),
          outbox: (depths) => { for (const [peer, n] of Object.entries(depths)) metrics.outboxDepth.set({ peer }, n) },
          peers: (n) => metrics.peersConnected.set(n),
          lag: (peer, seconds) => metrics.replicationLag.set({ peer }, seconds),
        },
      })
      // Adapters (node.json `adapters`) start once the node is up; their failures never stop it.
      const stopAdapters = (await import('../adapter-host.ts')).startAdapters(node, config.file.adapters, logger.child({ part: 'adapter' }), { dataDir: opts.data })
      process.stdout.write(JSON.stringify({ ready: true, country: config.file.country, peerId: host.peerId, p2p: host.addresses(), api: node.apiUrl }) + '\n')
      await new Promise<void>((resolve) => {
        const stop = () => { process.off('SIGTERM', stop); process.off('SIGINT', stop); resolve() }
        process.on('SIGTERM', stop)
        process.on('SIGINT', stop)
      })
      // Adapters first: what they have in flight still reaches an open node.
      await stopAdapters()
      await node.stop()
    })
}
