/**
 * Lodging and acting over the HTTP API of a real node (LevelDB, real signing, no peers), as the
 * national system and as an officer: no Header and no MRN needed (the node allocates one of its
 * country), refusals that name what is wrong, every error of a body at once, and the JSON form
 * of every example of the country (`sis message examples --country KZ --json`) taken by its route.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateMrn } from '../protocol/codes/index.ts'
import { TRANSIT_ACTIONS, ACTION_MESSAGE_TYPES } from '../protocol/kinds/transit/index.ts'
import { encodeMessage, exampleBody, exampleMessage } from '../protocol/messages/index.ts'
import { TestNetwork } from '../test-network/index.ts'
import { readNodeConfig } from '../node/data-folder.ts'
import { runNode } from '../node/run.ts'
import type { RunningNode } from '../node/run.ts'
import { TokenStore } from '../node/tokens.ts'

const base = mkdtempSync(join(tmpdir(), 'sis-lodge-'))
const clock = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')
let node: RunningNode
let integration: string
let officer: string

beforeAll(async () => {
  const net = await TestNetwork.create({ base, countries: ['KZ', 'UZ'] })
  const dir = net.node('KZ').dir
  integration = net.node('KZ').token
  officer = TokenStore.open(dir).create({ role: 'officer', name: 'KZ officer', office: 'KZI00100' }).token
  node = await runNode(readNodeConfig(dir, clock), { logger: pino({ level: 'silent' }) })
})
afterAll(async () => {
  await node?.stop()
  rmSync(base, { recursive: true, force: true })
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function post(path: string, token: string, body: unknown, xml = false): Promise<{ status: number; body: any }> {
  const res = await fetch(`${node.apiUrl ?? ''}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': xml ? 'application/xml' : 'application/json' },
    body: xml ? (body as string) : JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() }
}

const lodgeable = () => exampleBody('DeclarationLodged', exampleMessage('DeclarationLodged', { country: 'KZ' }))

/** The XML of the country's example without its Header and its MRN. */
function bareXml(): string {
  return encodeMessage('DeclarationLodged', exampleMessage('DeclarationLodged', { country: 'KZ' }))
    .replace(/<Header>[\s\S]*?<\/Header>\s*/, '')
    .replace(/<MRN>[^<]*<\/MRN>\s*/, '')
}

