import { describe, expect, it } from 'vitest'
import { formatReport, runConformance } from './conformance.ts'
import { fileDropTarget, webhookTarget } from './targets.ts'
import type { AdapterFactory } from './conformance.ts'

const shipped: [string, AdapterFactory][] = [
  ['file drop, SIS XML out, JSON in', fileDropTarget({ format: 'sis' })],
  ['file drop, NCTS out, CC015C in', fileDropTarget({ format: 'ncts', input: 'cc015c' })],
  ['file drop, CUSRES out, CUSDEC in (EDIFACT)', fileDropTarget({ format: 'cusres', input: 'cusdec' })],
  ['webhook, SIS XML out (signed, loopback receiver)', webhookTarget({ format: 'sis' })],
  ['webhook, NCTS out', webhookTarget({ format: 'ncts' })],
]

describe('conformance kit', () => {
  for (const [name, factory] of shipped) {
    it(`passes for ${name}`, async () => {
      const report = await runConformance(factory)
      expect(report.passed, formatReport(report)).toBe(true)
      expect(report.steps.length).toBe(12)
    })
  }

  it('fails an adapter that drops what it is given (the kit can fail)', async () => {
    const broken: AdapterFactory = async (client) => {
      const inner = await fileDropTarget({ format: 'sis' })(client)
      return { ...inner, submit: async () => ({ accepted: true }) }
    }
    const report = await runConformance(broken)
    expect(report.passed).toBe(false)
    expect(report.steps.find((s) => s.step === 'declare')?.ok).toBe(false)
    expect(report.steps.find((s) => s.step === 'accept')?.ok).toBe(false)
    expect(report.steps.find((s) => s.step === 'malformed input')?.ok).toBe(false)
  })
})
