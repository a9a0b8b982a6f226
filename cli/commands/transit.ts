/**
 * `sis transit declare|show|log|act|search` and `sis log export`: a transit document through the
 * running node's API, as its national system or an operator would drive it by hand.
 */
import { Argument } from 'commander'
import type { Command } from 'commander'
import { TRANSIT_ACTIONS } from '../../protocol/kinds/transit/index.ts'
import type { TransitAction } from '../../protocol/kinds/transit/index.ts'
import type { LogView, ReceiptsView, SubmitResult } from '../../node/service.ts'
import type { DocumentRecord } from '../../node/storage/types.ts'
import { DEFAULT_XML_LIMITS } from '../../protocol/xml/index.ts'
import { examples, nodeContext, withNode } from '../command-kit.ts'
import type { NodeOpts } from '../command-kit.ts'
import { actionBody, bodyFormat, parseJsonObject } from '../action-body.ts'
import { readBounded } from '../files.ts'
import { writeFileAtomic } from '../../shared/files.ts'
import { statusText } from '../i18n.ts'
import { CliError, EXIT } from '../output.ts'
import { fields, table } from '../table.ts'

const LIMIT = DEFAULT_XML_LIMITS.maxBytes

async function readStdin(): Promise<Uint8Array> {
  const parts: Buffer[] = []
  let n = 0
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    n += chunk.length
    if (n > LIMIT) throw new CliError(`standard input is over ${LIMIT} bytes`, EXIT.INVALID)
    parts.push(chunk)
  }
  return new Uint8Array(Buffer.concat(parts))
}

const enc = (s: string) => encodeURIComponent(s)

