/**
 * `sis testnet up|run`: a local federation of real node processes (test-network/), and scenarios
 * run against it with a verdict. The test-network code is loaded only when these commands run.
 */
import type { Command } from 'commander'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { CAREC_COUNTRY_CODES } from '../../protocol/codes/index.ts'
import { CliError, EXIT, output } from '../output.ts'
import { table } from '../table.ts'

function countriesOf(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined
  if (list === 'all') return [...CAREC_COUNTRY_CODES]
  const cs = list
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '')
  const bad = cs.filter((c) => !(CAREC_COUNTRY_CODES as readonly string[]).includes(c))
  if (bad.length > 0 || cs.length < 2)
    throw new CliError(`--nodes ${list}: give two or more of ${CAREC_COUNTRY_CODES.join(',')}`, EXIT.USAGE)
  return cs
}

/**
 * Tears a network down on Ctrl-C or SIGTERM (then exits 130), and kills what is left if the
 * process exits anyway. Returns the function that removes these handlers.
 */
export function onInterrupt(
  teardown: () => Promise<void>,
  killNow: () => void,
  notify: () => void = () => process.stderr.write('\nstopping the test network…\n'),
): () => void {
  let stopping = false
  const handler = () => {
    if (stopping) return
    stopping = true
    notify()
    void teardown().finally(() => process.exit(130))
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  process.on('exit', killNow)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
    process.off('exit', killNow)
  }
}

export function registerTestnetCommands(program: Command): void {
  const testnet = program
    .command('testnet')
    .description('a local test network of real node processes, and scenarios with faults (test-network/)')

  testnet
    .command('up')
    .description('start a federation of real node processes on this machine and keep it running until Ctrl-C')
    .option('--nodes <countries>', 'comma-separated countries (default: the eleven CAREC countries)')
    .option('--netns', 'run each node in its own network namespace (root), so partitions are possible')
    .option('--data <dir>', "folder for the nodes' data folders (default: a new temporary folder, removed at exit)")
    .option('--json', 'print the nodes as JSON')
    .addHelpText('after', '\nExamples:\n  sis testnet up\n  sis testnet up --nodes CN,KZ,UZ,KG --data /tmp/sis-net')
    .action(async (opts: { nodes?: string; netns?: boolean; data?: string; json?: boolean }) => {
      const { TestNetwork } = await import('../../test-network/index.ts')
      const countries = countriesOf(opts.nodes) ?? [...CAREC_COUNTRY_CODES]
      const base = opts.data === undefined ? mkdtempSync(join(tmpdir(), 'sis-testnet-')) : resolve(opts.data)
      const net = await TestNetwork.create({ base, countries, placement: opts.netns === true ? 'netns' : 'loopback' })
      const done = onInterrupt(
        async () => {
          await net.teardown()
          if (opts.data === undefined) rmSync(base, { recursive: true, force: true })
        },
        () => net.killNow(),
      )
      try {
        await net.startAll((n) => {
          if (opts.json !== true) process.stderr.write(`started ${n.country} ${n.api}\n`)
        })
        output(opts.json === true).result(
          `${countries.length} nodes running (data in ${base}); Ctrl-C stops them\n\n${table(
            ['node', 'API', 'integration token', 'admin token'],
            net.nodes.map((n) => [n.country, n.api, n.token, n.adminToken]),
          )}`,
          {
            base,
            nodes: net.nodes.map((n) => ({
              country: n.country,
              api: n.api,
              token: n.token,
              adminToken: n.adminToken,
              dir: n.dir,
              pid: n.pid,
            })),
          },
        )
        await new Promise<never>(() => undefined)
      } finally {
        done()
        await net.teardown()
      }
    })

  testnet
    .command('run')
    .description('run scenario files against a fresh test network each; exit 0 only if every verdict passes')
    .argument('<scenario...>', 'scenario files (test-network/scenarios/*.json)')
    .option(
      '--nodes <countries>',
      "override the scenario's network: comma-separated countries, or all (the eleven CAREC countries)",
    )
    .option('--netns', 'network namespaces (root); scenarios with partitions need it, and get it by default as root')
    .option('--keep', "keep the nodes' data folders")
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  sis testnet run test-network/scenarios/transit.json\n  sis testnet run test-network/scenarios/*.json --nodes all\n  sis testnet run test-network/scenarios/*.json --json',
    )
    .action(async (files: string[], opts: { nodes?: string; netns?: boolean; keep?: boolean; json?: boolean }) => {
      const { TestNetwork, netnsAvailable, readScenario, ScenarioRunner } = await import('../../test-network/index.ts')
      const say = (line: string) => {
        if (opts.json !== true) process.stdout.write(line + '\n')
      }
      const results = []
      for (const file of files) {
        let scenario
        try {
          scenario = readScenario(file)
        } catch (e) {
          throw new CliError(
            e instanceof Error ? e.message : String(e),
            EXIT.INVALID,
            'see test-network/README.md for the scenario format',
          )
        }
        const needsNetns = scenario.needs.includes('netns')
        if (needsNetns && !netnsAvailable())
          throw new CliError(
            `${scenario.name} cuts the network, which needs network namespaces (root and iproute2)`,
            EXIT.USAGE,
            'run it as root, or choose a scenario without partitions',
          )
        const countries = countriesOf(opts.nodes) ?? scenario.nodes ?? [...CAREC_COUNTRY_CODES]
        const base = mkdtempSync(join(tmpdir(), `sis-scenario-${scenario.name}-`))
        const net = await TestNetwork.create({
          base,
          countries,
          placement: needsNetns || opts.netns === true ? 'netns' : 'loopback',
        })
        const done = onInterrupt(
          async () => {
            await net.teardown()
          },
          () => net.killNow(),
        )
        try {
          say(
            `scenario ${scenario.name}: ${countries.length} nodes (${countries.join(', ')})${net.placement === 'netns' ? ', each in its own network namespace' : ''}`,
          )
          if (scenario.description !== '') say(scenario.description)
          const t0 = performance.now()
          await net.startAll()
          say(`nodes up in ${Math.round(performance.now() - t0)} ms`)
          const result = await new ScenarioRunner(net, say).run(scenario)
          results.push(result)
          say(
            `${result.ok ? 'PASS' : 'FAIL'} ${scenario.name}: ${result.checks.filter((c) => c.ok).length} of ${result.checks.length} checks in ${result.ms} ms\n`,
          )
        } finally {
          done()
          await net.teardown()
          if (opts.keep !== true) rmSync(base, { recursive: true, force: true })
        }
      }
      if (opts.json === true) output(true).result('', { ok: results.every((r) => r.ok), results })
      process.exitCode = results.every((r) => r.ok) ? EXIT.OK : EXIT.INVALID
    })
}
