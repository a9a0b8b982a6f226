import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { exampleMessage } from '../../protocol/index.ts'
import {
  CUSRES_STATUS,
  cusresForErrors,
  EdifactError,
  fromCusdec,
  parseInterchange,
  tokenize,
  toCusres,
  writeSegments,
} from './index.ts'

const SAMPLES = join(dirname(fileURLToPath(import.meta.url)), 'samples')
const sample = (name: string) => readFileSync(join(SAMPLES, name), 'utf8')

function edifactError(f: () => unknown): EdifactError {
  try {
    f()
  } catch (e) {
    if (e instanceof EdifactError) return e
    throw e
  }
  throw new Error('no error')
}

describe('tokenizer', () => {
  it('honours the release character, components and line breaks', () => {
    const { segments } = tokenize("UNB+UNOW:4+A+B+261123:0755+1'\r\nFTX+AAA+++Price ?+ 10?:00 ?'net?'??+en'\nUNZ+0+1'")
    expect(segments.map((s) => s.tag)).toEqual(['UNB', 'FTX', 'UNZ'])
    expect(segments[1]!.elements[3]).toEqual(["Price + 10:00 'net'?"])
    expect(segments[0]!.elements[3]).toEqual(['261123', '0755'])
  })

  it('reads other separators from UNA', () => {
    const { segments, seps } = tokenize('UNA*|,# !UNB|UNOW*4|A|B|261123*0755|9!UNZ|0|9!')
    expect(seps).toEqual({ component: '*', element: '|', decimal: ',', release: '#', segment: '!' })
    expect(segments[0]!.elements[0]).toEqual(['UNOW', '4'])
  })

  it('names segment, tag, element and component in errors', () => {
    expect(edifactError(() => tokenize("UNB+A'\nunh+1'")).position).toEqual({ segment: 2 })
    expect(edifactError(() => tokenize("UNB+A'\nUNH+1")).code).toBe('EDI_UNTERMINATED')
    const e = edifactError(() => parseInterchange(sample('cusdec-error-segment-count.edi')))
    expect([e.code, e.position]).toEqual(['EDI_COUNT_MISMATCH', { segment: 50, tag: 'UNT', element: 1 }])
    expect(
      edifactError(() => parseInterchange("UNB+UNOW:4+A+B+261123:0755+9'UNH+1+CUSDEC'UNT+2+2'UNZ+1+9'")).code,
    ).toBe('EDI_REFERENCE_MISMATCH')
    expect(edifactError(() => parseInterchange("UNB+UNOW:4+A+B+261123:0755+9'BGM+1'UNZ+0+9'")).position).toEqual({
      segment: 2,
      tag: 'BGM',
    })
  })

  it('writes what it reads (separators inside values are released)', () => {
    const segs = [{ tag: 'FTX', elements: [['AAO'], [''], [''], ["a'b+c:d?e", 'x']] }]
    const text = writeSegments(segs)
    expect(text).toContain("FTX+AAO+++a?'b?+c?:d??e:x'")
    expect(tokenize(text).segments[0]!.elements).toEqual(segs[0]!.elements)
  })
})

