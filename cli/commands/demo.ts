/**
 * `sis demo`, what `npm start` runs: the demo federation. It shows the message layer in four
 * lines and the NCTS import in two, starts the eleven CAREC nodes as real processes, runs the transit scenario
 * (test-network/scenarios/transit.json) through them with its faults while printing each step,
 * gives the verdict, and leaves the nodes running with their API URLs until Ctrl-C. Off a
 * terminal (CI, a pipe) or with --exit it stops the nodes and exits with the verdict.
 */
import type { Command } from 'commander'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allXsdFiles, encodeMessage, exampleMessage, validateMessage } from '../../protocol/messages/index.ts'
import { CAREC_COUNTRY_CODES, findOffice } from '../../protocol/codes/index.ts'
import { CliError, EXIT } from '../output.ts'
import { table } from '../table.ts'
import { nctsLayer } from '../demo-ncts.ts'
import { pagesLayer } from '../demo-pages.ts'
import { onInterrupt } from './testnet.ts'

/** The country that joins the demo federation once it runs. */
const LATECOMER = 'TJ'

function officeName(ref: string): string {
  const office = findOffice(ref)
  return office === undefined ? ref : `${office.names.en} (${ref})`
}

/** Validates xml against the XSD of its type with xmllint; undefined when xmllint is missing. */
function xmllint(type: string, xml: string): { ok: boolean; output: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sis-demo-'))
  try {
    for (const [name, content] of allXsdFiles()) writeFileSync(join(dir, name), content)
    writeFileSync(join(dir, 'message.xml'), xml)
    const r = spawnSync(
      'xmllint',
      ['--noout', '--nonet', '--schema', join(dir, `${type}.xsd`), join(dir, 'message.xml')],
      { encoding: 'utf8' },
    )
    if (r.error !== undefined) return undefined
    return { ok: r.status === 0, output: (r.stderr ?? '').trim() }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'the demo federation: eleven real node processes on this machine, a transit China → Kazakhstan → Uzbekistan run through them with faults, then the nodes stay up until Ctrl-C',
    )
    .option('--nodes <countries>', 'comma-separated countries (default: the eleven CAREC countries)')
    .option('--exit', 'stop the nodes after the transit (the default when standard output is not a terminal)')
    .option('--quiet', 'print only the steps and the verdict')
    .addHelpText('after', '\nExamples:\n  npm start\n  sis demo --nodes CN,KZ,UZ,KG --exit')
    .action(async (opts: { nodes?: string; exit?: boolean; quiet?: boolean }) => {
      const say = (s: string) => process.stdout.write(s + '\n')
      const { TestNetwork, readScenario, ScenarioRunner, joinAct } = await import('../../test-network/index.ts')
      const countries =
        opts.nodes === undefined ? [...CAREC_COUNTRY_CODES] : opts.nodes.split(',').map((c) => c.trim().toUpperCase())
      for (const c of ['CN', 'KZ', 'UZ'])
        if (!countries.includes(c))
          throw new CliError(`--nodes must include CN, KZ and UZ (the route of the demo transit)`, EXIT.USAGE)
      const stay = opts.exit !== true && process.stdout.isTTY
      // Tajikistan joins later (when it is in the demo and the founders stay more than the route).
      const latecomer = countries.includes(LATECOMER) && countries.length > 4 ? LATECOMER : undefined
      const founders = countries.filter((c) => c !== latecomer)
      say('CAREC Single Information Space: the demo federation')
      say('')
      if (!messageLayer(say) || !(await nctsLayer(say))) {
        process.exitCode = EXIT.INVALID
        return
      }
      say('')
      const base = mkdtempSync(join(tmpdir(), 'sis-demo-'))
      const net = await TestNetwork.create({ base, countries: founders })
      // Teardown is idempotent: after an interrupt, or once at the end.
      const stop = async () => {
        await net.teardown()
        rmSync(base, { recursive: true, force: true })
      }
      const done = onInterrupt(
        stop,
        () => net.killNow(),
        () => say('\nstopping the demo federation…'),
      )
      try {
        const t0 = performance.now()
        say(
          `Starting ${founders.length} nodes (${founders.join(', ')}), each a separate process with its own keys, LevelDB store and ports;`,
        )
        say('the founding membership is signed by every member; only members can connect (libp2p, Noise, yamux).')
        await net.startAll((n) => {
          if (opts.quiet !== true) say(`  ${n.country} up: API ${n.api}`)
        })
        say(`All ${founders.length} nodes up in ${((performance.now() - t0) / 1000).toFixed(1)} s.`)
        say('')
        const scenario = readScenario(
          join(import.meta.dirname, '..', '..', 'test-network', 'scenarios', 'transit.json'),
        )
        const result = await new ScenarioRunner(net, say).run({ ...scenario, nodes: founders as never })
        const joinChecks =
          latecomer === undefined ? [] : await joinAct(net, latecomer, result.transits.T1?.documentId, say)
        const failed = [...result.checks, ...joinChecks].filter((c) => !c.ok)
        say('')
        say(
          failed.length === 0
            ? `Verdict: PASS, ${result.checks.length + joinChecks.length} checks in ${(result.ms / 1000).toFixed(1)} s.`
            : `Verdict: FAIL (${failed.map((c) => c.what).join('; ')})`,
        )
        process.exitCode = failed.length === 0 ? EXIT.OK : EXIT.INVALID
        const mrn = result.transits.T1?.documentId ?? ''
        say('')
        say(
          table(
            ['node', 'API', 'integration token', 'admin token'],
            net.nodes.map((n) => [n.country, n.api, n.token, n.adminToken]),
          ),
        )
        await pagesLayer(net.nodes, say)
        say('')
        say(`Try: curl -H "authorization: Bearer <token>" ${net.node('UZ').api}/v1/transits/${mrn}`)
        say(
          `     curl -H "authorization: Bearer <token of KG>" ${net.nodes.find((n) => n.country === 'KG')?.api ?? net.node('CN').api}/v1/transits/${mrn}   (off the route: 404)`,
        )
        if (stay) {
          say('The nodes keep running; Ctrl-C stops them.')
          await new Promise<never>(() => undefined)
        }
      } finally {
        done()
        await stop()
      }
    })
}

