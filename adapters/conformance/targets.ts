/**
 * Conformance targets for the adapters we ship: how a record reaches each one for real (a file
 * in the inbox, a call of the ingest path) and where its output lands (the outbox folder, a
 * webhook receiver on loopback that checks every signature).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFileSync as readSample } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { DeliveredItem, FieldError, NodeClient } from '../contract.ts'
import { FileDropAdapter } from '../file-drop/file-drop.ts'
import { writeFileAtomic } from '../../shared/files.ts'
import { toCC015C } from '../ncts/index.ts'
import type { OutputFormat } from '../render.ts'
import { verifyWebhook } from '../webhook/signature.ts'
import { WebhookAdapter } from '../webhook/webhook.ts'
import type { AdapterFactory, ConformanceTarget } from './conformance.ts'

const FAST_RETRY = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 }
const enc = new TextEncoder()
const CUSDEC_SAMPLE = fileURLToPath(new URL('../edifact/samples/cusdec-declaration.edi', import.meta.url))

/** File drop in a fresh temporary folder; `input` picks the national format of declarations. */
export function fileDropTarget(opts: {
  format: OutputFormat
  input?: 'json' | 'cc015c' | 'cusdec'
  root?: string
}): AdapterFactory {
  return async (client: NodeClient): Promise<ConformanceTarget> => {
    const root = opts.root ?? mkdtempSync(join(tmpdir(), 'sis-conformance-'))
    const adapter = new FileDropAdapter({ client, root, format: opts.format, pollMs: 60_000, retry: FAST_RETRY })
    let n = 0
    return {
      adapter,
      async submit(record) {
        const name = `${String(++n).padStart(4, '0')}-${record.name}`
        writeFileAtomic(join(adapter.dirs.inbox, name), record.bytes)
        await adapter.scan()
        if (existsSync(join(adapter.dirs.processed, name))) return { accepted: true }
        const err = join(adapter.dirs.failed, `${name}.error.json`)
        if (existsSync(err))
          return { accepted: false, errors: (JSON.parse(readFileSync(err, 'utf8')) as { errors: FieldError[] }).errors }
        return {
          accepted: false,
          errors: [{ path: name, code: 'STILL_IN_INBOX', message: 'neither processed nor failed' }],
        }
      },
      async delivered(): Promise<DeliveredItem[]> {
        return readdirSync(adapter.dirs.outbox)
          .filter((f) => !f.startsWith('.'))
          .sort()
          .map((name) => ({
            documentId: name.slice(0, 18),
            kind:
              name
                .replace(/\.(xml|edi)$/, '')
                .split('-')
                .pop() ?? '',
            name,
            bytes: new Uint8Array(readFileSync(join(adapter.dirs.outbox, name))),
          }))
      },
      async settle() {
        await new Promise((r) => setTimeout(r, 0))
        await adapter.idle()
      },
      ...(opts.input === 'cc015c'
        ? {
            encodeDeclaration: (d, lrn) => {
              const r = toCC015C(d, {
                sender: 'NTA',
                recipient: 'SIS',
                messageId: lrn.slice(-20),
                preparedAt: d.TransitOperation.declarationDateAndTime,
              })
              if (!r.ok) throw new Error(JSON.stringify(r.errors))
              return { name: `${lrn}.xml`, bytes: enc.encode(r.value) }
            },
          }
        : {}),
      ...(opts.input === 'cusdec'
        ? {
            // The sample interchange with the conformance LRN; its other data is the example transit's.
            encodeDeclaration: (_d, lrn) => ({
              name: `${lrn}.edi`,
              bytes: enc.encode(readSample(CUSDEC_SAMPLE, 'utf8').replaceAll('XJ-2026-000042', lrn)),
            }),
          }
        : {}),
      async cleanup() {
        if (opts.root === undefined) rmSync(root, { recursive: true, force: true })
      },
    }
  }
}

/** The webhook adapter posting to a receiver on loopback that verifies each signature. */
export function webhookTarget(opts: { format: OutputFormat; secret?: string }): AdapterFactory {
  return async (client: NodeClient): Promise<ConformanceTarget> => {
    const secret = opts.secret ?? 'conformance-secret'
    const received: DeliveredItem[] = []
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = new Uint8Array(Buffer.concat(chunks))
        const v = verifyWebhook({
          secret,
          timestamp: req.headers['x-sis-timestamp'] as string | undefined,
          signature: req.headers['x-sis-signature'] as string | undefined,
          body,
          nowS: Math.floor(Date.now() / 1000),
        })
        if (!v.ok) {
          res.writeHead(401).end()
          return
        }
        received.push({
          documentId: String(req.headers['x-sis-document'] ?? ''),
          kind: String(req.headers['x-sis-kind'] ?? ''),
          name: String(req.headers['x-sis-delivery'] ?? ''),
          bytes: body,
        })
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const stateDir = mkdtempSync(join(tmpdir(), 'sis-webhook-'))
    const adapter = new WebhookAdapter({
      client,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sis-events`,
      secret,
      stateDir,
      format: opts.format,
      retry: FAST_RETRY,
    })
    return {
      adapter,
      async submit(record) {
        const r = await adapter.ingest(record)
        return r.ok ? { accepted: true } : { accepted: false, errors: r.errors }
      },
      async delivered() {
        return [...received]
      },
      async settle() {
        await new Promise((r) => setTimeout(r, 0))
        await adapter.idle()
      },
      async cleanup() {
        await new Promise<void>((r) => server.close(() => r()))
        rmSync(stateDir, { recursive: true, force: true })
      },
    }
  }
}
