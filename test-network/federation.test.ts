/**
 * The node for real: four separate node processes on loopback (China, Kazakhstan, Uzbekistan on
 * the route; Kyrgyzstan off it), founded and started through the CLI, driven through their HTTP
 * APIs. Shows: a declaration reaches exactly its route countries and all compute the same state;
 * an off-route member gets nothing; a local user's unauthorised action is refused unsigned; an
 * offline member catches up after restart; kill -9 loses nothing acknowledged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeMessage, exampleMessage, EXAMPLE_CONTEXT } from '../protocol/messages/index.ts'
import type { MessageTypeName } from '../protocol/messages/index.ts'
import { exampleGuaranteeBody } from './bodies.ts'
import { versionEverywhere } from './admit.ts'
import { createFederation, eventually, sis } from './local-federation.ts'
import type { LocalNode } from './local-federation.ts'
import type { Problem } from '../shared/problem.ts'

const base = mkdtempSync(join(tmpdir(), 'sis-fed-'))
let nodes: LocalNode[] = []
const byCountry = (c: string) => nodes.find((n) => n.country === c) as LocalNode
const MRN = EXAMPLE_CONTEXT.mrn

function body(type: MessageTypeName): unknown {
  const { Header: _, ...rest } = exampleMessage(type) as unknown as Record<string, unknown>
  void _
  return rest
}

interface DocRecord {
  status: string
  stateHash: string
  state: { entries: { id: string; type: string; effect: { effective: boolean; code?: string } }[] }
}

async function docAt(n: LocalNode): Promise<DocRecord | undefined> {
  const r = await n.get<DocRecord>(`/v1/transits/${MRN}`)
  return r.status === 200 ? r.body : undefined
}

/** Waits until every node in `countries` holds the document with `count` entries and one hash. */
async function converged(countries: string[], count: number): Promise<DocRecord> {
  return eventually(
    `${countries.join(',')} to hold ${count} entries with one state hash`,
    async () => {
      const docs = await Promise.all(countries.map((c) => docAt(byCountry(c))))
      if (docs.some((d) => d === undefined || d.state.entries.length !== count)) return undefined
      return new Set(docs.map((d) => d!.stateHash)).size === 1 ? docs[0] : undefined
    },
    30_000,
  )
}

beforeAll(async () => {
  nodes = await createFederation(base, ['CN', 'KZ', 'UZ', 'KG'])
  await Promise.all(nodes.map((n) => n.start()))
}, 120_000)

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.kill()))
  rmSync(base, { recursive: true, force: true })
})

