// Never a crash: whatever fast-xml-parser throws or returns, the oracle pipeline (oracle.ts, the
// fast-xml-parser path parseXml used to run) answers with a SisError. The library is replaced by
// a switchable stand-in; with the switch off it is the real one. parseXml's own guard against
// internal failures is tested in reader-failure.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SisError } from '../errors.ts'
import { parseXml } from './index.ts'
import { parseXmlWithFastXmlParser } from './testing/oracle.ts'

type Behaviour = ((text: string) => unknown) | undefined
const fake = vi.hoisted(() => ({ parse: undefined as Behaviour, validate: undefined as Behaviour }))

vi.mock('fast-xml-parser', async (importOriginal) => {
  const actual: Record<string, unknown> = await importOriginal()
  const RealParser = actual['XMLParser'] as new (options: unknown) => { parse(text: string): unknown }
  const realValidator = actual['XMLValidator'] as { validate(text: string, options: unknown): unknown }
  class XMLParser {
    readonly #real: { parse(text: string): unknown }
    constructor(options: unknown) {
      this.#real = new RealParser(options)
    }
    parse(text: string): unknown {
      return fake.parse === undefined ? this.#real.parse(text) : fake.parse(text)
    }
  }
  const XMLValidator = {
    validate: (text: string, options: unknown): unknown =>
      fake.validate === undefined ? realValidator.validate(text, options) : fake.validate(text),
  }
  return { ...actual, XMLParser, XMLValidator }
})

function refusal(): SisError {
  try {
    parseXmlWithFastXmlParser('<a x="1">text</a>')
  } catch (error) {
    if (error instanceof SisError) return error
    throw error
  }
  throw new Error('the input was accepted')
}

afterEach(() => {
  fake.parse = undefined
  fake.validate = undefined
})

describe('unexpected behaviour of fast-xml-parser', () => {
  it.each([
    [
      'throws an Error',
      () => {
        throw new Error('Unexpected end of a')
      },
    ],
    [
      'throws a TypeError',
      () => {
        throw new TypeError("Cannot read properties of undefined (reading 'tagname')")
      },
    ],
    [
      'overflows the stack',
      () => {
        throw new RangeError('Maximum call stack size exceeded')
      },
    ],
    [
      'throws a non-Error',
      () => {
        throw 'a string'
      },
    ],
  ])('wraps a parser that %s as XML_MALFORMED with the cause', (_name, behaviour) => {
    fake.parse = behaviour
    const error = refusal()
    expect(error.code).toBe('XML_MALFORMED')
    expect(error.cause).toBeDefined()
  })

  it.each([
    ['no array', () => ({ a: [] })],
    ['no root', () => []],
    ['two roots', () => [{ a: [] }, { b: [] }]],
    ['element content that is not a list', () => [{ a: 'text' }]],
    ['a number where text belongs', () => [{ a: [{ '#text': 5 }] }]],
    ['an attribute key without the prefix', () => [{ a: [], ':@': { x: '1' } }]],
    ['an attribute map that is not an object', () => [{ a: [], ':@': 'x' }]],
    ['a node with two names', () => [{ a: [], b: [] }]],
    ['a node with no name', () => [{}]],
    ['a comment of the wrong shape', () => [{ a: [{ '#comment': 'c' }] }]],
    ['null inside a CDATA node', () => [{ a: [{ '#cdata': [null] }] }]],
    ['null as a child node', () => [{ a: [null] }]],
    ['a string as a top-level node', () => ['a']],
  ])('refuses a parser result with %s as XML_MALFORMED', (_name, behaviour) => {
    fake.parse = behaviour
    expect(refusal().code).toBe('XML_MALFORMED')
  })

  it('refuses a document the parser reads differently from the prescan (a parser differential)', () => {
    fake.parse = () => [{ a: [{ '#text': 'text' }] }] // the attribute x="1" went missing
    expect(refusal().details).toEqual({
      scannedElements: 1,
      parsedElements: 1,
      scannedAttributes: 1,
      parsedAttributes: 0,
    })
    fake.parse = () => [{ a: [{ b: [] }], ':@': { '@x': '1' } }] // an element appeared
    expect(refusal()).toMatchObject({ code: 'XML_MALFORMED', details: { scannedElements: 1, parsedElements: 2 } })
  })

  it('wraps a validator that throws, and maps one that reports an error', () => {
    fake.validate = () => {
      throw new RangeError('Maximum call stack size exceeded')
    }
    expect(refusal()).toMatchObject({ code: 'XML_MALFORMED', cause: expect.any(RangeError) })
    fake.validate = () => ({ err: { code: 'InvalidTag', msg: 'something odd', line: 3, col: 7 } })
    expect(refusal().details).toEqual({ line: 3, column: 7, reason: 'something odd', validatorCode: 'InvalidTag' })
  })

  it('works normally again once the library behaves', () => {
    expect(parseXmlWithFastXmlParser('<a x="1">text</a>').children).toEqual([{ kind: 'text', value: 'text' }])
  })

  it('never reaches parseXml, which does not use fast-xml-parser', () => {
    fake.parse = () => {
      throw new Error('fast-xml-parser was called')
    }
    fake.validate = fake.parse
    expect(parseXml('<a x="1">text</a>').children).toEqual([{ kind: 'text', value: 'text' }])
  })
})