describe('CUSDEC in', () => {
  it('maps the sample declaration to our DeclarationLodged', () => {
    const r = fromCusdec(sample('cusdec-declaration.edi'))
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const ex = exampleMessage('DeclarationLodged')
    const d = r.declaration
    expect(d.TransitOperation.LRN).toBe('XJ-2026-000042')
    expect(d.TransitOperation.MRN).toMatch(/^26CN[A-Z0-9]{12}J[0-9]$/)
    expect(d.CustomsOfficeOfTransitDeclared).toEqual(ex.CustomsOfficeOfTransitDeclared)
    expect(d.Guarantee).toEqual(ex.Guarantee)
    expect(d.Consignment.TransportEquipment).toEqual(ex.Consignment.TransportEquipment)
    expect(d.Consignment.DepartureTransportMeans).toEqual(ex.Consignment.DepartureTransportMeans)
    expect(d.Consignment.CountryOfRoutingOfConsignment).toEqual(ex.Consignment.CountryOfRoutingOfConsignment)
    expect(d.Consignment.ConsignmentItem[0]!.Commodity).toEqual(ex.Consignment.ConsignmentItem[0]!.Commodity)
    expect(d.Consignment.ConsignmentItem[0]!.Packaging).toEqual(ex.Consignment.ConsignmentItem[0]!.Packaging)
    expect(d.Consignment.Consignee.name).toBe('Tashkent Textile Trading JSC')
  })

  it('the same interchange always yields the same MRN (idempotent lodging)', () => {
    const a = fromCusdec(sample('cusdec-declaration.edi'))
    const b = fromCusdec(sample('cusdec-declaration.edi'))
    expect(a.ok && b.ok && a.declaration.TransitOperation.MRN === b.declaration.TransitOperation.MRN).toBe(true)
  })

  const errorSamples: [string, string, string][] = [
    ['cusdec-error-segment-count.edi', 'segment 50 UNT, element 1', 'EDI_COUNT_MISMATCH'],
    ['cusdec-error-code-list.edi', 'segment 22 NAD, element 9, component 1', 'CODE_UNKNOWN'],
    ['cusdec-error-grn-check-digit.edi', 'segment 31 RFF, element 1, component 2', 'GRN_INVALID'],
    ['cusdec-error-unterminated.edi', 'segment 4, element 4, component 1', 'EDI_DANGLING_RELEASE'],
  ]
  for (const [file, path, code] of errorSamples) {
    it(`${file}: ${code} at ${path}`, () => {
      const r = fromCusdec(sample(file))
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.errors.map((e) => [e.path, e.code])).toEqual([[path, code]])
    })
  }

  it('a CUSDEC without goods items or offices lists every missing segment', () => {
    const text = sample('cusdec-declaration.edi')
      .split('\n')
      .filter(
        (l) => !/^(LOC\+22|CST|FTX|MEA\+WT\+G\+KGM:8|MEA\+WT\+G\+KGM:4|MEA\+WT\+N|MEA\+SU|PAC|PCI|DOC\+N380)/.test(l),
      )
      .join('\n')
    const fixed = text.replace(
      "UNT+49+1'",
      `UNT+${text.split('\n').filter((l) => /^[A-Z]{3}/.test(l) && !/^UN[ABZ]/.test(l)).length}+1'`,
    )
    const r = fromCusdec(fixed)
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.errors.map((e) => e.message)).toEqual([
        'at least one goods item (CST) is required',
        'LOC+22 (office of departure) is required',
      ])
  })
})

describe('CUSRES out', () => {
  const base = {
    sender: 'CN-SIS-NODE',
    recipient: 'CN-XJ-BROKER-017',
    preparedAt: '2026-11-23T08:05:00Z',
    controlReference: 'SIS0001',
    lrn: 'XJ-2026-000042',
    mrn: '26CN652100000042J8',
  }

  it('one status per lifecycle step, each a well-formed interchange our reader accepts', () => {
    for (const [type, status] of Object.entries(CUSRES_STATUS)) {
      const text = toCusres({ ...base, status })
      const parsed = parseInterchange(text)
      expect(parsed.messages[0]!.type, type).toBe('CUSRES')
      expect(parsed.messages[0]!.segments.find((s) => s.tag === 'GIS')!.elements[0]).toEqual([status, 'STA'])
    }
  })

  it('matches the lifecycle samples byte for byte', () => {
    for (const status of ['ACC', 'REL', 'ARR', 'WOF']) {
      expect(toCusres({ ...base, status })).toBe(sample(`cusres-${status.toLowerCase()}.edi`))
    }
    const rej = toCusres({
      ...base,
      status: 'REJ',
      errors: [
        {
          code: 'CODE_LIST_ERROR',
          pointer: 'DeclarationLodged/Consignment/Consignee/Address/country',
          reason: "'XX' is not an ISO 3166-1 code",
        },
      ],
    })
    expect(rej).toBe(sample('cusres-rej.edi'))
  })

  it('refuses an unreadable CUSDEC in CUSRES with the positioned error', () => {
    const r = fromCusdec(sample('cusdec-error-code-list.edi'))
    if (r.ok) throw new Error('expected errors')
    const text = cusresForErrors({ ...base, errors: r.errors })
    const ftx = parseInterchange(text).messages[0]!.segments.find((s) => s.tag === 'FTX')!
    expect(ftx.elements[3]![0]).toBe('segment 22 NAD, element 9, component 1')
  })
})
