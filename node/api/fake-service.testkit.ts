/**
 * Test-only: a small in-memory NodeService with the scope rules of the real one (an officer sees
 * documents that name their office, a trader those that name their id; admin and integration see
 * all), scripted failures, and an event bus, plus a helper that runs the API on loopback.
 */
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { SisError } from '../../protocol/errors.ts'
import type { DocumentRecord, SearchQuery } from '../storage/types.ts'
import type {
  Health,
  LogView,
  NodeEvent,
  NodeService,
  NodeStatus,
  OutboxView,
  Principal,
  ReceiptsView,
  SubmitResult,
} from '../service.ts'
import type { OutboxItem } from '../storage/types.ts'
import { encodeBackup } from '../storage/backup.ts'
import { hashToken } from './auth.ts'
import type { ApiToken } from './auth.ts'
import { createMetrics } from './metrics.ts'
import { createApi, startApi } from './server.ts'
import type { ApiOptions } from './server.ts'

/** A transit (found by its MRN) or a guarantee (by its GRN); keys without values are absent, as the node writes them. */
export function record(
  documentId: string,
  index: { offices?: string[]; traders?: string[]; status?: string; kind?: 'transit' | 'guarantee' } = {},
): DocumentRecord {
  const status = index.status ?? 'lodged'
  const kind = index.kind ?? 'transit'
  const keys: Record<string, string[]> = { [kind === 'transit' ? 'mrn' : 'grn']: [documentId] }
  if ((index.offices ?? []).length > 0) keys.office = [...index.offices!]
  if ((index.traders ?? []).length > 0) keys.trader = [...index.traders!]
  return {
    documentId,
    kind,
    audience: ['KZ', 'UZ'],
    status,
    stateHash: 'ab'.repeat(32),
    updatedAt: '2025-03-01T10:00:00.000Z',
    index: { status, keys },
    state: { status },
  }
}

export class FakeService implements NodeService {
  readonly country = 'KZ'
  readonly docs = new Map<string, DocumentRecord>()
  readonly calls: { method: string; principal: Principal; args: unknown[] }[] = []
  readonly listeners = new Set<(e: NodeEvent) => void>()
  ready = true
  #failure: unknown

  /** The next command throws this. */
  failNext(error: unknown): void {
    this.#failure = error
  }

  publish(event: NodeEvent): void {
    for (const l of this.listeners) l(event)
  }

