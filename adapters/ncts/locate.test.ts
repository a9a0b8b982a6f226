import { describe, expect, it } from 'vitest'
import { locateElements, spreadElements } from './locate.ts'

const doc = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<!-- a comment with <fake> tags -->',
  '<ncts:CC015C xmlns:ncts="http://ncts.dgtaxud.ec" PhaseID="NCTS5.1">',
  '  <messageType>CC015C</messageType><messageType>CC015C</messageType>',
  '  <TransitOperation>',
  '    <LRN><![CDATA[<not-an-element>]]></LRN>',
  '  </TransitOperation>',
  '  <Guarantee attr="a > b">',
  '    <sequenceNumber>1</sequenceNumber>',
  '  </Guarantee>',
  '  <Guarantee>',
  '    <sequenceNumber>2</sequenceNumber>',
  '    <empty/>',
  '  </Guarantee>',
  '</ncts:CC015C>',
].join('\n')

describe('locateElements', () => {
  const els = locateElements(doc)

  it('gives every element its start line and path, in document order, ignoring comments and CDATA', () => {
    expect(els.map((e) => `${e.line} ${e.path}`)).toEqual([
      '3 /CC015C',
      '4 /CC015C/messageType[1]',
      '4 /CC015C/messageType[2]',
      '5 /CC015C/TransitOperation',
      '6 /CC015C/TransitOperation/LRN',
      '8 /CC015C/Guarantee[1]',
      '9 /CC015C/Guarantee[1]/sequenceNumber',
      '11 /CC015C/Guarantee[2]',
      '12 /CC015C/Guarantee[2]/sequenceNumber',
      '13 /CC015C/Guarantee[2]/empty',
    ])
  })

  it('numbers a name only among siblings: children of different parents restart at one and a lone one has no [n]', () => {
    const paths = els.map((e) => e.path)
    expect(paths).toContain('/CC015C/Guarantee[2]/sequenceNumber')
    expect(paths).not.toContain('/CC015C/Guarantee[2]/sequenceNumber[2]')
    expect(paths).toContain('/CC015C/TransitOperation')
  })

  it('counts lines across multi-line tags and CRLF line ends', () => {
    const crlf = '<a>\r\n  <b\r\n    x="1"/>\r\n  <c/>\r\n</a>'
    expect(locateElements(crlf).map((e) => `${e.line} ${e.path}`)).toEqual(['1 /a', '2 /a/b', '4 /a/c'])
  })
})

describe('spreadElements', () => {
  const els = locateElements(doc)
  const spread = spreadElements(doc, els)
  const lines = spread.text.split('\n')

  it('puts every start tag on a line of its own and changes nothing else but line breaks', () => {
    expect(spread.text.replace(/\n/g, '')).toBe(doc.replace(/\n/g, ''))
    const starts = locateElements(spread.text).map((e) => e.line)
    expect(new Set(starts).size).toBe(starts.length)
    // Leaf values keep their text: the CDATA is where it was, inside its LRN.
    expect(lines).toContain('    <LRN><![CDATA[<not-an-element>]]></LRN>')
  })

  it('names each of two same-named elements that shared a line by its own line in the spread text', () => {
    const first = lines.findIndex((l) => l.trimStart().startsWith('<messageType>')) + 1
    expect(spread.at(first, 'messageType')?.path).toBe('/CC015C/messageType[1]')
    expect(spread.at(first + 1, 'messageType')?.path).toBe('/CC015C/messageType[2]')
    // Both are reported at the line of the partner's file.
    expect(spread.at(first + 1, 'messageType')?.line).toBe(4)
  })

  it('falls back to the nearest element of that name before the line (a fault reported on an end tag)', () => {
    const end = lines.lastIndexOf('  </Guarantee>') + 1
    expect(spread.at(end, 'Guarantee')?.path).toBe('/CC015C/Guarantee[2]')
  })

  it('finds nothing for a name the document does not have, or a line libxml2 could not give', () => {
    expect(spread.at(4, 'messageSender')).toBeUndefined()
    expect(spread.at(Number.NaN, 'messageType')).toBeUndefined()
  })

  it('spreads a document written on one line, as machines send them', () => {
    const one = '<a><b>1</b><b>2</b><c><b>3</b></c></a>'
    const s = spreadElements(one, locateElements(one))
    expect(s.text).toBe('<a>\n<b>1</b>\n<b>2</b>\n<c>\n<b>3</b></c></a>')
    expect([2, 3, 5].map((l) => s.at(l, 'b')?.path)).toEqual(['/a/b[1]', '/a/b[2]', '/a/c/b'])
  })
})
