/**
 * A byzantine member: one country's node is stopped and this process takes its identity (its
 * libp2p key, so the others' gaters let it in, and its signing key) to push, over the real
 * overlay, what an honest node never writes:
 * - a forged entry: signed by a key the membership does not pin, under the country's key id;
 * - an unauthorised transition: validly signed, but a step the country has no authority for;
 * - an equivocation: two different entries with the same author and seq, sent to different peers.
 * The verdict (scenario.ts) then requires the forgery to be held nowhere, the unauthorised entry
 * to be held and ineffective everywhere, and a fork proof with the author frozen on every holder.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { signXml } from '../protocol/dsig/index.ts'
import { DocumentLog, entryId, readEntry } from '../protocol/log/index.ts'
import { encodeMessage } from '../protocol/messages/index.ts'
import type { Message, MessageTypeName } from '../protocol/messages/index.ts'
import { verifySignedMembership } from '../protocol/membership/index.ts'
import { headerFor } from '../node/authoring.ts'
import { DATA_FILES, NodeFile } from '../node/config.ts'
import { generateSigningKey, readSigningKey } from '../node/keys.ts'
import { P2PHost, readPeerKeyFile, silentLogger, staticMemberDirectory } from '../node/p2p/index.ts'
import type { TestNetwork, TestNode } from './network.ts'
import { exampleBody } from './bodies.ts'

export type ByzantineAct = 'forge' | 'unauthorised' | 'equivocate'

export interface ByzantineRecord {
  readonly author: string
  readonly documentId: string
  readonly forged: string[]
  readonly unauthorised: string[]
  readonly equivocation?: { seq: number; ids: [string, string] }
  /** What each peer answered to each push (receipt or error code), for the report. */
  readonly answers: string[]
}

interface LogView {
  entries: { id: string; xml: string }[]
}

export async function actByzantine(
  net: TestNetwork,
  node: TestNode,
  documentId: string,
  acts: readonly ByzantineAct[],
): Promise<ByzantineRecord> {
  const view = await node.get<LogView>(`/v1/transits/${encodeURIComponent(documentId)}/log`)
  if (view.status !== 200)
    throw new Error(`byzantine ${node.country}: its node does not hold ${documentId} (${view.status})`)
  const signed = net.membership()
  const membership = verifySignedMembership(signed, signed.document.validFrom)
  const log = new DocumentLog(documentId)
  for (const e of view.body.entries) log.add(readEntry(new TextEncoder().encode(e.xml), membership))
  const file = NodeFile.parse(JSON.parse(readFileSync(join(node.dir, DATA_FILES.config), 'utf8')))
  const key = readSigningKey(join(node.dir, DATA_FILES.signingKey))
  const record0 = await node.get<{ audience: string[] }>(`/v1/transits/${encodeURIComponent(documentId)}`)
  const audience = record0.status === 200 ? record0.body.audience : []
  const peers = net.nodes.filter((n) => n !== node && audience.includes(n.country) && n.running).map((n) => n.country)

  await node.stop()
  const directory = staticMemberDirectory(
    membership.document.members
      .filter((m) => m.peerId !== undefined)
      .map((m) => ({ country: m.country, peerId: m.peerId as string, addresses: m.addresses ?? [] })),
  )
  const host = await P2PHost.create({
    privateKey: readPeerKeyFile(join(node.dir, DATA_FILES.p2pKey)),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    members: directory,
    logger: silentLogger,
  })
  await host.start()
  const record: ByzantineRecord = { author: node.country, documentId, forged: [], unauthorised: [], answers: [] }
  // Two entries of an equivocation must differ: the salt changes the passage time.
  const write = (type: MessageTypeName, signingKey = key, salt = '4'): { bytes: Uint8Array; id: string } => {
    const header = headerFor(type, {
      country: node.country,
      keyId: file.keyId,
      documentId,
      log,
      authority: [...log.heads()],
      now: new Date().toISOString(),
    })
    const bytes = signXml(
      encodeMessage(type, {
        ...exampleBody(
          type,
          type === 'BorderPassageRecorded' ? { passageDateAndTime: `2026-11-2${salt}T10:00:00Z` } : undefined,
          documentId,
        ),
        Header: header,
      } as Message),
      signingKey,
    )
    // The id is SHA-256 of the exact bytes, computed without verifying: a forgery does not verify.
    return { bytes, id: entryId(bytes) }
  }
  const push = async (to: readonly string[], bytes: Uint8Array, what: string) => {
    for (const peer of to) {
      try {
        await host.request(peer, 'push', [bytes], { timeoutMs: 10_000 })
        record.answers.push(`${what} → ${peer}: receipt`)
      } catch (e) {
        record.answers.push(
          `${what} → ${peer}: ${(e as { code?: string }).code ?? (e instanceof Error ? e.message : String(e))}`,
        )
      }
    }
  }
  try {
    for (const act of acts) {
      if (act === 'forge') {
        const forged = write('BorderPassageRecorded', generateSigningKey())
        record.forged.push(forged.id)
        await push(peers, forged.bytes, 'forged passage')
      } else if (act === 'unauthorised') {
        // Writing off is the departure office's alone; a transit country doing it is unauthorised.
        const w = write('WrittenOff')
        log.add(readEntry(w.bytes, membership))
        record.unauthorised.push(w.id)
        await push(peers, w.bytes, 'unauthorised write-off')
      } else {
        const a = write('BorderPassageRecorded', key, '5')
        const b = write('BorderPassageRecorded', key, '6')
        const seq = readEntry(a.bytes, membership).seq
        ;(record as { equivocation?: ByzantineRecord['equivocation'] }).equivocation = { seq, ids: [a.id, b.id] }
        const half = Math.max(1, Math.floor(peers.length / 2))
        await push(peers.slice(0, half), a.bytes, `passage A (seq ${seq})`)
        await push(peers.length > 1 ? peers.slice(half) : peers, b.bytes, `passage B (seq ${seq})`)
      }
    }
  } finally {
    await host.stop()
    await node.start()
  }
  return record
}
