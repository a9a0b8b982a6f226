/**
 * The operator's commands for a running node: `sis status`, `sis peers`, `sis outbox list|retry`,
 * `sis backup` (through the API, while the node runs) and `sis restore` (offline), and the key
 * rotation `sis key rotate|activate`.
 */
import type { Command } from 'commander'
import { createReadStream, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { publicKeyToBase64 } from '../../protocol/crypto/index.ts'
import { SignedMembership } from '../../protocol/membership/index.ts'
import { DATA_FILES } from '../../node/config.ts'
import { generateSigningKey, readSigningKey, writeSigningKey } from '../../node/keys.ts'
import type { NodeStatus, OutboxView } from '../../node/service.ts'
import {
  BackupCountryError,
  BackupError,
  checkBackupCountry,
  decodeBackup,
  verifyBackup,
} from '../../node/storage/backup.ts'
import { inspectStoreFolder, writeStoreFolder } from '../../node/storage/level-store.ts'
import { ApiClient, resolveConnection } from '../client.ts'
import { context, examples, nodeContext, withCommon, withNode } from '../command-kit.ts'
import type { Ctx, NodeOpts } from '../command-kit.ts'
import type { Translate } from '../i18n.ts'
import { draftNextVersion } from '../membership.ts'
import { CliError, EXIT } from '../output.ts'
import { formatBytes, progress } from '../progress.ts'
import { fields, table } from '../table.ts'
import { readNodeFile } from '../node-files.ts'
import { fsyncDirectory, moveIntoPlace, temporaryPathFor, writeFileAtomic } from '../../shared/files.ts'

function duration(t: Translate, seconds: number): string {
  const s = Math.floor(seconds)
  const d = Math.floor(s / 86_400)
  const hms = {
    h: Math.floor((s % 86_400) / 3600),
    m: String(Math.floor((s % 3600) / 60)).padStart(2, '0'),
    s: String(s % 60).padStart(2, '0'),
  }
  return d > 0 ? t('value.durationDays', { d, ...hms }) : t('value.duration', hms)
}

function peersTable(ctx: Ctx, status: NodeStatus): string {
  if (status.peers.length === 0) return ctx.t('result.noPeers')
  const { t, paint } = ctx
  return table(
    [t('col.country'), t('col.connected'), t('col.outbox'), t('col.lag')],
    status.peers.map((p) => [
      p.country,
      p.connected ? paint.ok(t('value.yes')) : paint.bad(t('value.no')),
      p.outboxDepth === 0 ? '0' : paint.warn(String(p.outboxDepth)),
      p.replicationLagSeconds === 0 ? '0' : paint.warn(p.replicationLagSeconds.toFixed(1)),
    ]),
    ['left', 'left', 'right', 'right'],
  )
}

function humanStatus(ctx: Ctx, s: NodeStatus): string {
  const { t, paint } = ctx
  const m = s.membership
  const connected = s.peers.filter((p) => p.connected).length
  return `${fields([
    [t('label.node'), `${paint.bold(s.country)}  sis ${s.softwareVersion}`],
    [t('label.key'), s.keyId],
    [
      t('label.membership'),
      `${t('value.membership', { version: m.version, members: t('count.members', { count: m.members }), quorum: m.quorum, from: m.validFrom, until: m.validUntil })}: ${m.valid ? paint.ok(t('value.inForce')) : paint.bad(t('value.notValid'))}`,
    ],
    [t('label.uptime'), duration(t, s.uptimeSeconds)],
    [t('label.outbox'), s.outboxTotal === 0 ? '0' : paint.warn(t('value.waiting', { count: s.outboxTotal }))],
    [
      t('label.peers'),
      connected === s.peers.length
        ? t('value.connectedOf', { connected, total: s.peers.length })
        : paint.warn(t('value.connectedOf', { connected, total: s.peers.length })),
    ],
  ])}\n\n${peersTable(ctx, s)}`
}

/** The `key` group exists already (`sis key generate`): rotation joins it. */
function keyGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'key') ?? program.command('key').description('signing keys')
}

