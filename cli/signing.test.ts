/**
 * Signing, verification, canonicalization and the auditor's log verify, run as a user runs them:
 * real processes, real key files, real bundles (a folder and a tar archive).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeMessage, exampleMessage, EXAMPLE_CONTEXT } from '../protocol/messages/index.ts'
import { computeState, DocumentLog, readEntry } from '../protocol/log/index.ts'
import { testMembership, testMembershipDocument } from '../protocol/testing/federation.ts'
import { transitLifecycle, unauthorisedEntries } from '../protocol/testing/scenario.ts'
import { sisProcess } from './cli.testkit.ts'

const root = join(import.meta.dirname, '..')
const node = join(root, 'node_modules', '.bin', 'node')
const dir = mkdtempSync(join(tmpdir(), 'sis-sign-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sis = sisProcess({ timeoutMs: 30_000 })

describe('sis key generate, message sign, verify, canonicalize', () => {
  const keyFile = join(dir, 'cn.pem')
  const membershipFile = join(dir, 'membership.json')
  const unsignedFile = join(dir, 'DeclarationLodged.xml')
  const signedFile = join(dir, 'signed.xml')

  it('generates a key file with mode 0600 and never overwrites it', () => {
    const r = sis('key', 'generate', '--out', keyFile, '--json')
    expect(r.status, r.stderr).toBe(0)
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    const { publicKey } = JSON.parse(r.stdout) as { publicKey: string }
    const doc = testMembershipDocument()
    doc.members = doc.members.map((m) =>
      m.country === 'CN'
        ? { ...m, keys: [{ keyId: 'cn-node-2026-1', publicKey, validFrom: '2026-01-01T00:00:00Z' }] }
        : m,
    )
    writeFileSync(membershipFile, JSON.stringify(doc, null, 2))
    expect(sis('key', 'generate', '--out', keyFile).status).toBe(3)
  })

  it('signs a message; verify says OK with the signer; a changed byte is refused', () => {
    writeFileSync(unsignedFile, encodeMessage('DeclarationLodged', exampleMessage('DeclarationLodged')))
    const signed = sis('message', 'sign', '--key', keyFile, unsignedFile, '--out', signedFile)
    expect(signed.status, signed.stderr).toBe(0)
    const ok = sis('message', 'verify', '--membership', membershipFile, signedFile)
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toContain('OK DeclarationLodged signed by CN key cn-node-2026-1')
    const tampered = join(dir, 'tampered.xml')
    writeFileSync(tampered, readFileSync(signedFile, 'utf8').replace('12480.5', '1248.05'))
    const bad = sis('message', 'verify', '--membership', membershipFile, '--json', tampered)
    expect(bad.status).toBe(1)
    expect(JSON.parse(bad.stdout).errors[0].code).toBe('SIG_DIGEST_MISMATCH')
    expect(sis('message', 'validate', signedFile).stdout.trim()).toBe('OK DeclarationLodged')
  })

  it('refuses a key file readable by others, saying how to fix it', () => {
    const loose = join(dir, 'loose.pem')
    writeFileSync(loose, readFileSync(keyFile), { mode: 0o644 })
    const r = sis('message', 'sign', '--key', loose, unsignedFile)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('chmod 600')
  })

  it('canonicalize prints the digest input, byte-equal to xmllint --exc-c14n of the unsigned message', () => {
    const ours = spawnSync(node, [join(root, 'cli', 'bin', 'sis.ts'), 'message', 'canonicalize', signedFile])
    const theirs = spawnSync('xmllint', ['--exc-c14n', unsignedFile])
    expect(ours.status).toBe(0)
    expect(Buffer.compare(ours.stdout, theirs.stdout)).toBe(0)
    expect(sis('message', 'canonicalize', '--signed-info', signedFile).stdout).toMatch(
      /^<ds:SignedInfo xmlns:ds="http:\/\/www.w3.org\/2000\/09\/xmldsig#">/,
    )
  })
})

describe('sis log verify (the auditor)', () => {
  const membershipFile = join(dir, 'test-membership.json')
  writeFileSync(membershipFile, JSON.stringify(testMembershipDocument()))
  const { writer, e } = transitLifecycle()
  const bad = unauthorisedEntries(writer, e)
  const entries = [...Object.values(e), ...Object.values(bad)]
  const expected = (() => {
    const log = new DocumentLog(EXAMPLE_CONTEXT.mrn)
    for (const w of entries) log.add(readEntry(w.bytes, testMembership()))
    return computeState(
      { documentId: log.documentId, entries: log.entries(), frozen: log.frozen(), forks: log.forks() },
      testMembership(),
    )
  })()

  it('recomputes the state from a folder in any order and prints status, hash and ineffective entries', () => {
    const bundle = join(dir, 'bundle')
    mkdirSync(bundle)
    // File names in reverse causal order: the verifier must not depend on them.
    entries.forEach((w, i) =>
      writeFileSync(join(bundle, `${String(entries.length - i).padStart(3, '0')}.xml`), w.bytes),
    )
    const r = sis('log', 'verify', bundle, '--membership', membershipFile)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('status      written-off')
    expect(r.stdout).toContain(`state hash  ${expected.hash}`)
    expect(r.stdout).toContain('not-authorised')
    const json = JSON.parse(sis('log', 'verify', bundle, '--membership', membershipFile, '--json').stdout)
    expect(json.documents[0].state.hash).toBe(expected.hash)
  })

  it('reads a tar.gz archive the same way, and reports a forged entry', () => {
    const bundle = join(dir, 'bundle2')
    mkdirSync(bundle)
    entries.forEach((w, i) => writeFileSync(join(bundle, `e${i}.xml`), w.bytes))
    writeFileSync(join(bundle, 'forged.xml'), Buffer.from(e.arrival!.bytes).toString('utf8').replace('UZTAS', 'UZSKD'))
    expect(spawnSync('tar', ['-czf', join(dir, 'bundle.tar.gz'), '-C', bundle, '.']).status).toBe(0)
    const r = sis('log', 'verify', join(dir, 'bundle.tar.gz'), '--membership', membershipFile, '--json')
    expect(r.status).toBe(1)
    const json = JSON.parse(r.stdout)
    expect(json.documents[0].state.hash).toBe(expected.hash)
    expect(json.refused).toEqual([expect.objectContaining({ code: 'SIG_DIGEST_MISMATCH' })])
  })
})
