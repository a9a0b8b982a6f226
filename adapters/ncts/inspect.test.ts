import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeMessage, exampleMessage, SIS_NS } from '../../protocol/index.ts'
import { decodeNational } from '../formats.ts'
import { importableTypes, inspectNcts, NCTS_NS, NCTS_SCHEMA_INVALID } from './index.ts'

const sample = (file: string) => readFileSync(join(import.meta.dirname, 'samples', file), 'utf8')
const record = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) })

describe('routing by the root element namespace URI and local name', () => {
  it('a CC015C whose root declares xmlns:vc before the ncts prefix is a CC015C, and maps', async () => {
    const xml = sample('cc015c-vc.xml')
    expect(xml.indexOf('xmlns:vc=')).toBeLessThan(xml.indexOf('xmlns:ncts='))
    const r = await inspectNcts(xml)
    expect(r.type).toBe('CC015C')
    expect(r.errors).toEqual([])
    expect(r.mapping?.ok).toBe(true)
    const d = await decodeNational(record('cc015c-vc.xml', xml))
    expect(d.source).toBe('ncts')
    expect(d.ok).toBe(true)
  })

  it('the prefix plays no part: a default namespace on the root with unqualified children is the same CC015C', async () => {
    const xml = sample('cc015c.xml')
      .replace('<ncts:CC015C xmlns:ncts="http://ncts.dgtaxud.ec"', '<CC015C xmlns="http://ncts.dgtaxud.ec"')
      .replace('</ncts:CC015C>', '</CC015C>')
    // The children must stay in no namespace: undeclare the default one below the root.
    const unqualified = xml.replace(/\n {2}<([A-Za-z]+)>/g, '\n  <$1 xmlns="">')
    const r = await inspectNcts(unqualified)
    expect(r.type).toBe('CC015C')
    expect(r.errors).toEqual([])
  })

  it('a SIS XML message is not an NCTS message: inspectNcts refuses it and import routes it as SIS XML', async () => {
    const sis = encodeMessage('DeclarationLodged', exampleMessage('DeclarationLodged'))
    const r = await inspectNcts(sis)
    expect(r.type).toBeUndefined()
    expect(r.schema).toBeUndefined()
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([['NCTS_WRONG_NAMESPACE', '/DeclarationLodged']])
    expect(r.errors[0]!.message).toContain(SIS_NS)
    const d = await decodeNational(record('lodged.xml', sis))
    expect(d.source).toBe('sis-xml')
    expect(d.ok).toBe(true)
  })

  it('a root named CC015C in another namespace gets NCTS_WRONG_NAMESPACE, once', async () => {
    const xml = sample('cc015c.xml').replace(`xmlns:ncts="${NCTS_NS}"`, 'xmlns:ncts="http://ncts.example/other"')
    const r = await inspectNcts(xml)
    expect(r.type).toBeUndefined()
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatchObject({ code: 'NCTS_WRONG_NAMESPACE', path: '/CC015C' })
    expect(r.errors[0]!.message).toContain('http://ncts.example/other')
  })

  it('the import tells a partner whose NCTS namespace is slightly off so, instead of judging the file as SIS XML', async () => {
    const xml = sample('cc015c.xml').replace(`xmlns:ncts="${NCTS_NS}"`, `xmlns:ncts="${NCTS_NS}/"`)
    const d = await decodeNational(record('cc015c.xml', xml))
    expect(d.source).toBe('ncts')
    expect(d.ok === false && d.errors.map((e) => e.code)).toEqual(['NCTS_WRONG_NAMESPACE'])
  })

  it('a root in no namespace gets NCTS_WRONG_NAMESPACE', async () => {
    const xml = sample('cc015c.xml')
      .replace(`<ncts:CC015C xmlns:ncts="${NCTS_NS}"`, '<CC015C')
      .replace('</ncts:CC015C>', '</CC015C>')
    const r = await inspectNcts(xml)
    expect(r.errors.map((e) => e.code)).toEqual(['NCTS_WRONG_NAMESPACE'])
  })
})

describe('stages: each that fails stops the next', () => {
  it('a schema-invalid message of an importable type is never mapped', async () => {
    // Both a schema fault and a federation fault (an office outside CAREC): only the schema's is reported.
    const xml = sample('cc007c.xml')
      .replace('<simplifiedProcedure>0</simplifiedProcedure>', '<simplifiedProcedure>2</simplifiedProcedure>')
      .replace('<referenceNumber>UZI00100</referenceNumber>', '<referenceNumber>DE004058</referenceNumber>')
    const r = await inspectNcts(xml)
    expect(r.type).toBe('CC007C')
    expect(r.schema?.ok).toBe(false)
    expect(r.mapping).toBeUndefined()
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([
      [NCTS_SCHEMA_INVALID, '/CC007C/TransitOperation/simplifiedProcedure'],
    ])
  })

  it('a schema-valid message of a type without a reader gets NCTS_UNSUPPORTED_MESSAGE after the schema passed', async () => {
    const unsupported = ['cc004c.xml', 'cc043c.xml', 'cc060c.xml'].filter(
      (f) => !importableTypes().includes(f.slice(0, 6).toUpperCase()),
    )
    expect(unsupported.length).toBeGreaterThan(0)
    for (const file of unsupported) {
      const type = file.slice(0, 6).toUpperCase()
      const r = await inspectNcts(sample(file))
      expect(r.schema).toEqual({ ok: true })
      expect(r.mapping).toBeUndefined()
      expect(r.errors).toHaveLength(1)
      expect(r.errors[0]).toMatchObject({ code: 'NCTS_UNSUPPORTED_MESSAGE', path: `/${type}` })
    }
  })

  it('a schema-invalid message gets the schema error, never a mapping error', async () => {
    const xml = sample('cc044c.xml').replace('<conform>1</conform>', '<conform>yes</conform>')
    const r = await inspectNcts(xml)
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([[NCTS_SCHEMA_INVALID, '/CC044C/UnloadingRemark/conform']])
  })

  it('a valid message of an importable type passes the schema and maps', async () => {
    for (const file of ['cc015c.xml', 'cc007c.xml', 'cc007c-rich.xml']) {
      const r = await inspectNcts(sample(file))
      expect(r.schema).toEqual({ ok: true })
      expect(r.mapping?.ok).toBe(true)
      expect(r.errors).toEqual([])
    }
  })

  it('a document the strict parser refuses never reaches the schema', async () => {
    const xml = sample('cc015c.xml').replace('<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE x [<!ENTITY e "e">]>')
    const r = await inspectNcts(xml)
    expect(r.type).toBeUndefined()
    expect(r.schema).toBeUndefined()
    expect(r.errors).toHaveLength(1)
  })
})
