// `sis transit act --body FILE` with a JSON body or the action's message XML (with or without its
// Header): decoded here, unit by unit, and end to end through sis against a real API on loopback.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SisError } from '../protocol/errors.ts'
import { encodeMessage, exampleMessage, EXAMPLE_CONTEXT, SIS_NS } from '../protocol/messages/index.ts'
import { record, startTestApi, TOKENS } from '../node/api/fake-service.testkit.ts'
import type { TestApi } from '../node/api/fake-service.testkit.ts'
import { actionBody } from './action-body.ts'
import { sisInProcess } from './cli.testkit.ts'
import { CliError } from './output.ts'

const MRN = EXAMPLE_CONTEXT.mrn
const enc = new TextEncoder()
const opts = { documentId: MRN, action: 'release' as const, what: 'body.xml', hint: 'h' }

/** The example ReleasedForTransit: its XML, and the JSON body the API takes for it. */
function example(): { xml: string; json: Record<string, unknown> } {
  const message = exampleMessage('ReleasedForTransit')
  const { Header: _, ...json } = message as unknown as Record<string, unknown>
  void _
  return { xml: encodeMessage('ReleasedForTransit', message), json }
}

const withoutHeader = (xml: string) => xml.replace(/<Header>[\s\S]*?<\/Header>/, '')

function refusal(f: () => unknown): CliError {
  try {
    f()
  } catch (e) {
    if (e instanceof CliError) return e
    throw e
  }
  throw new Error('not refused')
}

describe('actionBody', () => {
  it("decodes the action's message XML, with or without its Header, into the JSON body", () => {
    const { xml, json } = example()
    expect(xml).toContain('<Header>')
    expect(actionBody(enc.encode(xml), opts)).toEqual(json)
    expect(actionBody(enc.encode(withoutHeader(xml)), opts)).toEqual(json)
    expect(actionBody(enc.encode(`\uFEFF  ${JSON.stringify(json)}`), opts)).toEqual(json)
  })

  it('refuses another message, a Header naming another document, bad structure, and neither JSON nor XML', () => {
    const { xml } = example()
    const other = refusal(() => actionBody(enc.encode(xml), { ...opts, action: 'accept' }))
    expect(other).toMatchObject({ code: 'MSG_UNKNOWN_TYPE', details: { expected: 'DeclarationAccepted' } })
    expect(other.message).toContain('takes a DeclarationAccepted message, not <ReleasedForTransit>')
    const elsewhere = refusal(() => actionBody(enc.encode(xml), { ...opts, documentId: '26KZ0000000000001X' }))
    expect(elsewhere).toMatchObject({ code: 'MSG_HEADER_MISMATCH', exitCode: 1 })
    const extra = withoutHeader(xml).replace('</ReleasedForTransit>', '<Nonsense>1</Nonsense></ReleasedForTransit>')
    expect(refusal(() => actionBody(enc.encode(extra), opts))).toMatchObject({ code: 'MSG_UNEXPECTED_ELEMENT' })
    expect(refusal(() => actionBody(enc.encode('<ReleasedForTransit'), opts)).code).toBe('XML_MALFORMED')
    expect(refusal(() => actionBody(enc.encode('[1]'), opts)).message).toContain('neither JSON nor XML')
    expect(refusal(() => actionBody(enc.encode('{"a":'), opts)).message).toContain('is not JSON')
  })
})

describe('sis transit act --body', () => {
  let api: TestApi
  let dir: string
  beforeAll(async () => {
    api = await startTestApi()
    api.service.docs.set(MRN, record(MRN, { offices: ['KZB00100'] }))
    dir = mkdtempSync(join(tmpdir(), 'sis-act-'))
  })
  afterAll(async () => {
    await api.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const act = (file: string) =>
    sisInProcess(
      'transit',
      'act',
      MRN,
      'release',
      '--body',
      file,
      '--api',
      api.url,
      '--token',
      TOKENS.officer,
      '--json',
    )

  it('posts the same JSON body for a .xml message as for its .json body', async () => {
    const { xml, json } = example()
    const inputs = { 'a.json': JSON.stringify(json), 'b.xml': xml, 'c.xml': withoutHeader(xml) }
    for (const [name, text] of Object.entries(inputs)) {
      writeFileSync(join(dir, name), text)
      const r = await act(join(dir, name))
      expect(r.code, r.out).toBe(0)
      expect(api.service.calls.at(-1), name).toMatchObject({
        method: 'command',
        args: ['transit', 'act', { documentId: MRN, action: 'release', body: json }],
      })
    }
  })

  it('sis transit declare takes the DeclarationLodged XML or its JSON form alike', async () => {
    const message = exampleMessage('DeclarationLodged')
    const { Header: _, ...json } = message as unknown as Record<string, unknown>
    void _
    const xml = encodeMessage('DeclarationLodged', message)
    writeFileSync(join(dir, 'decl.xml'), xml)
    writeFileSync(join(dir, 'decl.json'), JSON.stringify(json))
    for (const [file, input] of [
      ['decl.xml', { xml }],
      ['decl.json', { json }],
    ] as const) {
      // The fake service finds no document id in the JSON form and refuses it: what it was asked is the point.
      await sisInProcess('transit', 'declare', join(dir, file), '--api', api.url, '--token', TOKENS.officer)
      expect(api.service.calls.at(-1)?.args, file).toEqual(['transit', 'lodge', input])
    }
  })

  it('refuses the wrong message before calling the node', async () => {
    const before = api.service.calls.length
    const file = join(dir, 'e.xml')
    writeFileSync(file, `<DeclarationAccepted xmlns="${SIS_NS}"/>`)
    const wrong = await act(file)
    expect(wrong.code).toBe(1)
    expect(JSON.parse(wrong.out).errors[0].code).toBe('MSG_UNKNOWN_TYPE')
    expect(api.service.calls.length).toBe(before)
  })

  it("the node's problem with several faults reaches the user: its code, every fault in details.errors", async () => {
    writeFileSync(join(dir, 'd.json'), JSON.stringify(example().json))
    api.service.failNext(
      new AggregateError([
        new SisError('MSG_INVALID_VALUE', 'first fault', { field: 'ReleasedForTransit/a' }),
        new SisError('CODE_UNKNOWN', 'second fault', { field: 'ReleasedForTransit/b' }),
      ]),
    )
    const r = await act(join(dir, 'd.json'))
    expect(r.code).toBe(1)
    const error = JSON.parse(r.out).errors[0]
    expect(error).toMatchObject({ code: 'MSG_INVALID_VALUE', details: { field: 'ReleasedForTransit/a' } })
    expect(error.message).toBe('first fault\n  CODE_UNKNOWN: second fault')
    expect(error.details.errors.map((e: { code: string }) => e.code)).toEqual(['MSG_INVALID_VALUE', 'CODE_UNKNOWN'])
  })
})
