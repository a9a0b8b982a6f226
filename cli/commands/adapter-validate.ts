/**
 * `sis adapter validate --format ncts|cusdec FILE`: what the adapter would make of a national
 * file, without a node. Two verdicts, as a partner needs them apart: the format's own check
 * (the official NCTS phase 6 XSD of the message's type; the EDIFACT syntax for CUSDEC) and the
 * mapping (the federation's rules and the SIS message it becomes), each with every error.
 * Exit 0 only when both pass.
 */
import { readFileSync } from 'node:fs'
import { Option } from 'commander'
import type { Command } from 'commander'
import type { FieldError } from '../../adapters/contract.ts'
import type { ImportOptions } from '../../adapters/ncts/index.ts'
import type { NodeOperation } from '../../adapters/operation.ts'
import { examples } from '../command-kit.ts'
import { CliError, EXIT, colourEnabled, output, paint } from '../output.ts'
import type { Paint } from '../output.ts'
import { table } from '../table.ts'

export const VALIDATE_FORMATS = ['ncts', 'cusdec'] as const

interface Verdict {
  readonly ran: boolean
  readonly ok: boolean
  readonly errors: readonly FieldError[]
}

export interface ValidateReport {
  readonly ok: boolean
  readonly file: string
  readonly format: (typeof VALIDATE_FORMATS)[number]
  /** The NCTS message type (CC015C) or the EDIFACT message type (CUSDEC). */
  readonly type?: string
  /** The SIS message it maps to, when known. */
  readonly sis?: string
  /** The official XSD (ncts) or the EDIFACT syntax (cusdec). */
  readonly schema: Verdict & { readonly against: string }
  readonly mapping: Verdict & {
    readonly warnings: readonly FieldError[]
    readonly operation?: {
      readonly kind: string
      readonly action?: string
      readonly documentId?: string
      readonly lrn?: string
    }
  }
}

function summary(op: NodeOperation): NonNullable<ValidateReport['mapping']['operation']> {
  return op.kind === 'lodge'
    ? { kind: 'lodge', lrn: op.lrn, documentId: op.declaration.TransitOperation.MRN }
    : {
        kind: 'act',
        action: op.action,
        ...(op.documentId === undefined ? {} : { documentId: op.documentId }),
        ...(op.lrn === undefined ? {} : { lrn: op.lrn }),
      }
}

const NOT_RUN: Verdict = { ran: false, ok: false, errors: [] }

/**
 * What stands in for the node's log when a message needs it (CC029C's limit date, CC170C's
 * declaration, an LRN-only rejection): the declaration of an NCTS CC015C or CC013C file.
 */
async function declarationContext(file: string, bytes: Uint8Array): Promise<ImportOptions> {
  const { amendedDeclaration, inspectNcts } = await import('../../adapters/ncts/index.ts')
  const r = await inspectNcts(bytes)
  const op = r.mapping?.ok === true ? r.mapping.value : undefined
  const d =
    op?.kind === 'lodge'
      ? op.declaration
      : op?.action === 'amend'
        ? amendedDeclaration(op.body as Parameters<typeof amendedDeclaration>[0])
        : undefined
  if (d === undefined)
    throw new CliError(
      `--declaration ${file} is not a declaration the adapter maps (CC015C or CC013C): ${r.errors.map((e) => `${e.path} ${e.code}`).join('; ') || r.type}`,
      EXIT.USAGE,
    )
  // The user says it is this transit's declaration: it stands for the one of the message's MRN.
  return {
    declarationOf: async (mrn) => ({ ...d, TransitOperation: { ...d.TransitOperation, MRN: mrn } }),
    mrnOfLrn: (lrn) => (lrn === d.TransitOperation.LRN ? d.TransitOperation.MRN : undefined),
  }
}

export async function validateNcts(
  file: string,
  bytes: Uint8Array,
  context: ImportOptions = {},
): Promise<ValidateReport> {
  const { inspectNcts, nctsMapping } = await import('../../adapters/ncts/index.ts')
  const r = await inspectNcts(bytes, context)
  const sis = r.type === undefined ? undefined : nctsMapping(r.type)?.sis
  const head = {
    file,
    format: 'ncts' as const,
    ...(r.type === undefined ? {} : { type: r.type }),
    ...(sis === undefined ? {} : { sis }),
  }
  const against = r.type === undefined ? 'the official NCTS phase 6 XSD' : `${r.type.toLowerCase()}.xsd (NCTS phase 6)`
  // Unreadable XML (or not NCTS at all) fails the schema stage: there is nothing to map.
  const schema: ValidateReport['schema'] =
    r.schema !== undefined
      ? { ran: true, ok: r.schema.ok, errors: r.schema.ok ? [] : r.schema.errors, against }
      : r.type === undefined
        ? { ran: true, ok: false, errors: r.errors, against }
        : { ...NOT_RUN, against: `no vendored XSD for ${r.type}` }
  const mapped = r.mapping?.ok === true ? r.mapping.value : undefined
  const mapping: ValidateReport['mapping'] =
    schema.ran && !schema.ok
      ? { ...NOT_RUN, warnings: [] }
      : {
          ran: true,
          ok: mapped !== undefined,
          errors: mapped === undefined ? r.errors : [],
          warnings: r.warnings,
          ...(mapped === undefined ? {} : { operation: summary(mapped) }),
        }
  return { ok: schema.ok && mapping.ok, ...head, schema, mapping }
}