const NEXT_KEY = 'signing.next.pem'
const NEXT_KEY_INFO = 'signing.next.json'

interface PendingKey {
  keyId: string
  publicKey: string
}

function readSignedMembership(path: string): SignedMembership {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new CliError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))}`,
      EXIT.IO,
      'give the signed membership file in force',
    )
  }
  const parsed = SignedMembership.safeParse(raw)
  if (!parsed.success)
    throw new CliError(
      `${path} is not a membership file: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`,
      EXIT.INVALID,
      'see docs/protocol/membership.md',
    )
  return parsed.data
}

/** `kz-2026-1` → `kz-2026-2` (the first number not yet used by the country). */
export function nextKeyId(current: string, taken: ReadonlySet<string>): string {
  const m = /^(.*?)(\d+)$/.exec(current)
  const stem = m === null ? `${current}-` : (m[1] ?? '')
  let n = m === null ? 1 : Number(m[2])
  let id: string
  do {
    n++
    id = `${stem}${n}`
  } while (taken.has(id))
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id))
    throw new CliError(`cannot derive a key id from ${current}`, EXIT.USAGE, 'pass --key-id ID')
  return id
}

const nowSeconds = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

export function registerNodeOpsCommands(program: Command): void {
  withNode(
    program
      .command('status')
      .description(
        'the running node at a glance: version, signing key, membership in force, uptime, outbox, and every other member',
      ),
  )
    .addHelpText(
      'after',
      examples(
        'sis status --data /var/lib/sis/kz --token $ADMIN_TOKEN',
        'SIS_TOKEN=... sis status --api http://127.0.0.1:8080 --json | jq .peers',
        'sis status --data /var/lib/sis/kz --lang ru',
      ),
    )
    .action(async (opts: NodeOpts) => {
      const ctx = nodeContext(opts)
      const s = await ctx.client.get<NodeStatus>('/v1/status')
      ctx.out.result(humanStatus(ctx, s), s)
    })

  withNode(
    program.command('peers').description('every other member: connected now, entries waiting for it, replication lag'),
  )
    .addHelpText('after', examples('sis peers --data /var/lib/sis/kz', 'sis peers --data /var/lib/sis/kz --json'))
    .action(async (opts: NodeOpts) => {
      const ctx = nodeContext(opts)
      const s = await ctx.client.get<NodeStatus>('/v1/status')
      ctx.out.result(peersTable(ctx, s), s.peers)
    })

  const outbox = program.command('outbox').description('entries waiting for delivery to other members')
  withNode(
    outbox
      .command('list')
      .description(
        'the entries waiting, earliest next attempt first: document, entry, when enqueued, attempts, next try',
      )
      .option('--peer <country>', 'only those for this member')
      .option('--limit <n>', 'at most this many (1 to 10000)', '100'),
  )
    .addHelpText(
      'after',
      examples('sis outbox list --data /var/lib/sis/kz', 'sis outbox list --data /var/lib/sis/kz --peer UZ --json'),
    )
    .action(async (opts: NodeOpts & { peer?: string; limit: string }) => {
      const ctx = nodeContext(opts)
      const q = new URLSearchParams({ limit: opts.limit, ...(opts.peer === undefined ? {} : { peer: opts.peer }) })
      const view = await ctx.client.get<OutboxView>(`/v1/outbox?${q}`)
      const { t } = ctx
      const human =
        view.total === 0
          ? ctx.paint.ok(t('result.outboxEmpty'))
          : `${table(
              [
                t('col.peer'),
                t('col.document'),
                t('col.entry'),
                t('col.enqueued'),
                t('col.attempts'),
                t('col.nextTry'),
              ],
              view.items.map((o) => [
                o.peer,
                o.documentId,
                o.entryId.slice(0, 16),
                o.enqueuedAt,
                String(o.attempts),
                o.nextAttemptAt,
              ]),
              ['left', 'left', 'left', 'left', 'right', 'left'],
            )}\n${t('result.outboxShown', { shown: view.items.length, total: view.total })}`
      ctx.out.result(human, view)
    })

  withNode(
    outbox
      .command('retry')
      .description('make every waiting entry (of one member, or all) due now and start delivering at once (admin)')
      .option('--peer <country>', 'only those for this member'),
  )
    .addHelpText(
      'after',
      examples('sis outbox retry --data /var/lib/sis/kz --peer UZ', 'sis outbox retry --data /var/lib/sis/kz --json'),
    )
    .action(async (opts: NodeOpts & { peer?: string }) => {
      const ctx = nodeContext(opts)
      const r = await ctx.client.postJson<{ rescheduled: number }>(
        '/v1/outbox/retry',
        opts.peer === undefined ? {} : { peer: opts.peer },
      )
      ctx.out.result(ctx.t('result.retried', { count: r.rescheduled }), r)
    })

  withNode(
    program
      .command('backup')
      .description(
        'a consistent backup of the whole store of the running node, through its API (admin); verified before it is kept',
      )
      .requiredOption('--out <file>', 'the backup file to write'),
  )
    .addHelpText(
      'after',
      examples(
        'sis backup --data /var/lib/sis/kz --out kz-$(date +%F).sisbak',
        'sis restore kz-2026-11-23.sisbak --data /var/lib/sis/kz-restored',
      ),
    )
    .action(async (opts: NodeOpts & { out: string }) => {
      const ctx = nodeContext(opts)
      const res = await ctx.client.request('GET', '/v1/backup', undefined, { stream: true })
      const target = resolve(opts.out)
      const tmp = temporaryPathFor(target)
      const bar = progress(
        ctx.t('progress.backup'),
        'bytes',
        ctx.json ? { isTTY: false, write: () => true } : process.stderr,
      )
      let bytes = 0
      try {
        mkdirSync(dirname(target), { recursive: true })
        const file = await open(tmp, 'wx', 0o600)
        try {
          for await (const chunk of res.body ?? []) {
            await file.write(chunk)
            bytes += chunk.length
            bar.update(bytes)
          }
          await file.sync()
        } finally {
          await file.close()
        }
        bar.end()
        // A backup that cannot be restored is worse than none: read it back before keeping it.
        const { header, trailer } = await verifyBackup(createReadStream(tmp))
        moveIntoPlace(tmp, target)
        ctx.out.result(
          ctx.t('result.backup', {
            file: opts.out,
            records: ctx.t('count.records', { count: trailer.records }),
            size: formatBytes(bytes),
            sha: trailer.sha256,
          }),
          {
            ok: true,
            file: opts.out,
            bytes,
            records: trailer.records,
            sha256: trailer.sha256,
            country: header.country,
            createdAt: header.createdAt,
          },
        )
      } catch (e) {
        bar.end()
        rmSync(tmp, { force: true })
        if (e instanceof BackupError)
          throw new CliError(
            `the backup received is not whole: ${e.message}`,
            EXIT.UNAVAILABLE,
            ctx.t('hint.serverError'),
          )
        throw e
      }
    })

  withCommon(
    program
      .command('restore')
      .description(
        'restore a backup into a data folder, offline: checks the file first, writes a new store beside, then renames it into place',
      )
      .argument('<file>', 'a backup from sis backup')
      .requiredOption('--data <dir>', 'the data folder to restore into (its store/ is created)')
      .option('--force', "replace a store that holds data (never: take another country's backup)"),
  )
    .addHelpText(
      'after',
      examples(
        'cp /var/lib/sis/kz/{node.json,tokens.json,signing.pem,p2p.key,membership.json} /var/lib/sis/kz-new/',
        'sis restore kz.sisbak --data /var/lib/sis/kz-new && sis start --data /var/lib/sis/kz-new',
      ) +
        '\n\nThe backup holds the store only: keys, node.json and membership.json are backed up as files (see docs/operator-guide.md).' +
        "\nIt restores only into the node of its country (node.json in --data): another member's store holds documents this country is not on.",
    )
    .action(async (file: string, opts: { data: string; force?: boolean; json?: boolean; lang?: string }) => {
      const ctx = context(opts)
      const { t } = ctx
      const dir = resolve(opts.data)
      const storeDir = join(dir, DATA_FILES.store)
      const state = await inspectStoreFolder(storeDir)
      if (state === 'locked')
        throw new CliError(`${storeDir} is in use by a running node`, EXIT.USAGE, t('hint.locked'), {
          code: 'STORE_LOCKED',
        })
      if (state === 'holds-data' && opts.force !== true)
        throw new CliError(`${storeDir} already holds data`, EXIT.USAGE, t('hint.notEmpty'), {
          code: 'STORE_NOT_EMPTY',
        })
      try {
        if (!statSync(file).isFile()) throw new Error('not a file')
      } catch {
        throw new CliError(`cannot read ${file}`, EXIT.IO, t('hint.badBackup'))
      }
      const quiet = { isTTY: false, write: () => true }
      // First read: the whole file must verify before anything is written.
      const checking = progress(t('progress.verify'), 'records', ctx.json ? quiet : process.stderr)
      let verified
      try {
        verified = await verifyBackup(createReadStream(file), (n) => checking.update(n))
      } catch (e) {
        if (e instanceof BackupError)
          throw new CliError(`${file}: ${e.message}`, EXIT.INVALID, t('hint.badBackup'), { code: 'BACKUP_INVALID' })
        throw e
      } finally {
        checking.end()
      }
      // Only into the node of the country that made it, --force or not (checkBackupCountry): the
      // folder's node.json says which node it is, so it must be there first.
      if (!existsSync(join(dir, DATA_FILES.config)))
        throw new CliError(
          `${dir} has no ${DATA_FILES.config}: restore checks that the backup is of this node's country`,
          EXIT.USAGE,
          t('hint.restoreNodeFirst'),
          { code: 'BACKUP_NO_NODE' },
        )
      try {
        checkBackupCountry(verified.header, readNodeFile(dir).country)
      } catch (e) {
        if (!(e instanceof BackupCountryError)) throw e
        throw new CliError(`${file}: ${e.message}`, EXIT.USAGE, t('hint.otherCountry'), {
          code: 'BACKUP_OTHER_COUNTRY',
          details: { backup: e.backupCountry, node: e.nodeCountry },
        })
      }
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      // Second read into a new folder, renamed into place only when whole: a failure leaves
      // nothing half-written behind.
      const fresh = join(dir, `.store.restore-${randomBytes(4).toString('hex')}`)
      const writing = progress(t('progress.restore'), 'records', ctx.json ? quiet : process.stderr)
      let records = 0
      try {
        const batches = decodeBackup(createReadStream(file), () => undefined)
        records = await writeStoreFolder(
          fresh,
          (async function* () {
            for await (const b of batches) {
              yield b
              records += b.length
              writing.update(records)
            }
          })(),
        )
        writing.end()
        if (existsSync(storeDir)) {
          const old = join(dir, `.store.replaced-${randomBytes(4).toString('hex')}`)
          renameSync(storeDir, old)
          renameSync(fresh, storeDir)
          fsyncDirectory(dir)
          rmSync(old, { recursive: true, force: true })
        } else {
          renameSync(fresh, storeDir)
          fsyncDirectory(dir)
        }
      } catch (e) {
        writing.end()
        rmSync(fresh, { recursive: true, force: true })
        if (e instanceof BackupError)
          throw new CliError(`${file} changed while it was restored: ${e.message}`, EXIT.INVALID, t('hint.badBackup'), {
            code: 'BACKUP_INVALID',
          })
        throw e
      }
      const h = verified.header
      ctx.out.result(
        t('result.restored', {
          records: t('count.records', { count: records }),
          country: h.country,
          createdAt: h.createdAt,
          dir: storeDir,
          data: opts.data,
        }),
        {
          ok: true,
          records,
          country: h.country,
          createdAt: h.createdAt,
          sha256: verified.trailer.sha256,
          store: storeDir,
        },
      )
    })

  const key = keyGroup(program)
  withCommon(
    key
      .command('rotate')
      .description(
        "generate this node's next signing key beside the current one (0600) and write the membership change that pins it",
      )
      .requiredOption('--data <dir>', "the node's data folder")
      .requiredOption('--membership <file>', 'the signed membership in force')
      .requiredOption('--out <file>', 'the membership proposal to write (then signed by the quorum)')
      .option('--key-id <id>', 'the new key id (default: the current one with its number increased)'),
  )
    .addHelpText(
      'after',
      examples(
        'sis key rotate --data /var/lib/sis/kz --membership current.json --out next.json',
        'sis federation sign next.json --data DIR          (a quorum of members)',
        'curl -X POST -H "authorization: Bearer $ADMIN" -H content-type:application/json --data @next.json http://127.0.0.1:8080/v1/membership',
        'sis key activate --data /var/lib/sis/kz --token $ADMIN_TOKEN',
      ),
    )
    .action(
      (opts: { data: string; membership: string; out: string; keyId?: string; json?: boolean; lang?: string }) => {
        const ctx = context(opts)
        const node = readNodeFile(opts.data)
        const nextPem = join(opts.data, NEXT_KEY)
        const nextInfo = join(opts.data, NEXT_KEY_INFO)
        if (existsSync(nextPem) || existsSync(nextInfo))
          throw new CliError(
            `a next key is already waiting in ${opts.data}`,
            EXIT.USAGE,
            ctx.t('hint.keyPending', { file: nextPem, json: nextInfo }),
            { code: 'KEY_PENDING' },
          )
        const current = readSignedMembership(opts.membership).document
        const member = current.members.find((m) => m.country === node.country)
        if (member === undefined)
          throw new CliError(
            `${node.country} is not a member in ${opts.membership}`,
            EXIT.INVALID,
            'give the membership in force',
          )
        const taken = new Set(member.keys.map((k) => k.keyId))
        const keyId = opts.keyId ?? nextKeyId(node.keyId, taken)
        if (taken.has(keyId))
          throw new CliError(
            `${node.country}/${keyId} is already in the membership`,
            EXIT.USAGE,
            'choose another --key-id',
          )
        const signing = generateSigningKey()
        const publicKey = publicKeyToBase64(signing.publicKey)
        // The draft as sis federation propose --add-key makes it: the next version, chained to this one.
        const at = nowSeconds()
        const draft = draftNextVersion(current, at, {
          members: current.members.map((m) =>
            m.country === node.country ? { ...m, keys: [...m.keys, { keyId, publicKey, validFrom: at }] } : m,
          ),
        })
        if (!draft.success)
          throw new CliError(
            `the proposal is not a valid membership: ${draft.error.issues[0]?.path.join('.') ?? ''} ${draft.error.issues[0]?.message ?? ''}`,
            EXIT.INVALID,
          )
        writeSigningKey(nextPem, signing)
        try {
          writeFileAtomic(nextInfo, JSON.stringify({ keyId, publicKey } satisfies PendingKey, null, 2) + '\n')
          writeFileAtomic(opts.out, JSON.stringify(draft.data, null, 2) + '\n')
        } catch (e) {
          rmSync(nextPem, { force: true })
          rmSync(nextInfo, { force: true })
          throw e
        }
        ctx.out.result(
          ctx.t('result.rotated', {
            keyId,
            file: nextPem,
            out: opts.out,
            version: current.version + 1,
            country: node.country,
            data: opts.data,
          }),
          { ok: true, keyId, publicKey, keyFile: nextPem, proposal: opts.out, version: current.version + 1 },
        )
      },
    )

  withNode(
    key
      .command('activate')
      .description(
        'switch the node to the next key once the membership in force pins it (checked through the API, or in --membership FILE); then restart the node',
      )
      .option('--membership <file>', 'check this signed membership file instead of asking the running node'),
  )
    .addHelpText(
      'after',
      examples(
        'sis key activate --data /var/lib/sis/kz --token $ADMIN_TOKEN',
        'sis key activate --data /var/lib/sis/kz --membership v2.json',
      ),
    )
    .action(async (opts: NodeOpts & { membership?: string }) => {
      const ctx = context(opts)
      const { t } = ctx
      if (opts.data === undefined)
        throw new CliError('--data is required', EXIT.USAGE, 'the data folder of the node whose key rotates')
      const dir = opts.data
      const node = readNodeFile(dir)
      const infoPath = join(dir, NEXT_KEY_INFO)
      const nextPem = join(dir, NEXT_KEY)
      const current = join(dir, DATA_FILES.signingKey)
      let pending: PendingKey
      try {
        pending = JSON.parse(readFileSync(infoPath, 'utf8')) as PendingKey
      } catch {
        throw new CliError(`no next key in ${dir}`, EXIT.USAGE, t('hint.noPending'), { code: 'KEY_NOT_PENDING' })
      }
      // Is it pinned? The membership in force decides (the node's own view, or the file given).
      let pinned: boolean
      if (opts.membership !== undefined) {
        const doc = readSignedMembership(opts.membership).document
        const now = nowSeconds()
        const k = doc.members.find((m) => m.country === node.country)?.keys.find((x) => x.keyId === pending.keyId)
        pinned =
          k !== undefined &&
          k.publicKey === pending.publicKey &&
          k.revokedAt === undefined &&
          k.validFrom <= now &&
          doc.validFrom <= now &&
          now <= doc.validUntil
      } else {
        const client = new ApiClient(resolveConnection(opts, t), t)
        const s = await client.get<NodeStatus>('/v1/status')
        pinned =
          s.membership.valid &&
          s.keys.some(
            (k) => k.keyId === pending.keyId && k.publicKey === pending.publicKey && k.revokedAt === undefined,
          )
      }
      if (!pinned)
        throw new CliError(
          `${node.country}/${pending.keyId} is not pinned by the membership in force`,
          EXIT.INVALID,
          t('hint.keyNotPinned', { keyId: pending.keyId }),
          { code: 'KEY_NOT_PINNED' },
        )
      const oldKeyId = node.keyId
      const keep = join(dir, `signing.${oldKeyId}.pem`)
      if (existsSync(nextPem)) {
        if (publicKeyToBase64(readSigningKey(nextPem).publicKey) !== pending.publicKey)
          throw new CliError(
            `${nextPem} does not hold the key of ${NEXT_KEY_INFO}`,
            EXIT.INVALID,
            t('hint.keyPending', { file: nextPem, json: infoPath }),
          )
        // Keep the old key under its id (a hard link, so there is no moment without signing.pem),
        // then move the new one into place in one rename.
        if (!existsSync(keep)) linkSync(current, keep)
        moveIntoPlace(nextPem, current)
      } else if (publicKeyToBase64(readSigningKey(current).publicKey) !== pending.publicKey) {
        throw new CliError(`${nextPem} is missing`, EXIT.IO, t('hint.keyPending', { file: nextPem, json: infoPath }))
      }
      // node.json last: until it names the new id, a re-run finishes the switch (see above).
      if (node.keyId !== pending.keyId)
        writeFileAtomic(join(dir, DATA_FILES.config), JSON.stringify({ ...node, keyId: pending.keyId }, null, 2) + '\n')
      rmSync(infoPath, { force: true })
      ctx.out.result(
        t('result.activated', { keyId: pending.keyId, old: keep, data: dir, country: node.country, oldKeyId }),
        { ok: true, keyId: pending.keyId, previousKeyId: oldKeyId, previousKeyFile: keep, restartNeeded: true },
      )
    })
}