  #visible(p: Principal, id: string): DocumentRecord | undefined {
    const d = this.docs.get(id)
    if (d === undefined) return undefined
    if (p.role === 'officer') return (d.index.keys.office ?? []).includes(p.office) ? d : undefined
    if (p.role === 'trader') return (d.index.keys.trader ?? []).includes(p.traderId) ? d : undefined
    return d
  }

  /** Recorded as method 'command' with args [kind, name, input]; the transit's lodge and act and the guarantee's register. */
  async command(p: Principal, kind: string, name: string, input: unknown): Promise<SubmitResult> {
    this.calls.push({ method: 'command', principal: p, args: [kind, name, input] })
    const failure = this.#failure
    this.#failure = undefined
    if (failure !== undefined) throw failure
    const command = `${kind}.${name}`
    if (command === 'transit.lodge') {
      const declaration = input as { xml: string } | { json: unknown }
      const id =
        'xml' in declaration
          ? /<documentId>([^<]+)<\/documentId>/.exec(declaration.xml)?.[1]
          : (declaration.json as { documentId?: string }).documentId
      if (id === undefined)
        throw new SisError('MSG_MISSING_ELEMENT', 'DeclarationLodged/Header/documentId: required element is missing', {
          field: 'documentId',
        })
      const office = p.role === 'officer' ? [p.office] : []
      this.docs.set(id, record(id, { offices: office }))
      return { documentId: id, entryId: 'e'.repeat(64), status: 'lodged' }
    }
    if (command === 'transit.act') {
      const { documentId, action } = input as { documentId: string; action: string; body: unknown }
      return { documentId, entryId: 'f'.repeat(64), status: action === 'accept' ? 'accepted' : 'lodged' }
    }
    if (command === 'guarantee.register') {
      const id = (input as { Guarantee?: { GRN?: string } }).Guarantee?.GRN ?? '26CN650000000007Z'
      this.docs.set(id, record(id, { kind: 'guarantee', status: 'registered' }))
      return { documentId: id, entryId: 'd'.repeat(64), status: 'registered' }
    }
    throw new Error(`FakeService: no command ${command}`)
  }

  async document(p: Principal, id: string): Promise<DocumentRecord | undefined> {
    return this.#visible(p, id)
  }

  async log(p: Principal, id: string): Promise<LogView | undefined> {
    if (this.#visible(p, id) === undefined) return undefined
    return {
      documentId: id,
      entries: [
        {
          id: 'e'.repeat(64),
          type: 'DeclarationLodged',
          author: 'KZ',
          seq: 1,
          verified: true,
          effective: true,
          xml: '<x/>',
        },
      ],
    }
  }

  async receipts(p: Principal, id: string): Promise<ReceiptsView | undefined> {
    if (this.#visible(p, id) === undefined) return undefined
    return {
      documentId: id,
      receipts: [
        {
          peer: 'UZ',
          receivedAt: '2025-03-01T10:00:01.000Z',
          entryIds: ['e'.repeat(64)],
          verified: true,
          xml: '<Receipt/>',
        },
      ],
    }
  }

  async search(p: Principal, query: SearchQuery): Promise<DocumentRecord[]> {
    this.calls.push({ method: 'search', principal: p, args: [query] })
    return [...this.docs.keys()]
      .map((id) => this.#visible(p, id))
      .filter((d) => d !== undefined)
      .slice(0, query.limit)
  }

  async exportBundle(p: Principal, id: string): Promise<Uint8Array | undefined> {
    return this.#visible(p, id) === undefined ? undefined : new TextEncoder().encode(`tar of ${id}`)
  }

  subscribe(_p: Principal, listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async health(): Promise<Health> {
    const reasons = this.ready ? [] : ['membership version 1 expired at 2026-01-01T00:00:00Z']
    return { live: true, ready: this.ready, reasons, readiness: 'peer', peers: 2, members: 11 }
  }

  membershipVersion = 1
  readonly outboxItems: OutboxItem[] = []

  async status(_p: Principal): Promise<NodeStatus> {
    return {
      country: 'KZ',
      softwareVersion: '0.0.0-test',
      keyId: 'kz-1',
      keys: [{ keyId: 'kz-1', publicKey: 'A'.repeat(43) + '=', validFrom: '2025-01-01T00:00:00Z' }],
      membership: {
        version: this.membershipVersion,
        validFrom: '2025-01-01T00:00:00Z',
        validUntil: '2099-01-01T00:00:00Z',
        valid: true,
        members: 2,
        quorum: 2,
      },
      peers: [
        {
          country: 'UZ',
          connected: true,
          outboxDepth: this.outboxItems.length,
          replicationLagSeconds: this.outboxItems.length === 0 ? 0 : 12.5,
        },
      ],
      outboxTotal: this.outboxItems.length,
      startedAt: '2025-03-01T10:00:00.000Z',
      uptimeSeconds: 60,
    }
  }

  async outbox(_p: Principal, query: { peer?: string; limit: number }): Promise<OutboxView> {
    const items = this.outboxItems.filter((o) => query.peer === undefined || o.peer === query.peer)
    return { total: items.length, items: items.slice(0, query.limit) }
  }

  async retryOutbox(p: Principal, peer?: string): Promise<{ rescheduled: number }> {
    this.calls.push({ method: 'retryOutbox', principal: p, args: [peer] })
    return { rescheduled: this.outboxItems.filter((o) => peer === undefined || o.peer === peer).length }
  }

  /** Records the fake backup streams: a few records in batches, through the real encoder. */
  backupRecords: (readonly [string, Uint8Array])[] = [['v\x00layout', new TextEncoder().encode('1')]]

  async backup(_p: Principal): Promise<{ fileName: string; chunks: AsyncIterable<Uint8Array> }> {
    const records = this.backupRecords
    async function* batches() {
      for (let i = 0; i < records.length; i += 2) yield records.slice(i, i + 2)
    }
    return {
      fileName: 'sis-KZ-test.sisbak',
      chunks: encodeBackup({ country: 'KZ', createdAt: '2025-03-01T10:00:00.000Z', layout: '1' }, batches()),
    }
  }

  async updateMembership(_p: Principal, signed: unknown): Promise<{ version: number }> {
    const v = (signed as { document?: { version?: unknown } }).document?.version
    if (typeof v !== 'number' || v !== this.membershipVersion + 1)
      throw new SisError('MEMBERSHIP_INVALID', 'membership: out of sequence', {})
    this.membershipVersion = v
    return { version: v }
  }
}

/** Bearer tokens by name, and the hashed table the API is configured with. */
export const TOKENS = {
  officer: 'officer-token-KZB00100-secret',
  otherOfficer: 'officer-token-KZB00200-secret',
  trader: 'trader-token-T1-secret',
  integration: 'integration-token-secret',
  admin: 'admin-token-secret',
} as const

export const PRINCIPALS: Record<keyof typeof TOKENS, Principal> = {
  officer: { role: 'officer', name: 'officer-a', office: 'KZB00100' },
  otherOfficer: { role: 'officer', name: 'officer-b', office: 'KZB00200' },
  trader: { role: 'trader', name: 'trader-1', traderId: 'T1' },
  integration: { role: 'integration', name: 'asycuda' },
  admin: { role: 'admin', name: 'ops' },
}

export const API_TOKENS: ApiToken[] = (Object.keys(TOKENS) as (keyof typeof TOKENS)[]).map((k) => ({
  tokenSha256: hashToken(TOKENS[k]),
  principal: PRINCIPALS[k],
}))

export interface TestApi {
  readonly url: string
  readonly service: FakeService
  readonly logs: string[]
  readonly metrics: ReturnType<typeof createMetrics>
  close(): Promise<void>
}

/** A real server on 127.0.0.1 with an ephemeral port, logging at trace level into `logs`. */
export async function startTestApi(extra: Partial<ApiOptions> = {}): Promise<TestApi> {
  const logs: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'))
      cb()
    },
  })
  const service = new FakeService()
  const metrics = createMetrics()
  const app = createApi({ service, tokens: API_TOKENS, logger: pino({ level: 'trace' }, sink), metrics, ...extra })
  const url = await startApi(app, { port: 0 })
  return { url, service, logs, metrics, close: () => app.close() }
}

export function auth(who: keyof typeof TOKENS): Record<string, string> {
  return { authorization: `Bearer ${TOKENS[who]}` }
}
