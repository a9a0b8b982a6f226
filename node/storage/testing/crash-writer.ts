/**
 * The victim of crash.test.ts: `node crash-writer.ts FOLDER RUN` opens a LevelStore and commits
 * forever, mixing single-entry commits and batches of 100 entries, each batch with the record of
 * its document and two outbox items per entry, and prints each entry's id on stdout only after
 * its commit resolved. The test kills it with SIGKILL at a random moment; every printed id was
 * acknowledged and must survive.
 *
 * Each entry's bytes name its run, batch and batch size, and each document record names the
 * batch that wrote it and that batch's entries, so the checker can tell a whole batch from part
 * of one without any other record of what was written.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { LevelStore } from '../level-store.ts'
import { sha256Hex } from '../../../protocol/crypto/index.ts'
import type { DocumentRecord, OutboxItem, StoredEntry } from '../types.ts'

export const CRASH_DOCUMENTS = 7
export const CRASH_PEERS = ['CN', 'UZ'] as const
export const CRASH_STATUSES = ['accepted', 'released', 'arrived'] as const

export interface CrashState {
  readonly run: number
  readonly batch: number
  readonly entryIds: readonly string[]
}

/** Reads back what crash-writer wrote into an entry's bytes. */
export function parseCrashEntry(bytes: Uint8Array): { run: number; batch: number; size: number } {
  const m = /^<Entry run="(\d+)" batch="(\d+)" i="\d+" n="(\d+)"/.exec(new TextDecoder().decode(bytes.subarray(0, 80)))
  if (m === null) throw new Error('not a crash-writer entry')
  return { run: Number(m[1]), batch: Number(m[2]), size: Number(m[3]) }
}

function batchOf(
  run: number,
  batch: number,
  size: number,
  clock: number,
): { entries: StoredEntry[]; document: DocumentRecord; outbox: OutboxItem[] } {
  const documentId = `D${batch % CRASH_DOCUMENTS}`
  const at = new Date(clock).toISOString()
  const entries = Array.from({ length: size }, (_, i): StoredEntry => {
    // Random content of random length: no two entries alike, and batches from 100 B to 200 KB.
    const bytes = new TextEncoder().encode(
      `<Entry run="${run}" batch="${batch}" i="${i}" n="${size}">${randomBytes(randomInt(1, 1000)).toString('hex')}</Entry>`,
    )
    return {
      id: sha256Hex(bytes),
      documentId,
      author: `A${run}`,
      seq: batch * 100 + i,
      type: 'CrashTest',
      bytes,
      storedAt: at,
    }
  })
  const status = CRASH_STATUSES[batch % CRASH_STATUSES.length] ?? 'accepted'
  const state: CrashState = { run, batch, entryIds: entries.map((e) => e.id) }
  const document: DocumentRecord = {
    documentId,
    kind: 'transit',
    audience: [...CRASH_PEERS],
    status,
    stateHash: sha256Hex(new TextEncoder().encode(JSON.stringify(state))),
    updatedAt: at,
    state,
    index: {
      status,
      keys: {
        mrn: [`MRN-${documentId}`],
        office: [`O${run}`, `O-${batch % 5}`],
        trader: [`T${batch % 4}`],
        // A key without values is absent, as the node writes it.
        vehicle: [`V${batch % 3}\x00${run}`],
        ...(batch % 2 === 0 ? { container: ['C0'] } : {}),
      },
    },
  }
  const outbox = entries.flatMap((e) =>
    CRASH_PEERS.map((peer): OutboxItem => ({
      peer,
      documentId,
      entryId: e.id,
      enqueuedAt: at,
      attempts: 0,
      nextAttemptAt: at,
    })),
  )
  return { entries, document, outbox }
}

async function main(folder: string, run: number): Promise<void> {
  // Under a file size limit (ulimit -f, the stand-in for a full disk) a write past it must fail
  // with EFBIG instead of killing the process, so that the store sees an I/O error.
  process.on('SIGXFSZ', () => undefined)
  const store = new LevelStore(folder)
  await store.open()
  // updatedAt must grow across runs too, so that the latest record is the newest: start from the wall clock.
  let clock = Date.now()
  for (let batch = 0; ; batch++) {
    const b = batchOf(run, batch, Math.random() < 0.5 ? 1 : 100, clock++)
    try {
      await store.commit(b)
    } catch (e) {
      // The disk-full test: the refused commit is not acknowledged; say why and stop.
      process.stderr.write(`refused: ${String((e as Error).cause ?? e)}\n`)
      process.exit(2)
    }
    // Only now is the batch acknowledged. Pipes are written synchronously on Linux.
    process.stdout.write(b.entries.map((e) => `${e.id}\n`).join(''))
  }
}

if (process.argv[1]?.endsWith('crash-writer.ts') === true) {
  const [folder, run] = process.argv.slice(2)
  if (folder === undefined || run === undefined) throw new Error('usage: crash-writer.ts FOLDER RUN')
  await main(folder, Number(run))
}
