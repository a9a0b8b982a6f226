/**
 * `sis adapter conformance` runs the conformance kit (adapters/conformance) against a shipped
 * adapter or a third party's module and prints pass/fail per step; `sis adapter list` shows the
 * adapters configured in a node's node.json with what waits in their folders.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Option } from 'commander'
import type { Command } from 'commander'
import type { AdapterFactory, ConformanceReport } from '../../adapters/conformance/index.ts'
import { DATA_FILES, NodeFile } from '../../node/config.ts'
import type { AdapterConfig } from '../../node/config.ts'
import { examples } from '../command-kit.ts'
import { CliError, EXIT, colourEnabled, output, paint } from '../output.ts'
import type { Paint } from '../output.ts'
import { table } from '../table.ts'
import { registerValidateCommand } from './adapter-validate.ts'

export const ADAPTER_KINDS = ['file-drop', 'webhook'] as const
export const OUTPUT_FORMATS = ['sis', 'ncts', 'cusres'] as const
export const INPUT_FORMATS = ['json', 'cc015c', 'cusdec'] as const
/** What a third party's module exports for `--module`. */
export const MODULE_EXPORT = 'conformanceTarget'

interface ConformanceOpts {
  readonly adapter?: (typeof ADAPTER_KINDS)[number]
  readonly format: (typeof OUTPUT_FORMATS)[number]
  readonly input?: (typeof INPUT_FORMATS)[number]
  readonly module?: string
  readonly json?: boolean
}

/** The factory the options name, or a usage error saying which combination is not offered. */
export async function conformanceFactory(opts: ConformanceOpts): Promise<{ factory: AdapterFactory; label: string }> {
  if ((opts.adapter === undefined) === (opts.module === undefined))
    throw new CliError(
      'name the adapter with --adapter file-drop|webhook, or a module with --module FILE (one of the two)',
      EXIT.USAGE,
    )
  if (opts.module !== undefined) {
    const path = resolve(opts.module)
    if (!existsSync(path)) throw new CliError(`no module at ${path}`, EXIT.IO)
    let mod: Record<string, unknown>
    try {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>
    } catch (e) {
      throw new CliError(`cannot load ${path}: ${e instanceof Error ? e.message : String(e)}`, EXIT.INVALID)
    }
    const factory = mod[MODULE_EXPORT]
    if (typeof factory !== 'function')
      throw new CliError(
        `${path} does not export ${MODULE_EXPORT}`,
        EXIT.INVALID,
        `export const ${MODULE_EXPORT}: AdapterFactory = async (client) => ({ adapter, submit, delivered, settle }) (see docs/adapters.md)`,
      )
    return { factory: factory as AdapterFactory, label: `module ${opts.module}` }
  }
  // Loaded here: the kit brings the NCTS and EDIFACT mappings, which no other sis command needs.
  const { fileDropTarget, webhookTarget } = await import('../../adapters/conformance/index.ts')
  if (opts.adapter === 'webhook') {
    if (opts.input !== undefined && opts.input !== 'json')
      throw new CliError(
        '--input applies to file-drop only: the webhook adapter takes records through the node API',
        EXIT.USAGE,
      )
    if (opts.format === 'cusres') throw new CliError('the webhook adapter posts sis or ncts', EXIT.USAGE)
    return { factory: webhookTarget({ format: opts.format }), label: `webhook, format ${opts.format}` }
  }
  const input = opts.input ?? 'json'
  return {
    factory: fileDropTarget({ format: opts.format, input }),
    label: `file-drop, format ${opts.format}, input ${input}`,
  }
}

