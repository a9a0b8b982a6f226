// Never a crash, for our own reader either: should anything inside it fail with something other
// than a SisError (a bug, a stack overflow, memory), parseXml answers XML_MALFORMED with the
// original error as the cause. Namespace resolution is replaced by a switchable stand-in.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SisError } from '../errors.ts'
import { parseXml } from './index.ts'

const fake = vi.hoisted(() => ({ resolve: undefined as (() => never) | undefined }))

vi.mock('./namespaces.ts', async (importOriginal) => {
  const actual: Record<string, unknown> = await importOriginal()
  const real = actual['resolveElement'] as (...args: unknown[]) => unknown
  return {
    ...actual,
    resolveElement: (...args: unknown[]): unknown => (fake.resolve === undefined ? real(...args) : fake.resolve()),
  }
})

afterEach(() => {
  fake.resolve = undefined
})

function refusal(doc: string): SisError {
  try {
    parseXml(doc)
  } catch (error) {
    if (error instanceof SisError) return error
    throw error
  }
  throw new Error('the input was accepted')
}

describe('unexpected failures inside the reader', () => {
  it.each([
    ['an Error', () => new Error('a bug')],
    ['a TypeError', () => new TypeError("Cannot read properties of undefined (reading 'ns')")],
    ['a stack overflow', () => new RangeError('Maximum call stack size exceeded')],
    ['a non-Error', () => 'a string'],
  ])('wraps %s as XML_MALFORMED with the cause', (_name, make) => {
    const thrown = make()
    fake.resolve = () => {
      throw thrown
    }
    const error = refusal('<a x="1"><b/></a>')
    expect(error.code).toBe('XML_MALFORMED')
    expect(error.cause).toBe(thrown)
  })

  it('lets a namespace refusal wait for the structure scan, as the fast-xml-parser pipeline did', () => {
    // The unbound prefix comes first in the text, the unclosed element last: the structure wins.
    expect(refusal('<p:a><b>').code).toBe('XML_MALFORMED')
    expect(refusal('<p:a/>').code).toBe('XML_NAMESPACE')
    expect(refusal(`<p:a>${'<b/>'.repeat(4)}</p:a>`).code).toBe('XML_NAMESPACE')
    expect(refusal('<r><p:a/><b x="&#0;"/></r>').code).toBe('XML_FORBIDDEN_CHAR')
  })

  it('works normally again', () => {
    expect(parseXml('<a x="1">text</a>').children).toEqual([{ kind: 'text', value: 'text' }])
  })
})
