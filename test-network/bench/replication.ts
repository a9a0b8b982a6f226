/**
 * The pieces of the network benchmark that deal in entries: signing transits as a node would
 * (its key and key id from its data folder), putting them into a stopped node's LevelDB through
 * the node's own Replicator (so the outbox is filled exactly as by live writes), counting what a
 * node received (its Prometheus counter), and the ceiling: the same frames over one raw libp2p
 * stream (TCP + Noise + yamux, the node's stack) to another process.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { performance } from 'node:perf_hooks'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { readNodeConfig } from '../../node/data-folder.ts'
import { allocateMrn } from '../../protocol/codes/index.ts'
import { signXml } from '../../protocol/dsig/index.ts'
import { entryId } from '../../protocol/log/index.ts'
import { encodeMessage, exampleMessage } from '../../protocol/messages/index.ts'
import type { Message, MessageTypeName } from '../../protocol/messages/index.ts'
import { DATA_FILES } from '../../node/config.ts'
import { DocumentCache } from '../../node/documents.ts'
import { Replicator } from '../../node/replication.ts'
import { LevelStore } from '../../node/storage/index.ts'

const root = join(import.meta.dirname, '..', '..')
const nodeBin = join(root, 'node_modules', '.bin', 'node')

/** One transit's entries as the departure office writes them; ten entries, about 2 KB on average. */
export const TRANSIT_TYPES: readonly MessageTypeName[] = [
  'DeclarationLodged',
  'DeclarationAccepted',
  'ReleasedForTransit',
  'BorderPassageRecorded',
  'IncidentRecorded',
  'ArrivalNotified',
  'ArrivalAdvised',
  'ControlResultsRecorded',
  'WrittenOff',
  'IncidentRecorded',
]

/** A message body from the examples, for document `mrn`, without its header (the writer fills it). */
export function bodyFor(type: MessageTypeName, mrn: string, route?: readonly string[]): Record<string, unknown> {
  const m = structuredClone(exampleMessage(type)) as unknown as Record<string, unknown>
  delete m.Header
  const op = m.TransitOperation as { MRN?: string } | undefined
  if (op?.MRN !== undefined) op.MRN = mrn
  if (route !== undefined && type === 'DeclarationLodged') {
    ;(m.Consignment as { CountryOfRoutingOfConsignment: unknown }).CountryOfRoutingOfConsignment = route.map(
      (country, i) => ({ sequenceNumber: String(i + 1), country }),
    )
  }
  return m
}

/** A unique MRN per benchmark run (`tag`, a few capital letters) and number. */
export function benchMrn(country: string, tag: string, n: number): string {
  return allocateMrn({
    year: new Date().getUTCFullYear(),
    country,
    serial: (tag + n.toString(36)).toUpperCase().slice(0, 12),
    procedure: 'J',
  })
}

export interface SignedTransit {
  readonly documentId: string
  readonly entries: Uint8Array[]
}

/** The entries each entry of TRANSIT_TYPES rests on (by index), as node/authoring.ts authorityFor names them. */
const AUTHORITY: readonly (readonly number[])[] = [
  [],
  [0],
  [0, 1],
  [0, 2],
  [0, 2],
  [0, 2],
  [0, 2, 5],
  [0, 2, 5],
  [0, 5, 7],
  [0, 2],
]

/**
 * `count` transits of TRANSIT_TYPES.length entries each, signed with the key in the node's data
 * folder, with the header fields the node writes (node/authoring.ts headerFor: its chain, the
 * head as parent, the authority entries). Built directly rather than through a DocumentLog so
 * that signing is the only cost here; the node verifies every entry when they are loaded.
 */
export function signTransits(dir: string, count: number, tag: string): SignedTransit[] {
  const config = readNodeConfig(dir, () => new Date().toISOString())
  const country = config.file.country
  const out: SignedTransit[] = []
  for (let t = 0; t < count; t++) {
    const documentId = benchMrn(country, tag, t)
    const ids: string[] = []
    const entries: Uint8Array[] = []
    TRANSIT_TYPES.forEach((type, i) => {
      const now = new Date().toISOString()
      const header = {
        messageIdentification: `${country}-${tag}-${t}-${i}`,
        messageType: type,
        preparationDateAndTime: now.replace(/\.\d+Z$/, 'Z'),
        documentId,
        authorCountry: country,
        authorKeyId: config.file.keyId,
        sequenceNumber: String(i + 1),
        ...(i === 0 ? {} : { previousEntry: ids[i - 1], parentEntry: [ids[i - 1]] }),
        ...(i === 0 ? {} : { authorityEntry: (AUTHORITY[i] ?? []).map((k) => ids[k]) }),
        ruleVersion: '1',
      }
      const bytes = signXml(
        encodeMessage(type, { ...bodyFor(type, documentId), Header: header } as unknown as Message<typeof type>),
        config.signingKey,
      )
      ids.push(entryId(bytes))
      entries.push(bytes)
    })
    out.push({ documentId, entries })
  }
  return out
}

