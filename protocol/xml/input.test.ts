// The input layer: bytes versus strings, BOMs, UTF-8 strictness, the XML declaration, and what
// the refusals carry in their details.
import { describe, expect, it } from 'vitest'
import { SisError } from '../errors.ts'
import { parseXml } from './index.ts'

function refusal(input: unknown): SisError {
  try {
    parseXml(input as string)
  } catch (error) {
    if (error instanceof SisError) return error
    throw error
  }
  throw new Error('the input was accepted')
}

describe('input decoding', () => {
  it('drops exactly one leading BOM; a second one is text before the root', () => {
    expect(parseXml('\uFEFF<a/>').local).toBe('a')
    expect(refusal('\uFEFF\uFEFF<a/>').code).toBe('XML_MALFORMED')
    expect(refusal(new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e])).code).toBe(
      'XML_MALFORMED',
    )
  })

  it('reports where invalid UTF-8 starts, as a byte offset', () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('<a>данные'),
      0xd0,
      0x41,
      ...new TextEncoder().encode('</a>'),
    ])
    const error = refusal(bytes)
    expect(error.code).toBe('XML_NOT_UTF8')
    expect(error.details).toEqual({ offset: 15 })
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  it('refuses lone surrogates in string input as forbidden characters, with their position', () => {
    const error = refusal('<a>\n  ok\uD83D</a>')
    expect(error.code).toBe('XML_FORBIDDEN_CHAR')
    expect(error.details).toMatchObject({ codePoint: 'U+D83D', line: 2, column: 5 })
    expect(parseXml('<a>\uD83D\uDE00</a>').children).toEqual([{ kind: 'text', value: '😀' }])
  })

  it('refuses input that is neither bytes nor a string without crashing', () => {
    for (const input of [undefined, null, 42, {}, [60, 97, 47, 62]]) {
      expect(refusal(input).code).toBe('XML_MALFORMED')
    }
  })

  it('reads a Node Buffer as bytes', () => {
    expect(parseXml(Buffer.from('<a>ü</a>', 'utf8')).children).toEqual([{ kind: 'text', value: 'ü' }])
  })
})

describe('the XML declaration', () => {
  it.each([
    '<?xml version="1.0"?><a/>',
    "<?xml version='1.0' encoding='UTF-8'?><a/>",
    '<?xml version="1.0" encoding="utf-8" standalone="no" ?>\n<a/>',
    '<?xml\tversion = "1.0"\r\n  encoding= "Utf-8"?><a/>',
  ])('accepts %j', (doc) => {
    expect(parseXml(doc).local).toBe('a')
  })

  it.each([
    ['<?xml version="1.1"?><a/>', 'XML_MALFORMED'],
    ['<?xml version="2.0" encoding="UTF-8"?><a/>', 'XML_MALFORMED'],
    ['<?xml encoding="UTF-8" version="1.0"?><a/>', 'XML_MALFORMED'],
    ['<?xml version="1.0" standalone="maybe"?><a/>', 'XML_MALFORMED'],
    ['<?xml version="1.0" foo="bar"?><a/>', 'XML_MALFORMED'],
    ['<?xml version="1.0"', 'XML_MALFORMED'],
    [`<?xml version="1.0"${' '.repeat(300)}?><a/>`, 'XML_MALFORMED'],
    ['<?xml version="1.0" encoding="windows-1251"?><a/>', 'XML_NOT_UTF8'],
    ['<?xml version="1.0" encoding="UTF8"?><a/>', 'XML_NOT_UTF8'],
    ['<?xml-model href="x"?><a/>', 'XML_PI_FORBIDDEN'],
  ])('refuses %j with %s', (doc, code) => {
    expect(refusal(doc).code).toBe(code)
  })
})

describe('refusal details', () => {
  it('gives line, column and offset for problems the prescan finds', () => {
    const error = refusal('<a>\n  <b>\n    &bogus;\n  </b>\n</a>')
    expect(error.code).toBe('XML_ENTITY_FORBIDDEN')
    expect(error.details).toEqual({ entity: 'bogus', line: 3, column: 5, offset: 14 })
    expect(error.message).toBe(
      'the entity reference &bogus; is not one of the five XML entities (amp, lt, gt, quot, apos) (line 3, column 5)',
    )
    expect(error.action).toBe('reject')
  })

  it('bounds what a hostile name can put into messages and details', () => {
    const name = 'n'.repeat(100_000)
    const error = refusal(`<${name}></${name}x>`)
    expect(error.code).toBe('XML_MALFORMED')
    expect(error.message.length).toBeLessThan(300)
    expect(JSON.stringify(error.toJSON()).length).toBeLessThan(600)
  })
})