describe('a federation of four real nodes', () => {
  it('a declaration lodged in China reaches exactly Kazakhstan and Uzbekistan, with one state everywhere', async () => {
    const cn = byCountry('CN')
    // The guarantee the declaration names is registered by its issuer first (L11).
    const g = await cn.post<{ documentId: string }>('/v1/guarantees', { guarantee: exampleGuaranteeBody() })
    expect(g.status, JSON.stringify(g.body)).toBe(201)
    expect(g.body.documentId).toBe(EXAMPLE_CONTEXT.grn)
    const lodged = await cn.post<{ documentId: string }>(
      '/v1/transits',
      encodeMessage('DeclarationLodged', exampleMessage('DeclarationLodged')),
      'application/xml',
    )
    expect(lodged.status, JSON.stringify(lodged.body)).toBe(201)
    expect(lodged.body.documentId).toBe(MRN)
    expect((await cn.post(`/v1/transits/${MRN}/actions/accept`, body('DeclarationAccepted'))).status).toBe(201)
    // China's node, the issuer, reserves and records the coverage in the transit's log just after
    // the acceptance; until then the release would not take effect, so it is refused (409).
    const release = await eventually(
      'the release once the coverage is on record',
      async () => {
        const r = await cn.post<Problem>(`/v1/transits/${MRN}/actions/release`, body('ReleasedForTransit'))
        if (r.status === 409) return undefined
        return r
      },
      15_000,
    )
    expect(release.status, JSON.stringify(release.body)).toBe(201)
    const doc = await converged(['CN', 'KZ', 'UZ'], 4)
    expect(doc.status).toBe('released')
    expect(doc.state.entries.map((e) => e.type)).toContain('GuaranteeCoverageRecorded')
  }, 60_000)

  it('the off-route member holds nothing and learns nothing (THREATS 19)', async () => {
    const kg = byCountry('KG')
    expect((await kg.get(`/v1/transits/${MRN}`)).status).toBe(404)
    const found = await kg.get<unknown[]>(`/v1/search?mrn=${MRN}`)
    expect(found.status).toBe(200)
    expect(found.body).toEqual([])
  })

  it('an offline member catches up after restart, without anyone doing anything', async () => {
    const uz = byCountry('UZ')
    await uz.stop()
    const kz = byCountry('KZ')
    expect((await kz.post(`/v1/transits/${MRN}/actions/passage`, body('BorderPassageRecorded'))).status).toBe(201)
    await converged(['CN', 'KZ'], 5)
    await uz.start()
    await converged(['CN', 'KZ', 'UZ'], 5)
  }, 60_000)

  it('an unauthorised action of a local user is refused and never signed (issue 11): a KZ write-off of a CN transit', async () => {
    const kz = byCountry('KZ')
    const r = await kz.post<Problem>(`/v1/transits/${MRN}/actions/write-off`, body('WrittenOff'))
    expect(r.status, JSON.stringify(r.body)).toBe(403)
    expect(r.body).toMatchObject({
      type: 'urn:carec-sis:problem:NODE_FORBIDDEN',
      code: 'NODE_FORBIDDEN',
      status: 403,
      instance: `/v1/transits/${MRN}/actions/write-off`,
      details: { reason: 'not-authorised' },
    })
    expect(r.body.detail).toContain('nothing was signed')
    // Nothing was stored or sent: every node still holds the same 5 entries, none a write-off.
    const doc = await converged(['CN', 'KZ', 'UZ'], 5)
    expect(doc.state.entries.map((e) => e.type)).not.toContain('WrittenOff')
    expect(doc.status).toBe('released')
  }, 60_000)

  it('the entries the route members hold are shown with their signed receipts (issue 11)', async () => {
    const cn = byCountry('CN')
    const r = await cn.get<{ documentId: string; receipts: { peer: string; entryIds: string[]; verified: boolean }[] }>(
      `/v1/documents/${MRN}/receipts`,
    )
    expect(r.status).toBe(200)
    const peers = new Set(r.body.receipts.map((x) => x.peer))
    expect(peers.has('KZ')).toBe(true)
    expect(r.body.receipts.every((x) => x.verified)).toBe(true)
    const held = new Set(r.body.receipts.filter((x) => x.peer === 'KZ').flatMap((x) => x.entryIds))
    const own = (await docAt(cn))!.state.entries
      .filter((e) =>
        ['DeclarationLodged', 'DeclarationAccepted', 'GuaranteeCoverageRecorded', 'ReleasedForTransit'].includes(
          e.type,
        ),
      )
      .map((e) => e.id)
    for (const id of own) expect(held.has(id), `KZ's receipt for ${id.slice(0, 12)}`).toBe(true)
    expect((await byCountry('KG').get(`/v1/documents/${MRN}/receipts`)).status).toBe(404)
  }, 60_000)

  it('kill -9 right after an acknowledgement loses nothing', async () => {
    const uz = byCountry('UZ')
    const r = await uz.post<{ entryId: string }>(`/v1/transits/${MRN}/actions/arrival`, body('ArrivalNotified'))
    expect(r.status).toBe(201)
    await uz.kill()
    await uz.start()
    const doc = await docAt(uz)
    expect(doc?.state.entries.map((e) => e.id)).toContain(r.body.entryId)
    await converged(['CN', 'KZ', 'UZ'], 6)
  }, 60_000)
})