/** The message layer in four lines: build, validate, check with xmllint, refuse a hostile document. */
function messageLayer(say: (s: string) => void): boolean {
  const message = exampleMessage('DeclarationLodged')
  const xml = encodeMessage('DeclarationLodged', message)
  const result = validateMessage(xml)
  say(
    `The message layer: a transit declaration from ${officeName(message.CustomsOfficeOfDeparture.referenceNumber)} to ${officeName(message.CustomsOfficeOfDestinationDeclared.referenceNumber)}, ${Buffer.byteLength(xml)} bytes of XML,`,
  )
  say(
    `  validated as a receiving node does (safe XML, schema, code lists, rules): ${result.ok ? 'valid' : `INVALID ${result.errors.map((e) => e.code).join(', ')}`}`,
  )
  const lint = xmllint('DeclarationLodged', xml)
  say(
    lint === undefined
      ? '  xmllint is not installed: the independent XSD check is skipped (apt-get install libxml2-utils)'
      : `  checked independently with xmllint --schema DeclarationLodged.xsd: ${lint.ok ? 'valid' : `INVALID ${lint.output}`}`,
  )
  const hostile =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><DeclarationLodged>&lol2;</DeclarationLodged>'
  const refused = validateMessage(hostile)
  say(
    `  a hostile document (entity expansion) is refused before parsing: ${refused.ok ? 'ACCEPTED (wrong)' : (refused.errors[0]?.code ?? '')}`,
  )
  return result.ok && !refused.ok && (lint === undefined || lint.ok)
}
