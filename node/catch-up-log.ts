/**
 * Progress of a long catch-up, as log lines (the node's standard output is log lines only): a
 * sync with one member that takes several rounds — after a start with much missed, after a
 * join, after a restore — logs how far it has come (entries taken, shared documents answered of
 * the total, a percentage) and an estimate of the time left, at most every `everyMs`, then
 * once when it is complete. A sync answered in one round logs nothing.
 */
import type { Logger } from 'pino'
import type { CatchUpProgress } from './replication/types.ts'

export class CatchUpLog {
  readonly #logger: () => Logger | undefined
  readonly #everyMs: number
  readonly #clock: () => number
  /** Per peer: when its catch-up started and when it was last logged. */
  readonly #running = new Map<string, { started: number; logged: number | undefined }>()

  constructor(logger: () => Logger | undefined, opts: { everyMs?: number; clock?: () => number } = {}) {
    this.#logger = logger
    this.#everyMs = opts.everyMs ?? 2_000
    this.#clock = opts.clock ?? Date.now
  }

  report(peer: string, p: CatchUpProgress): void {
    const now = this.#clock()
    const run = this.#running.get(peer) ?? { started: now, logged: undefined }
    this.#running.set(peer, run)
    const fraction = p.documentsTotal === 0 ? 1 : p.documentsDone / p.documentsTotal
    const elapsed = (now - run.started) / 1000
    const fields = {
      peer,
      entries: p.entries,
      documents: p.documentsDone,
      of: p.documentsTotal,
      percent: Math.floor(fraction * 100),
      seconds: Math.round(elapsed * 10) / 10,
    }
    if (p.done) {
      this.#running.delete(peer)
      this.#logger()?.info(fields, 'catch-up complete')
      return
    }
    if (run.logged !== undefined && now - run.logged < this.#everyMs) return
    run.logged = now
    const eta = fraction > 0 && elapsed > 0 ? Math.round((elapsed / fraction - elapsed) * 10) / 10 : undefined
    this.#logger()?.info({ ...fields, ...(eta === undefined ? {} : { etaSeconds: eta }) }, 'catch-up in progress')
  }
}
