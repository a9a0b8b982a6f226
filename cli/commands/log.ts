/**
 * `sis log verify BUNDLE --membership FILE...`: what an auditor runs. Recomputes a document's state
 * offline from a bundle of entries in any order and prints the state, its hash, ineffective
 * entries with reasons, disputes and fork proofs.
 */
import type { Command } from 'commander'
import { isSisError } from '../../protocol/errors.ts'
import { computeState, DocumentLog, readEntry } from '../../protocol/log/index.ts'
import type { DocumentState, LogEntry } from '../../protocol/log/index.ts'
import type { Dispute } from '../../protocol/kinds/transit/index.ts'
import { readBundle } from '../bundle.ts'
import { readMembershipFiles, withMembership } from '../membership.ts'
import { EXIT, output } from '../output.ts'
import { table } from '../table.ts'

interface Refused {
  file: string
  code: string
  message: string
}

export interface BundleReport {
  readonly documents: { state: DocumentState; pending: { id: string; missing: string[] }[] }[]
  readonly refused: Refused[]
}

function humanReport(r: BundleReport): string {
  const lines: string[] = []
  for (const { state, pending } of r.documents) {
    lines.push(
      `document ${state.documentId} (${state.kind})`,
      `status      ${state.status}`,
      `state hash  ${state.hash}`,
      `entries     ${state.entries.length} (${state.entries.filter((e) => !e.effect.effective).length} ineffective)`,
      '',
    )
    lines.push(
      table(
        ['#', 'type', 'author', 'seq', 'entry', 'effect'],
        state.entries.map((e, i) => [
          String(i + 1),
          e.type,
          e.author,
          String(e.seq),
          e.id.slice(0, 16),
          e.effect.effective ? 'effective' : `${e.effect.code}: ${e.effect.reason}`,
        ]),
      ),
    )
    // Disputes (L10) are facts of the kinds that have them (the transit).
    for (const d of (state.facts as { disputes?: readonly Dispute[] }).disputes ?? []) {
      lines.push(
        `dispute (${d.open ? 'OPEN' : `resolved: ${d.outcome ?? ''}`}): ${d.reason}: ${d.entries.map((x) => x.slice(0, 16)).join(' vs ')}`,
      )
    }
    for (const f of state.forks)
      lines.push(
        `FORK PROOF: ${f.author} signed two entries at seq ${f.seq}: ${f.ids.map((x) => x.slice(0, 16)).join(', ')}; ${f.author} is frozen on this document`,
      )
    for (const p of pending)
      lines.push(
        `waiting: ${p.id.slice(0, 16)} needs ${p.missing.map((x) => x.slice(0, 16)).join(', ')} (not in the bundle)`,
      )
    lines.push('')
  }
  for (const x of r.refused) lines.push(`REFUSED ${x.file}: ${x.code} ${x.message}`)
  return lines.join('\n').trimEnd()
}

export function verifyBundle(
  files: readonly { name: string; bytes: Uint8Array }[],
  membership: Parameters<typeof readEntry>[1],
): BundleReport {
  const refused: Refused[] = []
  const logs = new Map<string, DocumentLog>()
  const names = new Map<string, string>()
  for (const f of files) {
    let entry: LogEntry
    try {
      entry = readEntry(f.bytes, membership)
    } catch (e) {
      if (!isSisError(e)) throw e
      refused.push({ file: f.name, code: e.code, message: e.message })
      continue
    }
    names.set(entry.id, f.name)
    let log = logs.get(entry.documentId)
    if (log === undefined) logs.set(entry.documentId, (log = new DocumentLog(entry.documentId)))
    const r = log.add(entry)
    if (r.status === 'refused') refused.push({ file: f.name, code: r.error.code, message: r.error.message })
    if (r.status === 'accepted')
      for (const d of r.dropped)
        refused.push({ file: names.get(d.id) ?? d.id, code: d.error.code, message: d.error.message })
  }
  const documents = [...logs.values()]
    .sort((a, b) => a.documentId.localeCompare(b.documentId))
    .map((log) => ({
      state: computeState(
        { documentId: log.documentId, entries: log.entries(), frozen: log.frozen(), forks: log.forks() },
        membership,
      ),
      pending: log.pending().map((p) => ({
        id: p.id,
        missing: [...p.parents, ...p.authRefs, ...(p.previous === undefined ? [] : [p.previous])].filter(
          (d) => !log.has(d),
        ),
      })),
    }))
  return { documents, refused }
}

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('per-document logs of signed entries')
  withMembership(
    log
      .command('verify')
      .description(
        "recompute a document's state offline from a bundle of signed entries (a folder or a .tar/.tar.gz, any order)",
      )
      .argument('<bundle>', 'folder or archive of entry files'),
  )
    .option('--json', 'print the full report as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sis log verify ./26CN652100000042J8/ --membership membership.json\n  sis log verify 26CN652100000042J8.tar --membership membership.json --membership v2.json\n\nExit status: 0 every entry verified and was placed; 1 a membership file was refused, or some entry was refused or waits for entries missing from the bundle.',
    )
    .action(async (bundle: string, opts: { membership: string[]; json?: boolean }) => {
      const { membership, versions } = await readMembershipFiles(opts.membership)
      const report = verifyBundle(await readBundle(bundle), membership)
      const complete = report.refused.length === 0 && report.documents.every((d) => d.pending.length === 0)
      output(opts.json === true).result(humanReport(report), { ok: complete, membershipVersions: versions, ...report })
      process.exitCode = complete ? EXIT.OK : EXIT.INVALID
    })
}
