import { computeState, DocumentLog, readEntry } from './protocol/log/index.ts'
import { testMembership } from './protocol/testing/federation.ts'
import { transitLifecycle } from './protocol/testing/scenario.ts'
const membership = testMembership()
const { e } = transitLifecycle()
const entries = Object.values(e)
function t(name: string, f: () => unknown) { for (let i=0;i<100;i++) f(); const n=400; const s=performance.now(); for (let i=0;i<n;i++) f(); console.log(name.padEnd(30), ((performance.now()-s)*1000/n).toFixed(1),'us') }
for (const w of entries.slice(0,4)) t('readEntry '+w.type, () => readEntry(w.bytes, membership))
const read = entries.map((w) => readEntry(w.bytes, membership))
t('log add x10', () => { const log = new DocumentLog(read[0]!.documentId); for (const r of read) log.add(r) })
const log = new DocumentLog(read[0]!.documentId); for (const r of read) log.add(r)
t('computeState', () => computeState({ documentId: log.documentId, entries: log.entries() }, membership))
