/**
 * The conformance kit: drives any adapter through a whole transit against the in-memory node
 * (declare, a repeated declaration, accept, release, passage through a node outage, arrival,
 * control, write-off, a refusal by the node, a rejection by customs, a malformed record) and
 * reports pass or fail per step. An adapter author supplies a factory that builds the adapter
 * on the given NodeClient and says how a national record reaches it and what it wrote back.
 */
import { exampleMessage } from '../../protocol/index.ts'
import type { Message, MessageTypeName } from '../../protocol/index.ts'
import { InMemoryNodeClient } from '../client/memory.ts'
import type { Adapter, DeliveredItem, FieldError, NationalRecord, NodeClient, TransitAction } from '../contract.ts'
import { ACTION_MESSAGE_TYPES } from '../contract.ts'
import { mrnForLrn } from '../mrn.ts'
import type { DeclarationBody } from '../ncts/index.ts'

export interface SubmitResultOfRecord {
  readonly accepted: boolean
  readonly errors?: readonly FieldError[]
}

export interface ConformanceTarget {
  readonly adapter: Adapter
  /** Offers a record through the adapter's real inbound path; resolves once it was handled. */
  submit(record: NationalRecord): Promise<SubmitResultOfRecord>
  /** Everything the adapter wrote towards the national system so far. */
  delivered(): Promise<readonly DeliveredItem[]>
  /** Resolves once queued outbound work is done. */
  settle(): Promise<void>
  /** The declaration in this adapter's national format (default: the simple JSON format). */
  encodeDeclaration?(declaration: DeclarationBody, lrn: string): NationalRecord
  /** An action in this adapter's national format (default: the simple JSON format). */
  encodeAction?(action: TransitAction, documentId: string, body: unknown): NationalRecord
  cleanup?(): Promise<void>
}

export type AdapterFactory = (client: NodeClient) => Promise<ConformanceTarget>

export interface StepResult {
  readonly step: string
  readonly ok: boolean
  readonly detail: string
}

export interface ConformanceReport {
  readonly adapter: string
  readonly passed: boolean
  readonly steps: readonly StepResult[]
}

export interface ConformanceOptions {
  /** Country of the in-memory node (the example transit departs from CN). */
  readonly country?: string
  readonly log?: (line: string) => void
}

const enc = new TextEncoder()

function jsonRecord(name: string, value: unknown): NationalRecord {
  return { name, bytes: enc.encode(JSON.stringify(value, null, 2)) }
}

/** The example message body of `type` (protocol/messages examples) for transit `mrn`. */
function bodyFor<T extends MessageTypeName>(type: T, mrn: string): Record<string, unknown> {
  const { Header: _h, ...rest } = structuredClone(exampleMessage(type)) as Message<T> & { Header: unknown }
  const body = rest as Record<string, unknown>
  ;(body.TransitOperation as Record<string, unknown>).MRN = mrn
  return body
}

export function conformanceDeclaration(lrn: string): DeclarationBody {
  const d = bodyFor('DeclarationLodged', '') as unknown as DeclarationBody
  const op = d.TransitOperation as { LRN: string; MRN: string; declarationDateAndTime: string }
  op.LRN = lrn
  op.MRN = mrnForLrn({
    lrn,
    departureOffice: d.CustomsOfficeOfDeparture.referenceNumber,
    declaredAt: op.declarationDateAndTime,
  })
  return d
}

const LIFECYCLE: readonly TransitAction[] = ['accept', 'release', 'passage', 'arrival', 'control', 'write-off']
const STATUS_AFTER: Readonly<Partial<Record<TransitAction, string>>> = {
  accept: 'accepted',
  release: 'released',
  passage: 'released',
  arrival: 'arrived',
  control: 'controlled',
  'write-off': 'written-off',
}

