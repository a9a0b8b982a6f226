// The hostile corpus: every file under testdata/hostile/<CODE>/ must be refused with exactly
// that code, quickly; the big attacks are generated here rather than committed. A last test
// checks that the parser still serves good documents after all of them.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, SisError } from '../errors.ts'
import type { ErrorCode } from '../errors.ts'
import { parseXml } from './index.ts'

const CORPUS = join(import.meta.dirname, 'testdata', 'hostile')
const TIME_LIMIT_MS = 1000

/** Parses, expecting a refusal; returns it with the time the refusal took. */
function refuse(input: Uint8Array | string): { error: SisError; ms: number } {
  const started = performance.now()
  try {
    parseXml(input)
  } catch (error) {
    const ms = performance.now() - started
    if (!(error instanceof SisError)) throw new Error(`expected a SisError, got ${String(error)}`, { cause: error })
    return { error, ms }
  }
  throw new Error('the input was accepted')
}

function expectRefused(input: Uint8Array | string, code: ErrorCode): SisError {
  const { error, ms } = refuse(input)
  expect(error.code, error.message).toBe(code)
  expect(ms).toBeLessThan(TIME_LIMIT_MS)
  expect(error.message.length).toBeGreaterThan(10)
  return error
}

const isErrorCode = (name: string): name is ErrorCode => Object.hasOwn(ERROR_CODES, name)
const corpus = readdirSync(CORPUS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((directory) =>
    readdirSync(join(CORPUS, directory.name)).map((file) => ({
      code: directory.name,
      file,
      path: join(CORPUS, directory.name, file),
    })),
  )

describe('hostile corpus (testdata/hostile)', () => {
  it('has a case for every XML_* error code except the limit codes, whose cases are generated', () => {
    const codes = new Set(corpus.map((entry) => entry.code))
    for (const code of codes) expect(isErrorCode(code), `${code} is not an error code`).toBe(true)
    const generated = new Set([
      'XML_TOO_LARGE',
      'XML_TOO_DEEP',
      'XML_TOO_MANY_ELEMENTS',
      'XML_TOO_MANY_ATTRIBUTES',
      'XML_TOO_MANY_REFERENCES',
      'XML_VALUE_TOO_LONG',
    ])
    const expected = Object.keys(ERROR_CODES).filter((code) => code.startsWith('XML_') && !generated.has(code))
    expect([...codes].sort()).toEqual(expected.sort())
  })

  it.each(corpus)('$code: $file', ({ code, path }) => {
    if (!isErrorCode(code)) throw new Error(`unknown code ${code}`)
    expectRefused(new Uint8Array(readFileSync(path)), code)
    // A file that decodes as UTF-8 must be refused the same way when handed over as a string.
    const text = new TextDecoder('utf-8', { fatal: false }).decode(readFileSync(path))
    if (code !== 'XML_NOT_UTF8' && !text.includes('\uFFFD')) expectRefused(text, code)
  })
})

describe('generated attacks', () => {
  const N = 100_000
  const cases: readonly [string, () => Uint8Array | string, ErrorCode][] = [
    ['100,000-deep nesting', () => '<a>'.repeat(N) + '</a>'.repeat(N), 'XML_TOO_DEEP'],
    ['100,000-deep nesting, never closed', () => '<a>'.repeat(N), 'XML_TOO_DEEP'],
    ['100,000-deep nesting of self-closing-looking tags', () => '<a x="1">'.repeat(N), 'XML_TOO_DEEP'],
    [
      '100,000 attributes on one element',
      () => `<a ${Array.from({ length: N }, (_, i) => `a${i}="${i}"`).join(' ')}/>`,
      'XML_TOO_MANY_ATTRIBUTES',
    ],
    [
      '100,000 namespace declarations on one element',
      () => `<a ${Array.from({ length: N }, (_, i) => `xmlns:p${i}="urn:${i}"`).join(' ')}/>`,
      'XML_TOO_MANY_ATTRIBUTES',
    ],
    ['100,000 siblings', () => `<r>${'<e/>'.repeat(N)}</r>`, 'XML_TOO_MANY_ELEMENTS'],
    ['character-reference flood', () => `<a>${'&#65;'.repeat(N)}</a>`, 'XML_TOO_MANY_REFERENCES'],
    [
      'hex character-reference flood in an attribute',
      () => `<a b="${'&#x4E2D;'.repeat(N)}"/>`,
      'XML_TOO_MANY_REFERENCES',
    ],
    ['&amp; flood', () => `<a>${'&amp;'.repeat(N)}</a>`, 'XML_TOO_MANY_REFERENCES'],
    ['10 MB input as bytes', () => new Uint8Array(10 * 1024 * 1024).fill(0x20), 'XML_TOO_LARGE'],
    ['10 MB document as a string', () => `<a>${'x'.repeat(10 * 1024 * 1024)}</a>`, 'XML_TOO_LARGE'],
    [
      '1.4 M three-byte characters as a string (over 4 MB in UTF-8)',
      () => `<a>${'中'.repeat(1_400_000)}</a>`,
      'XML_TOO_LARGE',
    ],
    ['1 MB text node', () => `<a>${'x'.repeat(1024 * 1024)}</a>`, 'XML_VALUE_TOO_LONG'],
    [
      'text node grown from many CDATA sections',
      () => `<a>${'<![CDATA[xxxxxxxxxx]]>'.repeat(N)}</a>`,
      'XML_VALUE_TOO_LONG',
    ],
    ['1 MB attribute value', () => `<a b="${'x'.repeat(1024 * 1024)}"/>`, 'XML_VALUE_TOO_LONG'],
    ['a million ampersands', () => `<a>${'&'.repeat(1_000_000)}</a>`, 'XML_MALFORMED'],
    ['a million less-than signs', () => '<'.repeat(1_000_000), 'XML_MALFORMED'],
    ['a million unclosed comment openers', () => `<a>${'<!--'.repeat(1_000_000)}`, 'XML_MALFORMED'],
    ['400,000 unclosed CDATA openers', () => `<a>${'<![CDATA['.repeat(400_000)}`, 'XML_MALFORMED'],
    ['30,000 "]]" without ">", then truncated', () => `<a>${']]'.repeat(30_000)}`, 'XML_MALFORMED'],
    ['a million quotes in a start tag', () => `<a ${'"'.repeat(1_000_000)}`, 'XML_MALFORMED'],
    ['one unterminated attribute value of 3 MB', () => `<a b="${'x'.repeat(3_000_000)}`, 'XML_MALFORMED'],
    ['a 3 MB entity name', () => `<a>&${'x'.repeat(3_000_000)};</a>`, 'XML_ENTITY_FORBIDDEN'],
    ['a 3 MB character reference', () => `<a>&#${'9'.repeat(3_000_000)};</a>`, 'XML_FORBIDDEN_CHAR'],
    ['100,000 processing instructions', () => `<a>${'<?x?>'.repeat(N)}</a>`, 'XML_PI_FORBIDDEN'],
    [
      'a mixed-case DOCTYPE with 1,000 entity declarations',
      () => `<!DocType a [${'<!ENTITY a "x">'.repeat(1000)}]><a/>`,
      'XML_DOCTYPE_FORBIDDEN',
    ],
    ['100,000 elements after the root', () => `<a/>${'<b/>'.repeat(N)}`, 'XML_MALFORMED'],
    ['a lone high surrogate in a string', () => '<a>\uD800</a>', 'XML_FORBIDDEN_CHAR'],
    ['a lone low surrogate in a string', () => '<a b="\uDC00"/>', 'XML_FORBIDDEN_CHAR'],
    ['a NUL in a string', () => '<a>\u0000</a>', 'XML_FORBIDDEN_CHAR'],
    ['the empty string', () => '', 'XML_EMPTY'],
    ['random bytes', () => Uint8Array.from({ length: 65_536 }, (_, i) => (i * 7919 + 13) % 256), 'XML_NOT_UTF8'],
  ]

  it.each(cases)('%s', (_name, make, code) => {
    expectRefused(make(), code)
  })

  it('reports the limit that was hit', () => {
    const error = expectRefused('<a>'.repeat(N), 'XML_TOO_DEEP')
    expect(error.details).toMatchObject({ limit: 32, line: 1, column: 97 })
    expect(error.message).toContain('32')
    expect(expectRefused(new Uint8Array(5 * 1024 * 1024), 'XML_TOO_LARGE').details).toEqual({
      limit: 4 * 1024 * 1024,
      actual: 5 * 1024 * 1024,
    })
  })
})

describe('after all of that', () => {
  it('still parses a good document (the process keeps serving)', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?><CC015C xmlns="urn:carec:sis"><LRN>0101.21</LRN></CC015C>',
    )
    expect(root).toMatchObject({ local: 'CC015C', ns: 'urn:carec:sis' })
    expect(root.children).toEqual([
      expect.objectContaining({ local: 'LRN', children: [{ kind: 'text', value: '0101.21' }] }),
    ])
  })
})