export async function validateCusdec(file: string, text: string): Promise<ValidateReport> {
  const { inspectCusdec } = await import('../../adapters/edifact/index.ts')
  const r = inspectCusdec(text)
  const schema = {
    ran: true,
    ok: r.syntax.ok,
    errors: r.syntax.ok ? [] : r.syntax.errors,
    against: 'EDIFACT syntax (ISO 9735)',
  }
  const mapping: ValidateReport['mapping'] =
    r.mapping === undefined
      ? { ...NOT_RUN, warnings: [] }
      : r.mapping.ok
        ? {
            ran: true,
            ok: true,
            errors: [],
            warnings: r.mapping.warnings,
            operation: { kind: 'lodge', lrn: r.mapping.lrn },
          }
        : { ran: true, ok: false, errors: r.mapping.errors, warnings: [] }
  return {
    ok: schema.ok && mapping.ok,
    file,
    format: 'cusdec',
    ...(r.type === undefined ? {} : { type: r.type }),
    ...(r.mapping === undefined ? {} : { sis: 'DeclarationLodged' }),
    schema,
    mapping,
  }
}

/** The errors as a table, indented under their verdict; a line column only when some error has one. */
function errorRows(errors: readonly FieldError[]): string {
  const lined = errors.some((e) => e.line !== undefined)
  return table(
    [...(lined ? ['line'] : []), 'where', 'code', 'problem'],
    errors.map((e) => [...(lined ? [e.line === undefined ? '' : String(e.line)] : []), e.path, e.code, e.message]),
  )
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')
}

export function humanValidate(r: ValidateReport, p: Paint): string {
  const mark = (v: Verdict) => (!v.ran ? p.dim('not run') : v.ok ? p.ok('PASS') : p.bad('FAIL'))
  const what = r.type === undefined ? 'unrecognised' : `${r.format === 'ncts' ? 'NCTS' : 'EDIFACT'} ${r.type}`
  const op = r.mapping.operation
  const lines = [
    `${r.file}: ${what}${r.sis === undefined ? '' : ` → SIS ${r.sis}`}`,
    '',
    `${r.format === 'ncts' ? 'schema ' : 'syntax '}  ${mark(r.schema)}  ${r.schema.against}${r.schema.ran && !r.schema.ok ? `: ${r.schema.errors.length} fault(s)` : ''}`,
  ]
  if (r.schema.errors.length > 0) lines.push(errorRows(r.schema.errors))
  lines.push(
    `mapping  ${mark(r.mapping)}${op === undefined ? '' : `  ${op.kind === 'lodge' ? 'lodge' : (op.action ?? '')}${op.lrn === undefined ? '' : ` LRN ${op.lrn}`}${op.documentId === undefined ? '' : ` on ${op.documentId}`}`}${r.mapping.ran && !r.mapping.ok ? `: ${r.mapping.errors.length} error(s)` : ''}`,
  )
  if (r.mapping.errors.length > 0) lines.push(errorRows(r.mapping.errors))
  if (r.mapping.warnings.length > 0)
    lines.push(p.warn(`${r.mapping.warnings.length} warning(s):`), errorRows(r.mapping.warnings))
  lines.push(
    '',
    r.ok
      ? p.ok('valid: the adapter would hand it to the node')
      : p.bad('refused: the adapter would not hand it to the node'),
  )
  return lines.join('\n')
}

export function registerValidateCommand(adapter: Command): void {
  adapter
    .command('validate')
    .description('check a national file as the adapter would (official schema, then mapping), without a node')
    .addOption(new Option('--format <format>', "the file's format").choices(VALIDATE_FORMATS).makeOptionMandatory())
    .argument('<file>', 'the NCTS XML message or the CUSDEC interchange')
    .option(
      '--declaration <file>',
      "a CC015C or CC013C whose declaration stands for the node's log (for CC029C, CC170C, messages naming only an LRN)",
    )
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `${examples('sis adapter validate --format ncts CC015C.xml', 'sis adapter validate --format ncts CC029C.xml --declaration CC015C.xml', 'sis adapter validate --format cusdec --json declaration.edi')}\n\nExit status: 0 the schema and the mapping pass; 1 either refuses the file; 2 wrong usage; 3 a file cannot be read.`,
    )
    .action(
      async (
        file: string,
        opts: { format: (typeof VALIDATE_FORMATS)[number]; json?: boolean; declaration?: string },
      ) => {
        const bytes = readInput(file)
        if (opts.declaration !== undefined && opts.format !== 'ncts')
          throw new CliError('--declaration completes NCTS messages only (--format ncts)', EXIT.USAGE)
        const context =
          opts.declaration === undefined ? {} : await declarationContext(opts.declaration, readInput(opts.declaration))
        const report =
          opts.format === 'ncts'
            ? await validateNcts(file, bytes, context)
            : await validateCusdec(file, new TextDecoder().decode(bytes))
        const json = opts.json === true
        output(json).result(humanValidate(report, paint(!json && colourEnabled())), report)
        process.exitCode = report.ok ? EXIT.OK : EXIT.INVALID
      },
    )
}

function readInput(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file))
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, EXIT.IO)
  }
}
