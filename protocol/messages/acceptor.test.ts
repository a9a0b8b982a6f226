// The acceptor against zod itself: on every message type's example and thousands of random
// mutations of it (values swapped for hostile or near-miss strings, keys removed or added,
// types changed, arrays emptied or overfilled), it accepts exactly what zod accepts unchanged.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compileAcceptor, messageAcceptor, unsupportedMessageTypes } from './acceptor.ts'
import { MESSAGE_TYPE_NAMES } from './catalogue/index.ts'
import type { MessageTypeName } from './catalogue/index.ts'
import { exampleMessage } from './examples.ts'
import { messageSchema } from './schema.ts'
import { decodeMessage, validateMessage } from './validate.ts'
import { encodeMessage } from './encode.ts'
import { decodeChildren } from './decode.ts'
import { messageShape } from './shape.ts'
import { messageFieldChecks } from './acceptor.ts'
import { parseXml } from '../xml/index.ts'

type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json }

/** Every path to a value in a plain message, with the value there. */
function paths(value: Json, prefix: (string | number)[] = []): { path: (string | number)[]; value: Json }[] {
  const out = [{ path: prefix, value }]
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])))
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]))
  return out
}

function clone<T>(value: T): T {
  return structuredClone(value)
}

/** Sets (or, with `undefined` and remove, deletes) the value at `path`; the root is never replaced. */
function setAt(root: Json, path: readonly (string | number)[], value: Json, remove = false): void {
  let at = root as Record<string | number, Json>
  for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, Json>
  const last = path.at(-1)
  if (last === undefined) return
  if (remove && Array.isArray(at)) at.splice(Number(last), 1)
  else if (remove) delete at[last]
  else at[last] = value
}

// Strings zod might judge differently from a careless copy of its checks: empty, padded, wrong
// case, control and wide characters, lone surrogates, near-valid codes, dates and numbers.
const HOSTILE = [
  '',
  ' ',
  'A',
  'a',
  'KZ',
  'kz',
  'XX',
  'KZ ',
  ' KZ',
  'EUR',
  'USD',
  'ZZZ',
  '0',
  '1',
  '2',
  '01',
  '10',
  '-1',
  '1.5',
  '1e3',
  '00',
  '2026-02-29',
  '2024-02-29',
  '2026-13-01',
  '2026-11-23',
  '2026-11-23T08:30:00Z',
  '2026-11-23T24:00:00Z',
  '2026-11-23T08:30:00.1234Z',
  '2026-11-23T08:30:00',
  '26CN00000000000001A1',
  '26CN0000000000000A',
  '26KZ0000000000001',
  'KZA00100',
  'KZB00200',
  'CNU00100',
  'UZB00100',
  'ZZZ99999',
  '870899',
  '999999',
  '8708',
  'KGM',
  'kgm',
  'C62',
  'xx',
  'ru',
  'zh',
  'uz-Latn',
  'uz-',
  'A1',
  'B1',
  'Z9',
  'a\u0000b',
  'a\u0007b',
  'tab\there',
  'line\nbreak',
  'cr\rhere',
  '\u0085',
  '\u00a0',
  '\ud800',
  '\udfff',
  '😀',
  '新疆',
  'Ташкент',
  'x'.repeat(22),
  'x'.repeat(23),
  'x'.repeat(35),
  'x'.repeat(36),
  'x'.repeat(70),
  'x'.repeat(71),
  'x'.repeat(512),
  'x'.repeat(513),
  '😀'.repeat(35),
  '😀'.repeat(36),
  '😀'.repeat(256),
  '😀'.repeat(257),
  'a@b',
  '@b',
  'a@',
  '+7 727 000 00 00',
  '(0)',
  '0'.repeat(64),
  'f'.repeat(64),
  'F'.repeat(64),
]

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('string' as const), value: fc.constantFrom(...HOSTILE) }),
  fc.record({
    kind: fc.constant('edit' as const),
    at: fc.nat(),
    insert: fc.constantFrom('', 'x', '0', ' ', '-', '\u0001', 'Я', '😀'),
    remove: fc.nat(2),
  }),
  fc.record({
    kind: fc.constant('other' as const),
    value: fc.constantFrom<Json>(undefined, null, 0, 1, true, [], {}, ['KZ'], { value: 'x' }),
  }),
  fc.record({ kind: fc.constant('remove' as const) }),
  fc.record({ kind: fc.constant('duplicate' as const), times: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('unknown-key' as const) }),
)

function mutate(message: Json, pick: number, m: typeof mutation extends fc.Arbitrary<infer T> ? T : never): Json {
  const copy = clone(message)
  const all = paths(copy).filter((p) => p.path.length > 0)
  const target = all[pick % all.length]
  if (target === undefined) return copy
  switch (m.kind) {
    case 'string':
      setAt(copy, target.path, m.value)
      break
    case 'edit': {
      const s = typeof target.value === 'string' ? target.value : ''
      const i = m.at % (s.length + 1)
      setAt(copy, target.path, s.slice(0, i) + m.insert + s.slice(i + m.remove))
      break
    }
    case 'other':
      setAt(copy, target.path, m.value)
      break
    case 'remove':
      setAt(copy, target.path, undefined, true)
      break
    case 'duplicate':
      if (Array.isArray(target.value))
        setAt(
          copy,
          target.path,
          Array.from({ length: m.times }, () => clone((target.value as Json[])[0] ?? 'x')),
        )
      else
        setAt(
          copy,
          target.path,
          Array.from({ length: m.times }, () => clone(target.value)),
        )
      break
    case 'unknown-key':
      if (target.value !== null && typeof target.value === 'object' && !Array.isArray(target.value))
        setAt(copy, [...target.path, 'unknownElement'], 'x')
      else setAt(copy, [...target.path.slice(0, -1), 'unknownElement'], 'x')
      break
  }
  return copy
}

