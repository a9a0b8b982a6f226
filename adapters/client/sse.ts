/**
 * An incremental Server-Sent Events parser (the WHATWG event stream format): lines end in LF,
 * CR or CRLF; `event:` and `data:` fields accumulate until a blank line dispatches; lines that
 * start with ':' are comments (the node's heartbeats). Chunks may split lines, and CRLF anywhere.
 */

export interface SseMessage {
  readonly event: string
  readonly data: string
  readonly id?: string
}

export class SseParser {
  #buffer = ''
  #event = ''
  #data: string[] = []
  #id: string | undefined
  #sawCr = false
  readonly #maxLine: number

  /** `maxLine` bounds a line without an end, so a broken server cannot grow memory forever. */
  constructor(maxLine = 1024 * 1024) {
    this.#maxLine = maxLine
  }

  /** Feeds a chunk of text; returns the messages it completes. */
  push(chunk: string): SseMessage[] {
    const out: SseMessage[] = []
    let text = chunk
    // A CR at the end of the previous chunk already ended its line: skip the LF of a CRLF.
    if (this.#sawCr && text.startsWith('\n')) text = text.slice(1)
    this.#sawCr = text.endsWith('\r')
    this.#buffer += text
    const lines = this.#buffer.split(/\r\n|\r|\n/)
    this.#buffer = lines.pop() ?? ''
    if (this.#buffer.length > this.#maxLine)
      throw new Error(`event stream line longer than ${this.#maxLine} characters`)
    for (const line of lines) {
      const m = this.#line(line)
      if (m !== undefined) out.push(m)
    }
    return out
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') {
      if (this.#data.length === 0) {
        this.#event = ''
        return undefined
      }
      const m: SseMessage = {
        event: this.#event === '' ? 'message' : this.#event,
        data: this.#data.join('\n'),
        ...(this.#id === undefined ? {} : { id: this.#id }),
      }
      this.#event = ''
      this.#data = []
      return m
    }
    if (line.startsWith(':')) return undefined
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.#event = value
    else if (field === 'data') this.#data.push(value)
    else if (field === 'id' && !value.includes('\0')) this.#id = value
    return undefined
  }
}