describe('lodging without Header and MRN', () => {
  it('the national system lodges JSON and XML bodies; the node allocates an MRN of KZ for each', async () => {
    const fromJson = await post('/v1/transits', integration, { declaration: lodgeable() })
    expect(fromJson.status, JSON.stringify(fromJson.body)).toBe(201)
    const fromXml = await post('/v1/transits', integration, bareXml(), true)
    expect(fromXml.status, JSON.stringify(fromXml.body)).toBe(201)
    for (const r of [fromJson, fromXml]) {
      expect(r.body.documentId.slice(2, 4)).toBe('KZ')
      expect(validateMrn(r.body.documentId).country).toBe('KZ')
    }
    expect(fromXml.body.documentId).not.toBe(fromJson.body.documentId)
  })

  it('an officer of the office of departure lodges too', async () => {
    const r = await post('/v1/transits', officer, { declaration: lodgeable() })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body.documentId.slice(2, 4)).toBe('KZ')
  })

  it('refuses an MRN of another country, naming both countries', async () => {
    const body = lodgeable()
    ;(body.TransitOperation as Record<string, unknown>).MRN = exampleMessage('DeclarationLodged').TransitOperation.MRN
    const r = await post('/v1/transits', integration, { declaration: body })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('MRN_INVALID')
    expect(r.body.detail).toMatch(/belongs to CN; this node allocates MRNs of KZ; leave the MRN out/)
  })

  it('refuses an office of departure of another country, and an office outside the officer token', async () => {
    const abroad = lodgeable()
    abroad.CustomsOfficeOfDeparture = { referenceNumber: 'UZI00100' }
    const r = await post('/v1/transits', integration, { declaration: abroad })
    expect(r.status).toBe(403)
    expect(r.body.detail).toMatch(/office of departure UZI00100 is in UZ: a node lodges declarations departing/)
    const elsewhere = lodgeable()
    elsewhere.CustomsOfficeOfDeparture = { referenceNumber: 'KZB00100' }
    const o = await post('/v1/transits', officer, { declaration: elsewhere })
    expect(o.status).toBe(403)
    expect(o.body.detail).toBe("office KZB00100 is outside your token's office KZI00100")
  })

  it('reports every error of a body at once, each with its code and, for a rule, the rule', async () => {
    type Errors = { code: string; detail: string; details: { rule?: string; field?: string } }[]
    const rules = lodgeable() as { Consignment: { grossMass: string; ConsignmentItem: { goodsItemNumber: string }[] } }
    rules.Consignment.grossMass = '1'
    rules.Consignment.ConsignmentItem[1]!.goodsItemNumber = '7'
    const r = await post('/v1/transits', integration, { declaration: rules })
    expect(r.status).toBe(400)
    const broken = r.body.errors as Errors
    expect(r.body.code).toBe('MSG_RULE_VIOLATION')
    expect(broken.map((e) => e.details.rule).sort()).toEqual(['TR-R007', 'TR-R011'])
    // Values (schema, code lists) are reported together too, before the rules are judged.
    const values = lodgeable()
    values.HolderOfTheTransitProcedure = { name: 'x', Address: { streetAndNumber: 's', city: 'c', country: 'ZZ' } }
    values.CustomsOfficeOfDestinationDeclared = { referenceNumber: 'KZX99999' }
    const v = await post('/v1/transits', integration, { declaration: values })
    expect(v.status).toBe(400)
    const errors = v.body.errors as Errors
    expect(errors.map((e) => e.code)).toEqual(['CODE_UNKNOWN', 'CODE_UNKNOWN'])
    expect(v.body.code).toBe(errors[0]!.code)
    expect(v.body.detail).toMatch(/and 1 more error\)$/)
  })
})

describe("the JSON form of each action's example of KZ", () => {
  it("refuses an action whose body names another transit's MRN", async () => {
    const lodged = await post('/v1/transits', integration, { declaration: lodgeable() })
    const body = exampleBody('DeclarationAccepted', exampleMessage('DeclarationAccepted', { country: 'KZ' }))
    ;(body.TransitOperation as Record<string, unknown>).MRN = exampleMessage('WrittenOff', {
      country: 'KZ',
    }).TransitOperation.MRN
    const r = await post(`/v1/transits/${lodged.body.documentId as string}/actions/accept`, integration, body)
    expect(r.status).toBe(400)
    expect(r.body.detail).toMatch(/is not the transit .* it is written on; leave the MRN out/)
  })

  it('is taken by its route: a whole national transit on one node, lodged, accepted and acted on', async () => {
    const lodged = await post('/v1/transits', integration, { declaration: lodgeable() })
    expect(lodged.status).toBe(201)
    const mrn = lodged.body.documentId as string
    for (const action of TRANSIT_ACTIONS) {
      const type = ACTION_MESSAGE_TYPES[action]
      const body = exampleBody(type, exampleMessage(type, { country: 'KZ' }))
      expect(body.TransitOperation, action).not.toHaveProperty('MRN')
      const r = await post(`/v1/transits/${mrn}/actions/${action}`, integration, body)
      // The body is valid wherever it goes: what the transit's state does not allow yet (a
      // release before its guarantee's coverage, say) is a refusal of the state, never of the body.
      expect([201, 403, 409], `${action}: ${JSON.stringify(r.body)}`).toContain(r.status)
      if (r.status !== 201) expect(r.body.code, action).toMatch(/^NODE_/)
    }
  })
})