/** One line, at most `max` characters: details can hold a whole error list or a stack. */
function clip(s: string, max = 140): string {
  const line = s.replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`
}

export function humanConformance(report: ConformanceReport, label: string, p: Paint): string {
  const rows = report.steps.map((s) => [s.step, s.ok ? p.ok('PASS') : p.bad('FAIL'), clip(s.detail, s.ok ? 100 : 400)])
  const passed = report.steps.filter((s) => s.ok).length
  const verdict = report.passed ? p.ok('conformance passed') : p.bad('conformance FAILED')
  return [
    label.startsWith(report.adapter) ? label : `${label} (adapter ${report.adapter})`,
    '',
    table(['step', 'result', 'detail'], rows),
    '',
    `${verdict}: ${passed} of ${report.steps.length} steps passed`,
  ].join('\n')
}

interface Listed {
  readonly name: string
  readonly kind: AdapterConfig['kind']
  readonly format: string
  readonly target: string
  readonly folder: string
  /** Files waiting in inbox/ (file drop), refused files in failed/, dead letters. */
  readonly waiting?: number
  readonly failed?: number
  readonly deadLetters: number
}

function count(dir: string, keep: (name: string) => boolean): number {
  try {
    return readdirSync(dir).filter((n) => !n.startsWith('.') && keep(n) && statSync(join(dir, n)).isFile()).length
  } catch {
    // Not created yet: the adapter has not run.
    return 0
  }
}

export async function listAdapters(dataDir: string): Promise<Listed[]> {
  const path = join(dataDir, DATA_FILES.config)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new CliError(
      `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`,
      EXIT.IO,
      "run sis init first, or point --data at the node's data folder",
    )
  }
  const parsed = NodeFile.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new CliError(
      `${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
      EXIT.INVALID,
      'fix the adapters section (see docs/adapters.md)',
    )
  }
  const { adapterFolders } = await import('../adapter-host.ts')
  return (parsed.data.adapters ?? []).map((c) => {
    const f = adapterFolders(dataDir, c)
    const deadLetters = count(f.deadLetters, (n) => n.endsWith('.json'))
    if (c.kind === 'file-drop') {
      return {
        name: c.name,
        kind: c.kind,
        format: c.format,
        target: f.root,
        folder: f.root,
        waiting: count(join(f.root, 'inbox'), (n) => !n.endsWith('.tmp')),
        failed: count(join(f.root, 'failed'), (n) => !n.endsWith('.error.json')),
        deadLetters,
      }
    }
    return { name: c.name, kind: c.kind, format: c.format, target: c.url, folder: f.state, deadLetters }
  })
}

export function registerAdapterCommands(program: Command): void {
  const adapter = program
    .command('adapter')
    .description(
      'adapters between the node and the national system: validate a national file, the conformance kit, the configured adapters',
    )
  registerValidateCommand(adapter)
  adapter
    .command('conformance')
    .description('drive an adapter through a whole transit against an in-memory node and report pass/fail per step')
    .addOption(new Option('--adapter <kind>', 'a shipped adapter').choices(ADAPTER_KINDS))
    .addOption(
      new Option('--format <format>', 'what the adapter writes to the national side (webhook: sis or ncts)')
        .choices(OUTPUT_FORMATS)
        .default('sis'),
    )
    .addOption(
      new Option(
        '--input <input>',
        'file-drop: the national format of the declarations dropped (default json)',
      ).choices(INPUT_FORMATS),
    )
    .option('--module <file>', `a third party's adapter: a module exporting ${MODULE_EXPORT} (an AdapterFactory)`)
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `${examples(
        'sis adapter conformance --adapter file-drop --format ncts --input cc015c',
        'sis adapter conformance --adapter file-drop --format cusres --input cusdec',
        'sis adapter conformance --adapter webhook --format sis --json',
        'sis adapter conformance --module ./my-adapter/conformance.ts',
      )}\n\nExit status: 0 every step passed; 1 some step failed; 2 a combination that is not offered.`,
    )
    .action(async (opts: ConformanceOpts) => {
      const { factory, label } = await conformanceFactory(opts)
      const { runConformance } = await import('../../adapters/conformance/index.ts')
      const report = await runConformance(factory)
      const passed = report.steps.filter((s) => s.ok).length
      const json = opts.json === true
      output(json).result(humanConformance(report, label, paint(!json && colourEnabled())), {
        ok: report.passed,
        target: label,
        ...report,
        summary: { passed, failed: report.steps.length - passed },
      })
      process.exitCode = report.passed ? EXIT.OK : EXIT.INVALID
    })
  adapter
    .command('list')
    .description('the adapters configured in node.json, with the files waiting in their folders')
    .requiredOption('--data <dir>', "the node's data folder")
    .option('--json', 'print the list as JSON')
    .addHelpText('after', examples('sis adapter list --data /var/lib/sis'))
    .action(async (opts: { data: string; json?: boolean }) => {
      const list = await listAdapters(opts.data)
      const dash = (n: number | undefined) => (n === undefined ? '-' : String(n))
      const human =
        list.length === 0
          ? `no adapters configured in ${join(opts.data, DATA_FILES.config)} (see docs/adapters.md)`
          : table(
              ['name', 'kind', 'format', 'inbox', 'failed', 'dead letters', 'where'],
              list.map((a) => [
                a.name,
                a.kind,
                a.format,
                dash(a.waiting),
                dash(a.failed),
                String(a.deadLetters),
                a.target,
              ]),
              ['left', 'left', 'left', 'right', 'right', 'right', 'left'],
            )
      output(opts.json === true).result(human, list)
    })
}