/**
 * Stores the transits in the (stopped) node's LevelDB through its Replicator, one synced batch per
 * document, as if the node had written them: entries, document records and outbox items for every
 * other audience member. Returns the seconds it took.
 */
export async function loadIntoStore(dir: string, transits: readonly SignedTransit[]): Promise<number> {
  const config = readNodeConfig(dir, () => new Date().toISOString())
  const store = new LevelStore(join(dir, DATA_FILES.store))
  await store.open()
  const start = performance.now()
  try {
    const docs = new DocumentCache(store, config.membership)
    const refusals: string[] = []
    const replicator = new Replicator({
      country: config.file.country,
      store,
      docs,
      membership: config.membership,
      events: {
        documentChanged: () => undefined,
        refused: (_peer, e) => {
          refusals.push(e.code)
        },
        delivered: () => undefined,
        received: () => undefined,
      },
    })
    for (const t of transits) {
      const r = await replicator.ingest(t.entries)
      if (r.accepted.length !== t.entries.length)
        throw new Error(
          `loading ${t.documentId}: ${r.accepted.length} of ${t.entries.length} stored (${refusals.join(', ')})`,
        )
    }
  } finally {
    await store.close()
  }
  return (performance.now() - start) / 1000
}

/** The sum of a node's sis_entries_in_total (entries accepted from peers since its process started). */
export async function entriesIn(api: string): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text()
  let sum = 0
  for (const line of text.split('\n'))
    if (line.startsWith('sis_entries_in_total{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1))
  return sum
}

/** Polls every `everyMs` until `check` is true; resolves with performance.now() at that moment. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 5,
): Promise<number> {
  const end = performance.now() + timeoutMs
  for (;;) {
    if (await check()) return performance.now()
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** The protocol of the ceiling's sink (stream-sink.ts). */
export const SINK_PROTOCOL = '/carec-sis-bench/sink/1.0.0'
/** As node/p2p/framing.ts: small frames go out in writes of up to 64 KB. */
const WRITE_BATCH_BYTES = 64 * 1024

/**
 * The ceiling: the same frames (same count, same sizes) written over one libp2p stream (TCP,
 * Noise, yamux; varint length prefixes as the node's framing) to a sink in another process, which
 * answers one byte after the last frame. Best of `runs`, each on a fresh stream of one warm
 * connection. Returns frames per second.
 */
export async function streamCeiling(
  frames: readonly Uint8Array[],
  runs = 3,
): Promise<{ perSecond: number; seconds: number }> {
  const child = spawn(nodeBin, [join(import.meta.dirname, 'stream-sink.ts')], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const node = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout })
      lines.once('line', (line) => resolve((JSON.parse(line) as { address: string }).address))
      child.once('exit', (code) => reject(new Error(`the stream sink exited with ${code}`)))
    })
    await node.dial(multiaddr(address))
    let best = Infinity
    for (let run = 0; run < runs; run++) {
      const start = performance.now()
      const stream = await node.dialProtocol(multiaddr(address), SINK_PROTOCOL)
      const lp = lpStream(stream, { maxDataLength: 16 * 1024 * 1024 })
      const header = new Uint8Array(4)
      new DataView(header.buffer).setUint32(0, frames.length)
      let batch: Uint8Array[] = [header]
      let bytes = 4
      for (const f of frames) {
        if (bytes + f.byteLength > WRITE_BATCH_BYTES) {
          await lp.writeV(batch)
          batch = []
          bytes = 0
        }
        batch.push(f)
        bytes += f.byteLength
      }
      if (batch.length > 0) await lp.writeV(batch)
      const ack = await lp.read()
      if (ack.byteLength !== 1) throw new Error('the sink did not acknowledge')
      best = Math.min(best, (performance.now() - start) / 1000)
      await stream.close()
    }
    return { perSecond: frames.length / best, seconds: best }
  } finally {
    await node.stop()
    child.stdin.end()
    await exited
  }
}
