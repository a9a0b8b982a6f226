/**
 * The data pipeline: the CSV parser, and the committed JSON being exactly what the committed CSV
 * produces (regenerated in memory, compared as text). If the drift test fails, run
 * `npx node protocol/codes/generate.ts` and review the diff.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildHs, buildRec20, serializeJson } from './build.ts'
import { parseCsv, parseCsvRecords } from './csv.ts'

const read = (name: string): string => readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8')

describe('vendored data', () => {
  it('hs2022.json is generated from the HS 2022 CSV files', () => {
    const built = serializeJson({ ...buildHs(read('harmonized-system-sections.csv'), read('harmonized-system.csv')) })
    expect(read('hs2022.json') === built).toBe(true)
  })

  it('rec20.json is generated from the Rec 20 CSV file', () => {
    expect(read('rec20.json') === serializeJson({ ...buildRec20(read('unece-rec20-units.csv')) })).toBe(true)
  })

  it('the sections file starts with a BOM that the parser strips', () => {
    expect(read('harmonized-system-sections.csv').charCodeAt(0)).toBe(0xfeff)
    expect(buildHs(read('harmonized-system-sections.csv'), read('harmonized-system.csv')).sections[0]?.code).toBe('I')
  })

  it('the build refuses data that breaks the rules the lists rely on', () => {
    const sections = 'section,name\nI,live animals\n'
    const hs = (rows: string): string => `section,hscode,description,parent,level\n${rows}`
    expect(() => buildHs(sections, hs('I,01,Animals,TOTAL,2\nI,0101,Horses,02,4\n'))).toThrow(/parent/)
    expect(() => buildHs(sections, hs('I,01,Animals,TOTAL,2\nI,0101,Horses,01,6\n'))).toThrow(/level/)
    expect(() => buildHs(sections, hs('I,1,Animals,TOTAL,2\n'))).toThrow(/malformed/)
    expect(() => buildHs(sections, hs('II,01,Animals,TOTAL,2\n'))).toThrow(/unknown section/)
    const units = 'Status,CommonCode,Name,Description,LevelAndCategory,Symbol,ConversionFactor\n'
    expect(() => buildRec20(`${units}?,KGM,kilogram,,1,kg,kg\n`)).toThrow(/unknown status/)
    expect(() => buildRec20(`${units},KGM,kilogram,,1,kg,kg\n,KGM,kilogram,,1,kg,kg\n`)).toThrow(/duplicate/)
  })

  it('no file here names a path of the machine it was built on', () => {
    for (const dir of ['./', './data/']) {
      const url = new URL(dir, import.meta.url)
      for (const name of readdirSync(url).filter((n) => /\.(?:ts|md|json|csv)$/.test(n))) {
        expect(readFileSync(new URL(name, url), 'utf8'), `${dir}${name}`).not.toMatch(/[/]work[/]|[.][.][/]shared/)
      }
    }
  })
})

describe('parseCsv', () => {
  it('splits plain fields and keeps them as strings', () => {
    expect(parseCsv('a,b\n01,0101\n')).toEqual([
      ['a', 'b'],
      ['01', '0101'],
    ])
  })

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('"Horses, asses",x\n')).toEqual([['Horses, asses', 'x']])
    expect(parseCsv(',D62,"""",z\n')).toEqual([['', 'D62', '"', 'z']])
    expect(parseCsv('"say ""hi""",2\n')).toEqual([['say "hi"', '2']])
    expect(parseCsv('"two\nlines",3\n')).toEqual([['two\nlines', '3']])
    expect(parseCsv('"",x')).toEqual([['', 'x']])
  })

  it('strips a byte-order mark and accepts CRLF and a missing final line end', () => {
    expect(parseCsv('\uFEFFsection,name\r\nI,live\r\n')).toEqual([
      ['section', 'name'],
      ['I', 'live'],
    ])
    expect(parseCsv('a,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ])
    expect(parseCsv('a,\n')).toEqual([['a', '']])
  })

  it('refuses an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsv('"open,x\n')).toThrow(/unterminated/)
    expect(() => parseCsv('"a"b,c\n')).toThrow(/after a closing quote/)
  })
})

describe('parseCsvRecords', () => {
  it('keys fields by header and checks the header and row widths', () => {
    expect(parseCsvRecords('\uFEFFsection,name\nI,live\n', ['section', 'name'])).toEqual([
      { section: 'I', name: 'live' },
    ])
    expect(() => parseCsvRecords('name,section\n', ['section', 'name'])).toThrow(/header/)
    expect(() => parseCsvRecords('section,name\nI\n', ['section', 'name'])).toThrow(/row 2 has 1 fields/)
  })

  it('returns records without a prototype, so a column named __proto__ stays data', () => {
    const [row] = parseCsvRecords('__proto__\nx\n', ['__proto__'])
    expect(Object.getPrototypeOf(row)).toBeNull()
    expect(row?.['__proto__']).toBe('x')
  })
})