export function registerTransitCommands(program: Command): void {
  const transit = program
    .command('transit')
    .description('transit documents on the running node: declare, act, show, log, search')

  withNode(
    transit
      .command('declare')
      .description(
        'lodge a transit declaration: an unsigned DeclarationLodged message (XML) or its JSON form; the node signs it and replicates it along the route',
      )
      .argument('<file>', 'the declaration (.xml or .json; - for standard input)'),
  )
    .addHelpText(
      'after',
      examples(
        'sis message examples --out /tmp/ex && sis transit declare /tmp/ex/DeclarationLodged.xml --data /var/lib/sis/cn',
        'sis transit declare declaration.json --api http://127.0.0.1:8080 --json | jq -r .documentId',
      ),
    )
    .action(async (file: string, opts: NodeOpts) => {
      const ctx = nodeContext(opts)
      const bytes = file === '-' ? await readStdin() : await readBounded(file, LIMIT)
      if (bytes.length > LIMIT)
        throw new CliError(`${file} is over ${LIMIT} bytes`, EXIT.INVALID, ctx.t('hint.declarationFile'))
      const format = bodyFormat(bytes)
      let r: SubmitResult
      if (format === 'xml') r = await ctx.client.postXml<SubmitResult>('/v1/transits', bytes)
      else if (format === 'json') {
        const value = parseJsonObject(bytes, file, ctx.t('hint.declarationFile'))
        r = await ctx.client.postJson<SubmitResult>(
          '/v1/transits',
          'declaration' in value ? value : { declaration: value },
        )
      } else throw new CliError(`${file} is neither XML nor JSON`, EXIT.INVALID, ctx.t('hint.declarationFile'))
      ctx.out.result(
        ctx.t('result.declared', {
          documentId: r.documentId,
          status: statusText(ctx.t, r.status),
          entry: r.entryId.slice(0, 16),
        }),
        r,
      )
    })

  withNode(
    transit
      .command('show')
      .description('a transit document with its computed state')
      .argument('<mrn>', "the document's MRN"),
  )
    .addHelpText(
      'after',
      examples(
        'sis transit show 26CN652100000042J8 --data /var/lib/sis/kz',
        'sis transit show 26CN652100000042J8 --data /var/lib/sis/kz --json | jq .state',
      ),
    )
    .action(async (mrn: string, opts: NodeOpts) => {
      const ctx = nodeContext(opts)
      const { t } = ctx
      const d = await ctx.client.get<DocumentRecord>(`/v1/transits/${enc(mrn)}`)
      const entries = (d.state as { entries?: unknown[] } | undefined)?.entries?.length
      ctx.out.result(
        fields([
          [t('label.document'), ctx.paint.bold(d.documentId)],
          [t('label.kind'), d.kind],
          [t('label.status'), statusText(t, d.status)],
          [t('label.stateHash'), d.stateHash],
          [t('label.updated'), d.updatedAt],
          [t('label.audience'), d.audience.join(' → ')],
          [t('label.offices'), (d.index.keys.office ?? []).join(', ')],
          ...(entries === undefined ? [] : [[t('label.entries'), String(entries)] as const]),
        ]),
        d,
      )
    })

  withNode(
    transit
      .command('log')
      .description('the signed entries of a document in their resolved order, each with its verdict')
      .argument('<mrn>', "the document's MRN"),
  )
    .addHelpText(
      'after',
      examples(
        'sis transit log 26CN652100000042J8 --data /var/lib/sis/kz',
        "sis transit log 26CN652100000042J8 --data /var/lib/sis/kz --json | jq -r '.entries[0].xml'",
      ),
    )
    .action(async (mrn: string, opts: NodeOpts) => {
      const ctx = nodeContext(opts)
      const { t, paint } = ctx
      const v = await ctx.client.get<LogView>(`/v1/transits/${enc(mrn)}/log`)
      ctx.out.result(
        table(
          [t('col.seq'), t('col.type'), t('col.author'), t('col.entry'), t('col.effect')],
          v.entries.map((e) => [
            String(e.seq),
            e.type,
            e.author,
            e.id.slice(0, 16),
            e.effective ? paint.ok(t('value.effective')) : paint.bad(e.reason ?? t('value.ineffective')),
          ]),
          ['right'],
        ),
        v,
      )
    })

  withNode(
    transit
      .command('receipts')
      .description(
        "which member holds which entry of a transit, since when: its signed delivery receipts, each checked against the member's pinned key",
      )
      .argument('<mrn>', "the document's MRN"),
  )
    .addHelpText(
      'after',
      examples(
        'sis transit receipts 26CN652100000042J8 --data /var/lib/sis/cn',
        "sis transit receipts 26CN652100000042J8 --data /var/lib/sis/cn --json | jq '.receipts[] | {peer, entryIds}'",
      ),
    )
    .action(async (mrn: string, opts: NodeOpts) => {
      const ctx = nodeContext(opts)
      const { t, paint } = ctx
      const v = await ctx.client.get<ReceiptsView>(`/v1/documents/${enc(mrn)}/receipts`)
      ctx.out.result(
        table(
          [t('col.peer'), t('col.receivedAt'), t('col.entries'), t('col.signature')],
          v.receipts.map((r) => [
            r.peer,
            r.receivedAt,
            r.entryIds.map((id) => id.slice(0, 12)).join(' '),
            r.verified ? paint.ok(t('value.verified')) : paint.bad(r.reason ?? ''),
          ]),
        ),
        v,
      )
    })

  withNode(
    transit
      .command('act')
      .description(
        `an officer action on a transit, written as one signed entry by the node: ${TRANSIT_ACTIONS.join(', ')}`,
      )
      .argument('<mrn>', "the document's MRN")
      .addArgument(new Argument('<action>', 'the action').choices(TRANSIT_ACTIONS))
      .option(
        '--body <file>',
        "the action's body: its message body as JSON without the Header (.json), or the action's message as XML, with or without its Header (.xml); - for standard input; default {}",
      ),
  )
    .addHelpText(
      'after',
      examples(
        'sis transit act 26CN652100000042J8 accept --data /var/lib/sis/cn --body accept.json',
        'sis transit act 26CN652100000042J8 passage --data /var/lib/sis/kz --body passage.json --json',
        'sis transit act 26CN652100000042J8 release --data /var/lib/sis/cn --body ex/ReleasedForTransit.xml',
        '(sis message examples --out DIR writes an example of each message: its XML, or its body without <Header> as JSON, is what --body takes)',
      ),
    )
    .action(async (mrn: string, action: string, opts: NodeOpts & { body?: string }) => {
      const ctx = nodeContext(opts)
      const bytes =
        opts.body === undefined
          ? new TextEncoder().encode('{}')
          : opts.body === '-'
            ? await readStdin()
            : await readBounded(opts.body, LIMIT)
      const body = actionBody(bytes, {
        documentId: mrn,
        action: action as TransitAction,
        what: opts.body ?? 'the body',
        hint: ctx.t('hint.bodyFile'),
      })
      const r = await ctx.client.postJson<SubmitResult>(`/v1/transits/${enc(mrn)}/actions/${enc(action)}`, body)
      ctx.out.result(
        ctx.t('result.acted', {
          action,
          documentId: r.documentId,
          status: statusText(ctx.t, r.status),
          entry: r.entryId.slice(0, 16),
        }),
        r,
      )
    })

  withNode(
    transit
      .command('search')
      .description('documents matching every key given (each exact), newest first')
      .option('--mrn <mrn>', 'master reference number')
      .option('--lrn <lrn>', 'local reference number')
      .option('--status <status>', 'e.g. released, arrived, written-off')
      .option('--office <ref>', 'a customs office on the document')
      .option('--trader <id>', 'identification number of the holder, consignor or consignee')
      .option('--vehicle <id>', 'registration number of a means of transport')
      .option('--container <number>', 'container number')
      .option('--from <time>', 'updated at or after (ISO time with a zone)')
      .option('--to <time>', 'updated at or before (ISO time with a zone)')
      .option('--limit <n>', 'at most this many (1 to 500)'),
  )
    .addHelpText(
      'after',
      examples(
        'sis transit search --data /var/lib/sis/kz --status released',
        'sis transit search --data /var/lib/sis/kz --office KZB00100 --from 2026-11-01T00:00:00Z --json',
      ),
    )
    .action(
      async (
        opts: NodeOpts &
          Record<
            'mrn' | 'lrn' | 'status' | 'office' | 'trader' | 'vehicle' | 'container' | 'from' | 'to' | 'limit',
            string | undefined
          >,
      ) => {
        const ctx = nodeContext(opts)
        const { t } = ctx
        const q = new URLSearchParams()
        for (const k of [
          'mrn',
          'lrn',
          'status',
          'office',
          'trader',
          'vehicle',
          'container',
          'from',
          'to',
          'limit',
        ] as const) {
          const v = opts[k]
          if (v !== undefined) q.set(k, v)
        }
        const found = await ctx.client.get<DocumentRecord[]>(`/v1/search${q.size === 0 ? '' : `?${q}`}`)
        const rows = found.map((d) => [d.documentId, statusText(t, d.status), d.updatedAt, d.audience.join(' → ')])
        ctx.out.result(
          found.length === 0
            ? t('result.noMatch')
            : `${table([t('col.document'), t('col.status'), t('col.updated'), t('col.route')], rows)}\n${t('result.found', { count: found.length })}`,
          found,
        )
      },
    )

  // `sis log export` joins `sis log verify` (cli/commands/log.ts), which reads what it writes.
  const log =
    program.commands.find((c) => c.name() === 'log') ??
    program.command('log').description('per-document logs of signed entries')
  withNode(
    log
      .command('export')
      .description("a tar bundle of a document's signed entries, for sis log verify (an auditor's recomputation)")
      .argument('<mrn>', "the document's MRN")
      .requiredOption('--out <file>', 'the .tar file to write'),
  )
    .addHelpText(
      'after',
      examples(
        'sis log export 26CN652100000042J8 --data /var/lib/sis/kz --out 26CN652100000042J8.tar',
        'sis log verify 26CN652100000042J8.tar --membership membership.json',
      ),
    )
    .action(async (mrn: string, opts: NodeOpts & { out: string }) => {
      const ctx = nodeContext(opts)
      const res = await ctx.client.request('GET', `/v1/transits/${enc(mrn)}/bundle`)
      const tar = new Uint8Array(await res.arrayBuffer())
      writeFileAtomic(opts.out, tar, { mkdir: true })
      ctx.out.result(ctx.t('result.exported', { file: opts.out, bytes: ctx.t('count.bytes', { count: tar.length }) }), {
        ok: true,
        file: opts.out,
        bytes: tar.length,
      })
    })
}
