/**
 * Access control of local users (THREATS 28): the data scope of each role, the scope a search
 * runs in, the events a subscriber gets, and the operator's second lock.
 */
import { describe, expect, it } from 'vitest'
import { Access, mayOperate, scopedQuery, sees } from './access.ts'
import { NodeError } from './errors.ts'
import type { NodeEvent, Principal } from './service.ts'
import { MemoryStore } from './storage/index.ts'
import type { DocumentRecord } from './storage/types.ts'

const admin: Principal = { role: 'admin', name: 'a' }
const integration: Principal = { role: 'integration', name: 'n' }
const officer: Principal = { role: 'officer', name: 'o', office: 'KZB00100' }
const trader: Principal = { role: 'trader', name: 't', traderId: 'KZ123' }

function record(
  documentId: string,
  keys: Record<string, string[]>,
  updatedAt = '2026-11-24T15:00:00.000Z',
): DocumentRecord {
  return {
    documentId,
    kind: 'k',
    audience: ['KZ'],
    status: 'open',
    stateHash: 'h',
    updatedAt,
    index: { status: 'open', keys },
    state: {},
  }
}

const mine = record('D1', { office: ['KZB00100'], trader: ['KZ123'] })
const other = record('D2', { office: ['UZB00100'], trader: ['UZ9'] })

describe('access', () => {
  it("lets a trader see its own documents, an officer its office's, the others all", () => {
    expect([admin, integration, officer, trader].map((p) => sees(p, mine))).toEqual([true, true, true, true])
    expect([admin, integration, officer, trader].map((p) => sees(p, other))).toEqual([true, true, false, false])
    expect(sees(officer, record('D3', {}))).toBe(false)
  })

  it('puts the scope into the query, and a query outside it matches nothing', () => {
    expect(scopedQuery(officer, { status: 'open', limit: 5 })).toEqual({
      status: 'open',
      limit: 5,
      keys: { office: 'KZB00100' },
    })
    expect(scopedQuery(trader, { keys: { trader: 'KZ123' } })).toEqual({ keys: { trader: 'KZ123' } })
    expect(scopedQuery(trader, { keys: { trader: 'UZ9' } })).toBeUndefined()
    expect(scopedQuery(admin, { keys: { office: 'UZB00100' } })).toEqual({ keys: { office: 'UZB00100' } })
  })

  it("reads a held document and searches only within the principal's scope", async () => {
    const store = new MemoryStore()
    await store.open()
    for (const r of [mine, other]) await store.commit({ document: r })
    const access = new Access(store)
    expect(await access.document(officer, 'D1')).toMatchObject({ documentId: 'D1' })
    expect(await access.document(officer, 'D2')).toBeUndefined()
    expect(await access.document(admin, 'D9')).toBeUndefined()
    expect((await access.search(officer, {})).map((r) => r.documentId)).toEqual(['D1'])
    expect((await access.search(admin, {})).map((r) => r.documentId).sort()).toEqual(['D1', 'D2'])
    expect(await access.search(trader, { keys: { trader: 'UZ9' } })).toEqual([])
  })

  it('gives a subscriber only the events its role may see', async () => {
    const store = new MemoryStore()
    await store.open()
    for (const r of [mine, other]) await store.commit({ document: r })
    const access = new Access(store)
    const events: NodeEvent[] = [
      { type: 'document-changed', documentId: 'D1', status: 'open', at: 't' },
      { type: 'document-changed', documentId: 'D2', status: 'open', at: 't' },
      { type: 'peer-connected', detail: 'UZ', at: 't' },
    ]
    const got = async (p: Principal) => {
      const out: NodeEvent[] = []
      const l = access.filter(p, (e) => out.push(e))
      for (const e of events) l(e)
      await new Promise((r) => setTimeout(r, 10))
      return out.map((e) => e.documentId ?? e.detail)
    }
    expect(await got(admin)).toEqual(['D1', 'D2', 'UZ'])
    expect(await got(integration)).toEqual(['D1', 'D2', 'UZ'])
    expect(await got(officer)).toEqual(['D1'])
    expect(await got(trader)).toEqual(['D1'])
  })

  it('lets only the roles named run an operation', () => {
    expect(() => mayOperate(admin, ['admin'])).not.toThrow()
    expect(() => mayOperate(integration, ['admin'])).toThrow(NodeError)
    expect(() => mayOperate(officer, ['admin', 'integration'])).toThrow(/the role officer may not run this operation/)
  })
})