export async function runConformance(
  factory: AdapterFactory,
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const client = new InMemoryNodeClient({ country: options.country ?? 'CN' })
  const target = await factory(client)
  const steps: StepResult[] = []
  const record = (step: string, ok: boolean, detail: string) => {
    steps.push({ step, ok, detail })
    options.log?.(`${ok ? 'PASS' : 'FAIL'} ${step}: ${detail}`)
  }
  const deliveredFor = async (mrn: string) => {
    await target.settle()
    return (await target.delivered()).filter((d) => d.documentId === mrn || d.name.includes(mrn))
  }
  const stamp = Date.now().toString(36).toUpperCase()
  const lrn = `CONF-${stamp}-1`
  const declaration = conformanceDeclaration(lrn)
  const mrn = declaration.TransitOperation.MRN
  const encodeDecl = (d: DeclarationBody, l: string) =>
    target.encodeDeclaration?.(d, l) ?? jsonRecord(`${l}.json`, { action: 'lodge', declaration: d })
  const encodeAct = (a: TransitAction, id: string, b: unknown) =>
    target.encodeAction?.(a, id, b) ?? jsonRecord(`${id}-${a}.json`, { action: a, documentId: id, body: b })
  try {
    await target.adapter.start()
    // 1. declare
    const r = await target.submit(encodeDecl(declaration, lrn))
    const doc = await client.document(mrn)
    record(
      'declare',
      r.accepted && doc?.status === 'lodged',
      r.accepted ? `accepted; ${mrn} status ${doc?.status ?? 'none'}` : `refused: ${JSON.stringify(r.errors ?? [])}`,
    )
    const out1 = await deliveredFor(mrn)
    record('declare: delivered back', out1.length >= 1, `${out1.length} item(s): ${out1.map((d) => d.kind).join(', ')}`)
    // 2. the same declaration again (a retry, a restart) must not open a second transit
    const lodges = () => client.calls.filter((c) => c.operation === 'lodge' && c.ok).length
    const before = lodges()
    const again = await target.submit(encodeDecl(declaration, lrn))
    record('declare again (idempotent)', again.accepted && lodges() === before, `${lodges() - before} new transit(s)`)
    // 3. the lifecycle, with a node outage before the passage (retries)
    for (const action of LIFECYCLE) {
      const count = (await deliveredFor(mrn)).length
      if (action === 'passage') client.failNext(2)
      const res = await target.submit(encodeAct(action, mrn, bodyFor(ACTION_MESSAGE_TYPES[action], mrn)))
      // An adapter that never called the node must not leave the outage to the kit's own reads.
      client.failNext(0)
      const status = (await client.document(mrn))?.status
      const out = await deliveredFor(mrn)
      const ok = res.accepted && status === STATUS_AFTER[action] && out.length > count
      record(
        action === 'passage' ? 'passage (after two 503s)' : action,
        ok,
        res.accepted
          ? `status ${status ?? 'none'}, ${out.length - count} new item(s) delivered (${out
              .slice(count)
              .map((d) => d.kind)
              .join(', ')})`
          : `refused: ${JSON.stringify(res.errors ?? [])}`,
      )
    }
    // 4. the node refuses an action (a value its schema refuses): the record is set aside with the node's code
    const bad = bodyFor('BorderPassageRecorded', mrn)
    ;(bad.CustomsOfficeOfTransitActual as Record<string, unknown>).referenceNumber = 'ZZ000000'
    const refused = await target.submit(encodeAct('passage', mrn, bad))
    record(
      'refusal by the node',
      !refused.accepted && (refused.errors ?? []).length > 0,
      refused.accepted
        ? 'accepted a refused body'
        : `set aside with ${(refused.errors ?? []).map((e) => e.code).join(', ')}`,
    )
    // 5. a rejection by customs reaches the national side
    const lrn2 = `CONF-${stamp}-2`
    const d2 = conformanceDeclaration(lrn2)
    const mrn2 = d2.TransitOperation.MRN
    const r2 = await target.submit(encodeDecl(d2, lrn2))
    const rej = bodyFor('DeclarationRejected', mrn2)
    ;(rej.TransitOperation as Record<string, unknown>).LRN = lrn2
    if ((await client.document(mrn2)) !== undefined) await client.act(mrn2, 'reject', rej)
    const out2 = await deliveredFor(mrn2)
    record(
      'rejection delivered',
      r2.accepted && (await client.document(mrn2))?.status === 'rejected' && out2.length >= 2,
      `${out2.length} item(s): ${out2.map((d) => d.kind).join(', ')}`,
    )
    // 6. malformed input: refused with errors, nothing reaches the node
    const calls = client.calls.length
    const junk = await target.submit({ name: 'malformed.xml', bytes: enc.encode('<DeclarationLodged><unclosed>') })
    record(
      'malformed input',
      !junk.accepted && (junk.errors ?? []).length > 0 && client.calls.length === calls,
      junk.accepted
        ? 'accepted junk'
        : `refused with ${(junk.errors ?? []).map((e) => e.code).join(', ')}; ${client.calls.length - calls} node call(s)`,
    )
  } catch (e) {
    record('unexpected error', false, String((e as Error).stack ?? e))
  } finally {
    await target.adapter.stop()
    await target.cleanup?.()
  }
  return { adapter: target.adapter.name, passed: steps.every((s) => s.ok), steps }
}

/** A report as text, one line per step (what `sis adapter conformance` would print). */
export function formatReport(report: ConformanceReport): string {
  const lines = report.steps.map((s) => `${s.ok ? 'PASS' : 'FAIL'}  ${s.step.padEnd(28)} ${s.detail}`)
  const passed = report.steps.filter((s) => s.ok).length
  return [`adapter ${report.adapter}`, ...lines, `${passed} passed, ${report.steps.length - passed} failed`].join('\n')
}
