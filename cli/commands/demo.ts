/**
 * `sis demo` (what `npm start` runs for now): builds a transit declaration, validates it as a
 * receiving node would, checks it with xmllint against its XSD when xmllint is installed,
 * prints it, and shows that a hostile document is refused. It always runs to completion.
 */
import type { Command } from 'commander'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allXsdFiles, encodeMessage, exampleMessage, validateMessage } from '../../protocol/messages/index.ts'
import { findOffice } from '../../protocol/codes/index.ts'
import { EXIT } from '../output.ts'

function officeName(ref: string): string {
  const office = findOffice(ref)
  return office === undefined ? ref : `${office.names.en} (${ref})`
}

/** Validates xml against the XSD of its type with xmllint; undefined when xmllint is missing. */
function xmllint(type: string, xml: string): { ok: boolean; output: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sis-demo-'))
  try {
    for (const [name, content] of allXsdFiles()) writeFileSync(join(dir, name), content)
    writeFileSync(join(dir, 'message.xml'), xml)
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', join(dir, `${type}.xsd`), join(dir, 'message.xml')], { encoding: 'utf8' })
    if (r.error !== undefined) return undefined
    return { ok: r.status === 0, output: (r.stderr ?? '').trim() }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function registerDemoCommand(program: Command): void {
  program.command('demo')
    .description('build, validate and print a transit declaration (China → Kazakhstan → Uzbekistan)')
    .option('--quiet', 'do not print the XML')
    .action((opts: { quiet?: boolean }) => {
      const say = (s: string) => process.stdout.write(s + '\n')
      const message = exampleMessage('DeclarationLodged')
      const op = message.TransitOperation
      say('CAREC Single Information Space: a single transit document')
      say('')
      say(`1. The holder lodges a transit declaration (LRN ${op.LRN}) at ${officeName(message.CustomsOfficeOfDeparture.referenceNumber)}.`)
      say(`   Route: ${message.Consignment.CountryOfRoutingOfConsignment.map((r) => r.country).join(' → ')}; offices of transit: ${(message.CustomsOfficeOfTransitDeclared ?? []).map((o) => officeName(o.referenceNumber)).join(', ')}`)
      say(`   Destination: ${officeName(message.CustomsOfficeOfDestinationDeclared.referenceNumber)}; MRN ${op.MRN}; guarantee ${message.Guarantee[0]?.GuaranteeReference[0]?.GRN ?? ''}`)
      const xml = encodeMessage('DeclarationLodged', message)
      say(`2. The departure node writes it as signed-ready XML: ${Buffer.byteLength(xml)} bytes, ${message.Consignment.ConsignmentItem.length} goods items.`)
      const result = validateMessage(xml)
      if (!result.ok) {
        say(`   INVALID: ${result.errors.map((e) => `${e.code} ${e.message}`).join('; ')}`)
        process.exitCode = EXIT.INVALID
        return
      }
      say(`3. A receiving node parses and validates it (safe XML, schema, code lists, rules): OK ${result.message.type}`)
      const lint = xmllint('DeclarationLodged', xml)
      say(lint === undefined ? '4. xmllint is not installed: independent XSD check skipped (apt-get install libxml2-utils).' : `4. xmllint --schema DeclarationLodged.xsd: ${lint.ok ? 'valid' : `INVALID ${lint.output}`}`)
      if (lint !== undefined && !lint.ok) process.exitCode = EXIT.INVALID
      const hostile = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><DeclarationLodged>&lol2;</DeclarationLodged>'
      const refused = validateMessage(hostile)
      say(`5. A hostile document (entity expansion) is refused before parsing: ${refused.ok ? 'ACCEPTED (wrong)' : refused.errors[0]?.code ?? ''}`)
      if (refused.ok) process.exitCode = EXIT.INVALID
      if (opts.quiet !== true) {
        say('')
        say(xml)
      }
    })
}
