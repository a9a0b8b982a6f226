import { describe, expect, it } from 'vitest'
import { HS2022, HS_SECTIONS, checkCode, hsLevel, isHsSubheading } from './index.ts'

describe('HS2022', () => {
  it('accepts a subheading and describes it', () => {
    const entry = checkCode(HS2022, 'ConsignmentItem/Commodity/harmonizedSystemSubHeadingCode', '010121')
    expect(entry).toMatchObject({ code: '010121', level: 6, parent: '0101', section: 'I' })
    expect(entry.names.en).toBe('Horses; live, pure-bred breeding animals')
  })

  it('refuses 999999 and the other Comtrade aggregates, which are not HS codes', () => {
    for (const code of ['999999', '9999', '99', 'TOTAL']) {
      expect(() => checkCode(HS2022, 'Commodity/code', code)).toThrow(`Commodity/code: "${code}" is not in HS 2022`)
    }
  })

  it('keeps codes as strings with leading zeros, never numbers', () => {
    expect(HS2022.lookup('01')?.level).toBe(2)
    expect(HS2022.lookup('1')).toBeUndefined()
    expect(HS2022.lookup('10121')).toBeUndefined()
    expect(HS2022.lookup('0101.21')).toBeUndefined()
    for (const code of HS2022.codes()) expect(code).toMatch(/^(?:[0-9]{2}){1,3}$/)
  })

  it('has 96 chapters, 1,228 headings and 5,612 subheadings, each under an existing parent', () => {
    const count = { 2: 0, 4: 0, 6: 0 }
    for (const code of HS2022.codes()) {
      const entry = HS2022.lookup(code)
      if (entry === undefined) throw new Error(code)
      count[entry.level]++
      expect(entry.level).toBe(code.length)
      if (entry.level === 2) expect(entry.parent).toBeUndefined()
      else expect(HS2022.lookup(entry.parent ?? '')?.section).toBe(entry.section)
    }
    expect(count).toEqual({ 2: 96, 4: 1228, 6: 5612 })
    expect(HS2022.lookup('77')).toBeUndefined() // chapter 77 is reserved for future use
  })

  it('hsLevel and isHsSubheading', () => {
    expect(hsLevel('01')).toBe(2)
    expect(hsLevel('8471')).toBe(4)
    expect(hsLevel('847130')).toBe(6)
    expect(hsLevel('999999')).toBeUndefined()
    expect(isHsSubheading('010121')).toBe(true)
    expect(isHsSubheading('0101')).toBe(false)
    expect(isHsSubheading('999999')).toBe(false)
    expect(isHsSubheading('__proto__')).toBe(false)
  })

  it('keeps descriptions with commas and quotes intact', () => {
    expect(HS2022.lookup('0101')?.names.en).toBe('Horses, asses, mules and hinnies; live')
  })
})

describe('HS_SECTIONS', () => {
  it('has the 21 sections, every chapter in exactly one', () => {
    expect([...HS_SECTIONS.codes()]).toHaveLength(21)
    expect(HS_SECTIONS.lookup('I')?.names.en).toBe('live animals; animal products')
    expect(HS_SECTIONS.lookup('XXI')?.chapters).toEqual(['97'])
    const chapters = [...HS_SECTIONS.codes()].flatMap((s) => HS_SECTIONS.lookup(s)?.chapters ?? [])
    expect(new Set(chapters).size).toBe(96)
    expect(chapters.sort()).toEqual([...HS2022.codes()].filter((c) => c.length === 2).sort())
  })
})
