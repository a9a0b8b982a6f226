/**
 * XML message layer throughput on a typical declaration (two goods items, three languages,
 * about 7 KB): our safe parse, our full validation (safe parse, structure, zod schema with code
 * lists, rules) and encoding, beside the raw fast-xml-parser parse of the same bytes (the parser
 * the design card names; we use it as a test oracle, see docs/dependencies.md).
 */
import { encodeMessage, exampleMessage, validateMessage } from '../../protocol/messages/index.ts'
import { parseXml } from '../../protocol/xml/index.ts'
import { runFastXmlParser } from '../../protocol/xml/testing/oracle.ts'
import { measureTogether, rate } from './measure.ts'
import type { Row } from './measure.ts'

export function benchXml(seconds = 2): Row[] {
  const message = exampleMessage('DeclarationLodged')
  const xml = encodeMessage('DeclarationLodged', message)
  const bytes = new TextEncoder().encode(xml)
  const { ceiling, parse, validate, encode } = measureTogether(
    {
      ceiling: () => runFastXmlParser(xml),
      parse: () => parseXml(bytes),
      validate: () => {
        if (!validateMessage(bytes).ok) throw new Error('the benchmark message must be valid')
      },
      encode: () => encodeMessage('DeclarationLodged', message),
    },
    { seconds },
  )
  const pct = (m: { opsPerSecond: number }) => `${Math.round((100 * m.opsPerSecond) / ceiling.opsPerSecond)}%`
  return [
    {
      what: `safe parse (${bytes.length} B declaration)`,
      figure: rate(parse),
      ceiling: rate(ceiling),
      ratio: pct(parse),
      note: 'strict UTF-8, forbidden constructs, limits, well-formedness, namespace tree: our single-pass reader; the ceiling is fast-xml-parser alone, without any of those checks',
    },
    {
      what: 'parse + validate',
      figure: rate(validate),
      ceiling: rate(ceiling),
      ratio: pct(validate),
      note: 'plus structure, zod formats, code lists and rules',
    },
    { what: 'encode (validate + serialize)', figure: rate(encode), ceiling: rate(ceiling), ratio: pct(encode) },
  ]
}
