import { describe, expect, it } from 'vitest'
import { elementAt, locateElements } from './locate.ts'

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

describe('elementAt', () => {
  const els = locateElements(doc)

  it('picks the last of same-named elements on one line: a fault on a duplicate is on the repeat', () => {
    expect(elementAt(els, 4, 'messageType')?.path).toBe('/CC015C/messageType[2]')
  })

  it('picks the element of that name on the line libxml2 gave', () => {
    expect(elementAt(els, 12, 'sequenceNumber')?.path).toBe('/CC015C/Guarantee[2]/sequenceNumber')
    expect(elementAt(els, 9, 'sequenceNumber')?.path).toBe('/CC015C/Guarantee[1]/sequenceNumber')
  })

  it('falls back to the last element of that name started before the line (an error reported on a closing tag)', () => {
    expect(elementAt(els, 14, 'Guarantee')?.path).toBe('/CC015C/Guarantee[2]')
    expect(elementAt(els, 7, 'TransitOperation')?.path).toBe('/CC015C/TransitOperation')
  })

  it('finds nothing for a name the document does not have', () => {
    expect(elementAt(els, 4, 'messageSender')).toBeUndefined()
  })
})
