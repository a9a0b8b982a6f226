/**
 * The demo's NCTS lines (sis demo, npm start): the example declaration as a partner's NCTS
 * phase 6 CC015C, judged by the official XSD in process and mapped to the lodge it becomes;
 * then the same file with messageRecipient before messageSender, refused once, by the schema,
 * with the line and path of the fault. Returns whether both came out as they must.
 */
import { inspectNcts, toCC015C } from '../adapters/ncts/index.ts'
import { exampleMessage } from '../protocol/messages/index.ts'

export async function nctsLayer(say: (s: string) => void): Promise<boolean> {
  const { Header: _h, ...declaration } = exampleMessage('DeclarationLodged')
  const env = { sender: 'NTA.CN', recipient: 'SIS-CN', messageId: 'CN-DEMO-1', preparedAt: '2026-11-23T08:00:00Z' }
  const exported = toCC015C(declaration, env)
  if (!exported.ok) {
    say(`  NCTS: the example declaration does not fit CC015C: ${exported.errors.map((e) => e.code).join(', ')}`)
    return false
  }
  const t0 = performance.now()
  const good = await inspectNcts(exported.value)
  const ms = performance.now() - t0
  const op = good.mapping?.ok === true ? good.mapping.value : undefined
  say(
    `  as an NCTS phase 6 CC015C from a partner: official XSD ${good.schema?.ok === true ? 'valid' : 'INVALID'} (libxml2 in process, ${ms.toFixed(0)} ms), ${op?.kind === 'lodge' ? `mapped to a lodge of LRN ${op.lrn}` : `NOT MAPPED ${good.errors.map((e) => e.code).join(', ')}`}`,
  )
  const swapped = exported.value.replace(
    /(<messageSender>[^<]*<\/messageSender>)(\s*)(<messageRecipient>[^<]*<\/messageRecipient>)/,
    '$3$2$1',
  )
  const bad = await inspectNcts(swapped)
  const fault = bad.errors[0]
  say(
    fault === undefined
      ? '  the same with messageRecipient before messageSender: ACCEPTED (wrong)'
      : `  the same with messageRecipient before messageSender: ${fault.code} at line ${fault.line ?? '?'} ${fault.path}: ${fault.message}`,
  )
  return op !== undefined && bad.errors.length === 1 && fault?.code === 'NCTS_SCHEMA_INVALID'
}
