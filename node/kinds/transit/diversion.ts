/**
 * Diversion to a country off the route. Goods under a transit this node does not hold are
 * presented at one of its offices (the driver hands over the MRN): the node asks the office of
 * departure's country for the log (the presentation protocol, like NCTS's request for the
 * anticipated arrival record), writes its DiversionRequested on top of it, and stores the whole
 * log, which the diversion now puts in its audience. The entries are verified like any others;
 * nothing is stored if the departure country refuses or the diversion is not effective.
 */
import type { TransitFacts } from '../../../protocol/kinds/transit/index.ts'
import { NodeError } from '../../errors.ts'
import type { SubmitResult } from '../../service.ts'
import type { Frames, KindContext } from '../kind.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export async function divertHere(
  ctx: KindContext,
  documentId: string,
  body: Record<string, unknown>,
): Promise<SubmitResult> {
  const departure = documentId.slice(2, 4)
  const office = (body as { CustomsOfficeActual?: { referenceNumber?: string } }).CustomsOfficeActual?.referenceNumber
  if (departure === ctx.country || office === undefined)
    throw new NodeError('NODE_NOT_FOUND', `no transit ${documentId} here`, { documentId })
  let frames: Frames
  try {
    frames = await ctx.request(departure, 'presentation', [encoder.encode(JSON.stringify({ documentId, office }))], {
      timeoutMs: 15_000,
    })
  } catch {
    throw new NodeError(
      'NODE_NOT_FOUND',
      `no transit ${documentId} could be obtained from ${departure} for a diversion to ${office}`,
      { documentId },
    )
  }
  return ctx.writeOnto(frames, departure, 'DiversionRequested', documentId, body)
}

/**
 * The presentation protocol, at the departure country's node: the log of a released transit,
 * for a member at one of whose offices the goods are presented. Any other case gets the same
 * refusal, whether or not the document exists.
 */
export async function answerPresentation(ctx: KindContext, frames: Frames, from: string): Promise<Frames> {
  const refuse = () => new NodeError('NODE_NOT_FOUND', 'no transit to present', {})
  let asked: { documentId?: unknown; office?: unknown }
  try {
    asked = JSON.parse(decoder.decode(frames[0] ?? new Uint8Array())) as typeof asked
  } catch {
    throw refuse()
  }
  if (
    typeof asked.documentId !== 'string' ||
    typeof asked.office !== 'string' ||
    asked.documentId.slice(2, 4) !== ctx.country
  )
    throw refuse()
  if (ctx.membership().office(asked.office)?.country !== from) throw refuse()
  const doc = await ctx.document(asked.documentId)
  const s = doc.state
  const f = s.facts as TransitFacts
  if (
    doc.log.size === 0 ||
    s.kind !== 'transit' ||
    f.released === undefined ||
    f.arrival !== undefined ||
    f.writtenOff !== undefined
  )
    throw refuse()
  ctx.logger?.info(
    { peer: from, documentId: asked.documentId, office: asked.office },
    'transit presented for a diversion',
  )
  return ctx.entryBytes(asked.documentId)
}
