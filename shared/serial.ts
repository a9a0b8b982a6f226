/**
 * SerialQueue: runs async sections one after another, in the order they were queued (a FIFO lock
 * for read-modify-write, or a worker that must not overlap itself). A section that fails rejects
 * its own caller only; the next one still runs.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve()

  /** Runs `fn` once every section queued before it has settled; resolves or rejects as `fn` does. */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn)
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }

  /** Resolves once every section queued so far has settled (never rejects). */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined)
  }
}