describe('a membership change', () => {
  it('revoking a key takes effect on every node once a quorum signed it; that key signs nothing more', async () => {
    const current = join(base, 'membership.json')
    const next = join(base, 'next.json')
    const kzKey = (JSON.parse(readFileSync(join(base, 'KZ-card.json'), 'utf8')) as { keys: { keyId: string }[] })
      .keys[0]!.keyId
    expect(sis('federation', 'propose', '--from', current, '--revoke', `KZ/${kzKey}`, '--out', next).status).toBe(0)
    for (const c of ['CN', 'UZ']) expect(sis('federation', 'sign', next, '--data', join(base, c)).status).toBe(0)
    const underQuorum = await byCountry('CN').postAsAdmin('/v1/membership', JSON.parse(readFileSync(next, 'utf8')))
    expect(underQuorum.status).toBe(400)
    expect(sis('federation', 'sign', next, '--data', join(base, 'KG')).status).toBe(0)
    const adopted = await byCountry('CN').postAsAdmin<{ version: number }>(
      '/v1/membership',
      JSON.parse(readFileSync(next, 'utf8')),
    )
    expect(adopted.status, JSON.stringify(adopted.body)).toBe(201)
    await versionEverywhere(nodes, 2, 40_000)
    const refused = await byCountry('KZ').post<Problem>(
      `/v1/transits/${MRN}/actions/incident`,
      body('IncidentRecorded'),
    )
    expect(refused.status).toBeGreaterThanOrEqual(400)
    expect(refused.body.code).toBe('SIG_UNKNOWN_KEY')
  }, 90_000)
})

describe('after the membership change, and for local users', () => {
  it('a restarted node still loads its history under the version of its time (review finding 1)', async () => {
    const cn = byCountry('CN')
    const before = await docAt(cn)
    await cn.stop()
    await cn.start()
    const after = await docAt(cn)
    expect(after?.stateHash).toBe(before?.stateHash)
    expect((await cn.get<{ membershipVersion: number }>('/health/ready')).body.membershipVersion).toBe(2)
  }, 60_000)

  it("tokens are scoped: a trader sees only its own transits, an officer only its office's (THREATS 28)", async () => {
    const cn = byCountry('CN')
    await cn.stop()
    const token = (...args: string[]) =>
      (JSON.parse(sis('token', 'create', '--data', cn.dir, '--json', ...args).stdout) as { token: string }).token
    const holder = token('--role', 'trader', '--name', 'holder', '--trader', 'CN6501000000123')
    const stranger = token('--role', 'trader', '--name', 'stranger', '--trader', 'CN0000000000000')
    const departure = token('--role', 'officer', '--name', 'Urumqi officer', '--office', 'CNI00100')
    const elsewhere = token('--role', 'officer', '--name', 'Erenhot officer', '--office', 'CNB00500')
    await cn.start()
    const as = (t: string, path: string) => fetch(cn.api + path, { headers: { authorization: `Bearer ${t}` } })
    expect((await as(holder, `/v1/transits/${MRN}`)).status).toBe(200)
    expect((await as(stranger, `/v1/transits/${MRN}`)).status).toBe(404)
    expect(await (await as(stranger, `/v1/search?mrn=${MRN}`)).json()).toEqual([])
    expect((await as(departure, `/v1/transits/${MRN}`)).status).toBe(200)
    expect((await as(elsewhere, `/v1/transits/${MRN}`)).status).toBe(404)
    const write = await fetch(cn.api + `/v1/transits/${MRN}/actions/passage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${holder}`, 'content-type': 'application/json' },
      body: JSON.stringify(body('BorderPassageRecorded')),
    })
    expect(write.status).toBe(403)
    // An officer writes only in the name of its own office: refused by the node, nothing signed (issue 11).
    const foreign = body('IncidentRecorded') as { CustomsOfficeOfIncidentRegistration: { referenceNumber: string } }
    foreign.CustomsOfficeOfIncidentRegistration.referenceNumber = 'CNB00500'
    const asOther = await fetch(cn.api + `/v1/transits/${MRN}/actions/incident`, {
      method: 'POST',
      headers: { authorization: `Bearer ${departure}`, 'content-type': 'application/json' },
      body: JSON.stringify(foreign),
    })
    expect(asOther.status).toBe(403)
    expect(asOther.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(((await asOther.json()) as Problem).code).toBe('NODE_FORBIDDEN')
  }, 60_000)
})