/** What the acceptor promises: it accepts exactly when zod accepts and hands back an equal object. */
function zodAcceptsUnchanged(type: MessageTypeName, value: unknown): boolean {
  const parsed = messageSchema(type).safeParse(value)
  if (!parsed.success) return false
  try {
    expect(parsed.data).toStrictEqual(value)
    return true
  } catch {
    return false
  }
}

describe('the acceptor compiled from the zod schemas', () => {
  it('takes every message type of the catalogue (none is left to zod alone)', () => {
    expect(unsupportedMessageTypes()).toEqual([])
  })

  it('accepts every example message, as zod does', () => {
    for (const type of MESSAGE_TYPE_NAMES) {
      const message = exampleMessage(type)
      expect(messageAcceptor(type)?.(message), type).toBe(true)
      expect(zodAcceptsUnchanged(type, message), type).toBe(true)
    }
  })

  it("gives zod's verdict on random mutations of every message type", { timeout: 120_000 }, () => {
    const examples = new Map(MESSAGE_TYPE_NAMES.map((t) => [t, exampleMessage(t) as unknown as Json]))
    let accepted = 0
    let refused = 0
    fc.assert(
      fc.property(
        fc.constantFrom(...MESSAGE_TYPE_NAMES),
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (type, pick, mutations) => {
          let message = examples.get(type) as Json
          mutations.forEach((m, i) => {
            message = mutate(message, pick + i * 7919, m)
          })
          const verdict = messageAcceptor(type)?.(message) === true
          expect(verdict, JSON.stringify(message).slice(0, 400)).toBe(zodAcceptsUnchanged(type, message))
          if (verdict) accepted++
          else refused++
        },
      ),
      { numRuns: 6000 },
    )
    // The mutations must exercise both answers, or the comparison proves little.
    expect(accepted).toBeGreaterThan(100)
    expect(refused).toBeGreaterThan(1500)
  })

  it('refuses what zod strips: unknown keys are never accepted unchanged', () => {
    const accept = compileAcceptor(z.object({ a: z.string(), b: z.string().optional() }))
    expect(accept({ a: 'x' })).toBe(true)
    expect(accept({ a: 'x', b: 'y' })).toBe(true)
    expect(accept({ a: 'x', c: 'y' })).toBe(false)
    expect(accept({ a: 'x', b: undefined })).toBe(true) // zod keeps it, as undefined
    expect(accept({ a: undefined })).toBe(false)
    expect(accept({ b: 'y' })).toBe(false)
    expect(accept(['x'])).toBe(false)
  })

  it('refuses to compile what it does not know, so that message type stays with zod', () => {
    expect(() => compileAcceptor(z.number())).toThrow()
    expect(() => compileAcceptor(z.object({ a: z.string() }).strict())).toThrow()
    expect(() => compileAcceptor(z.string().transform((s) => s.length))).toThrow()
  })
})

describe('validation with the acceptor gives the same results as zod alone', () => {
  it('decodes every example to the message it was encoded from', () => {
    for (const type of MESSAGE_TYPE_NAMES) {
      const message = exampleMessage(type)
      expect(decodeMessage(encodeMessage(type, message)), type).toEqual({ type, message })
    }
  })

  it("reports zod's errors for a value the acceptor refuses", () => {
    const xml = encodeMessage('BorderPassageRecorded', exampleMessage('BorderPassageRecorded')).replace(
      /<authorCountry>KZ</,
      '<authorCountry>ZZ<',
    )
    const result = validateMessage(xml)
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.errors[0]).toMatchObject({
        code: 'CODE_UNKNOWN',
        details: { field: 'BorderPassageRecorded/Header/authorCountry', value: 'ZZ' },
      })
  })
})

describe('the checks run while decoding', () => {
  const escape = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

  it("give the acceptor's verdict (and so zod's) on random edits of every example's XML", { timeout: 120_000 }, () => {
    const xmls = new Map(MESSAGE_TYPE_NAMES.map((t) => [t, encodeMessage(t, exampleMessage(t))]))
    let accepted = 0
    let refused = 0
    fc.assert(
      fc.property(
        fc.constantFrom(...MESSAGE_TYPE_NAMES),
        fc.nat(),
        fc.constantFrom(...HOSTILE),
        fc.constantFrom('text', 'drop', 'twice'),
        (type, pick, value, kind) => {
          const xml = xmls.get(type) ?? ''
          // Leaves are elements with text and no child element: <name>text</name>.
          const leaves = [...xml.matchAll(/<([A-Za-z]+)>([^<]*)<\/\1>/g)]
          const leaf = leaves[pick % leaves.length]
          if (leaf === undefined) return
          const at = leaf.index
          const edited =
            kind === 'text'
              ? xml.slice(0, at) + `<${leaf[1]}>${escape(value)}</${leaf[1]}>` + xml.slice(at + leaf[0].length)
              : kind === 'drop'
                ? xml.slice(0, at) + xml.slice(at + leaf[0].length)
                : xml.slice(0, at) + leaf[0] + xml.slice(at)
          let root
          try {
            root = parseXml(edited)
          } catch {
            return
          } // control characters and the like: not XML
          const verdict = { accepted: true }
          let plain
          try {
            plain = decodeChildren(root, messageShape(type), type, messageFieldChecks(type), verdict)
          } catch {
            return
          } // a structural refusal
          expect(verdict.accepted, edited.slice(0, 300)).toBe(messageAcceptor(type)?.(plain) === true)
          if (verdict.accepted) accepted++
          else refused++
        },
      ),
      { numRuns: 4000 },
    )
    expect(accepted).toBeGreaterThan(100)
    expect(refused).toBeGreaterThan(100)
  })
})
