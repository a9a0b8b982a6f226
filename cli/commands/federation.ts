/**
 * `sis init` and `sis federation create|sign|show`: founding a federation without a central
 * server. Each country initialises its node and shares its member card; one of them assembles
 * the founding membership; every founder signs the same file; each node gets the fully signed
 * file as membership.json.
 */
import type { Command } from 'commander'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CAREC_COUNTRY_CODES } from '../../protocol/codes/index.ts'
import { membershipHash, signMembership, SignedMembership } from '../../protocol/membership/index.ts'
import { readSigningKey } from '../../node/keys.ts'
import { DATA_FILES, NodeFile } from '../../node/config.ts'
import { initDataFolder } from '../node-files.ts'
import { draftNextVersion } from '../membership.ts'
import { registerFederationChainCommands } from './federation-chain.ts'
import type { MemberCard } from '../node-files.ts'
import { CliError, EXIT, output } from '../output.ts'
import { NewTokenPrincipal, TOKEN_ID, TokenStore } from '../../node/tokens.ts'
import type { IssuedToken, TokenInfo } from '../../node/tokens.ts'
import type { Principal } from '../../node/service.ts'
import { ApiClient, resolveConnection } from '../client.ts'
import { context, examples, withNode } from '../command-kit.ts'
import type { Ctx, NodeOpts } from '../command-kit.ts'
import { table } from '../table.ts'

const now = () => new Date().toISOString()

function readSigned(path: string): SignedMembership {
  const parsed = SignedMembership.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  if (!parsed.success)
    throw new CliError(`${path} is not a membership file: ${parsed.error.issues[0]?.message ?? ''}`, EXIT.INVALID)
  return parsed.data
}

export function registerFederationCommands(program: Command): void {
  program
    .command('init')
    .description(
      'create a node: its keys (signing key and libp2p identity, mode 0600), node.json and data folder; prints its member card',
    )
    .requiredOption('--country <code>', `the customs service (${CAREC_COUNTRY_CODES.join(', ')})`)
    .requiredOption('--data <dir>', 'the new data folder')
    .option('--listen <multiaddr...>', 'libp2p listen addresses (give a fixed port: peers dial it)', [
      '/ip4/127.0.0.1/tcp/4001',
    ])
    .option('--api-port <port>', 'HTTP API port on 127.0.0.1', '8080')
    .option('--card <file>', 'also write the member card here')
    .option('--json', 'print the member card as JSON only')
    .addHelpText(
      'after',
      '\nExample:\n  sis init --country KZ --data /var/lib/sis --listen /ip4/10.1.2.3/tcp/4001 --card kz-card.json',
    )
    .action(
      async (opts: {
        country: string
        data: string
        listen: string[]
        apiPort: string
        card?: string
        json?: boolean
      }) => {
        if (!(CAREC_COUNTRY_CODES as readonly string[]).includes(opts.country))
          throw new CliError(
            `--country ${JSON.stringify(opts.country)} is not a CAREC member`,
            EXIT.USAGE,
            `use one of ${CAREC_COUNTRY_CODES.join(', ')}`,
          )
        const card = await initDataFolder(opts.data, {
          country: opts.country,
          listen: opts.listen,
          apiPort: Number(opts.apiPort),
          now: now(),
        })
        if (opts.card !== undefined) writeFileSync(opts.card, JSON.stringify(card, null, 2) + '\n')
        output(opts.json === true).result(
          `initialised ${opts.country} node in ${opts.data}\npeer id   ${card.peerId}\nkey       ${card.keys[0]?.keyId} ${card.keys[0]?.publicKey}\nnext: share the member card${opts.card === undefined ? '' : ` (${opts.card})`}, sign the federation, then sis start --data ${opts.data}`,
          card,
        )
      },
    )

  const fed = program.command('federation').description('the signed federation membership')
  fed
    .command('create')
    .description('assemble a founding membership (version 1) from member cards; every founder must then sign it')
    .requiredOption('--card <file...>', 'member cards from sis init')
    .requiredOption('--out <file>', 'the membership file to write')
    .option('--name <name>', 'federation name', 'CAREC Single Information Space')
    .option('--valid-days <days>', 'validity period', '365')
    .option('--quorum <n>', 'signatures of current members needed for a change (default: a majority)')
    .action((opts: { card: string[]; out: string; name: string; validDays: string; quorum?: string }) => {
      const cards = opts.card.map((f) => JSON.parse(readFileSync(f, 'utf8')) as MemberCard)
      const from = now().replace(/\.\d+Z$/, 'Z')
      const until = new Date(Date.parse(from) + Number(opts.validDays) * 86_400_000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z')
      const validFrom = cards.flatMap((c) => c.keys.map((k) => k.validFrom)).sort()[0] ?? from
      const document = {
        federation: opts.name,
        version: 1,
        validFrom,
        validUntil: until,
        quorum: Number(opts.quorum ?? Math.floor(cards.length / 2) + 1),
        members: cards.map((c) => ({
          country: c.country,
          name: c.name,
          peerId: c.peerId,
          addresses: c.addresses,
          keys: c.keys,
        })),
      }
      const signed = SignedMembership.parse({ document, signatures: [] })
      writeFileSync(opts.out, JSON.stringify(signed, null, 2) + '\n')
      output(false).result(
        `wrote ${opts.out}: ${cards.length} members, quorum ${document.quorum}, valid until ${until}; hash ${membershipHash(signed.document)}`,
        {},
      )
    })

  fed
    .command('propose')
    .description(
      'draft the next membership version from the one in force: add or remove members, revoke or add keys; then the quorum signs it',
    )
    .requiredOption('--from <file>', 'the membership in force')
    .requiredOption('--out <file>', 'the draft to write (unsigned)')
    .option('--add-card <file...>', 'member cards of countries joining')
    .option('--remove <country...>', 'countries leaving')
    .option('--revoke <country/keyId...>', 'keys revoked from now on (entries they sign later are refused)')
    .option('--add-key <country/keyId/base64>', 'a new key for a member (key rotation)')
    .option(
      '--office <ref/country/roles...>',
      'assign an office and its roles, e.g. KZB00100/KZ/transit,exit,entry (replaces the code list entry)',
    )
    .option('--quorum <n>', 'a new quorum')
    .option('--valid-days <days>', 'a new validity period from now')
    .addHelpText(
      'after',
      '\nExample (revoke a stolen key):\n  sis federation propose --from membership.json --revoke KZ/kz-2026-1 --out next.json\n  sis federation sign next.json --data DIR   (by a quorum of current members)\n  curl -X POST -H "authorization: Bearer $ADMIN" -H content-type:application/json --data @next.json http://127.0.0.1:8080/v1/membership',
    )
    .action(
      (opts: {
        from: string
        out: string
        addCard?: string[]
        remove?: string[]
        revoke?: string[]
        addKey?: string
        office?: string[]
        quorum?: string
        validDays?: string
      }) => {
        const current = readSigned(opts.from).document
        const at = now().replace(/\.\d+Z$/, 'Z')
        let members = current.members.filter((m) => !(opts.remove ?? []).includes(m.country))
        members = members.map((m) => ({
          ...m,
          keys: m.keys.map((k) =>
            (opts.revoke ?? []).includes(`${m.country}/${k.keyId}`) ? { ...k, revokedAt: at } : k,
          ),
        }))
        if (opts.addKey !== undefined) {
          // base64 keys contain '/': only the first two separate fields.
          const [country, keyId, ...rest] = opts.addKey.split('/')
          const publicKey = rest.join('/')
          members = members.map((m) =>
            m.country === country && keyId !== undefined && publicKey !== ''
              ? { ...m, keys: [...m.keys, { keyId, publicKey, validFrom: at }] }
              : m,
          )
        }
        for (const f of opts.addCard ?? []) {
          const c = JSON.parse(readFileSync(f, 'utf8')) as MemberCard
          members.push({
            country: c.country as (typeof members)[number]['country'],
            name: c.name,
            peerId: c.peerId,
            addresses: c.addresses,
            keys: c.keys,
          })
        }
        const offices = new Map((current.offices ?? []).map((o) => [o.referenceNumber, o]))
        for (const o of opts.office ?? []) {
          const [referenceNumber, country, roles] = o.split('/')
          if (referenceNumber === undefined || country === undefined || roles === undefined)
            throw new CliError(`--office ${JSON.stringify(o)}: expected REF/COUNTRY/role,role`, EXIT.USAGE)
          offices.set(referenceNumber, { referenceNumber, country, roles: roles.split(',') as never })
        }
        const parsed = draftNextVersion(current, at, {
          ...(offices.size === 0 ? {} : { offices: [...offices.values()] }),
          members,
          ...(opts.quorum === undefined ? {} : { quorum: Number(opts.quorum) }),
          ...(opts.validDays === undefined
            ? {}
            : {
                validFrom: at,
                validUntil: new Date(Date.parse(at) + Number(opts.validDays) * 86_400_000)
                  .toISOString()
                  .replace(/\.\d+Z$/, 'Z'),
              }),
        })
        if (!parsed.success)
          throw new CliError(
            `the draft is not a valid membership: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`,
            EXIT.USAGE,
            'check the option that sets this field',
          )
        const draft = parsed.data
        writeFileSync(opts.out, JSON.stringify(draft, null, 2) + '\n')
        output(false).result(
          `wrote ${opts.out}: version ${draft.document.version}, ${members.length} members; needs ${current.quorum} signatures of current members`,
          {},
        )
      },
    )

  fed
    .command('sign')
    .description("sign a membership file with this node's signing key (in place)")
    .argument('<file>', 'the membership file')
    .requiredOption('--data <dir>', "this node's data folder")
    .action((file: string, opts: { data: string }) => {
      const node = NodeFile.parse(JSON.parse(readFileSync(join(opts.data, DATA_FILES.config), 'utf8')))
      const signed = signMembership(
        readSigned(file),
        node.country,
        node.keyId,
        readSigningKey(join(opts.data, DATA_FILES.signingKey)),
      )
      writeFileSync(file, JSON.stringify(signed, null, 2) + '\n')
      output(false).result(
        `${node.country} signed ${file} (${signed.signatures.length} signature${signed.signatures.length === 1 ? '' : 's'})`,
        {},
      )
    })

  registerFederationChainCommands(fed)
}

/**
 * The token store of a stopped node's data folder (`sis token` offline, and `sis start`): a
 * malformed tokens.json stops the command rather than reading as "no tokens".
 */
export function openTokenStore(dir: string): TokenStore {
  if (!existsSync(join(dir, DATA_FILES.config)))
    throw new CliError(
      `${dir} holds no node (${DATA_FILES.config} is missing)`,
      EXIT.IO,
      'run sis init first, or pass the data folder of the node',
    )
  try {
    return TokenStore.open(dir)
  } catch (e) {
    throw new CliError(
      `cannot read the API tokens of ${dir}: ${e instanceof Error ? e.message : String(e)}`,
      EXIT.INVALID,
      `restore ${DATA_FILES.tokens} from a backup, or move it aside and create the tokens again`,
    )
  }
}

type TokenOpts = NodeOpts

/**
 * Where `sis token` acts: on the running node through its admin API (--api, or the node whose
 * store is locked by a running process), or on the files of a stopped node's data folder.
 */
async function tokenTarget(
  opts: TokenOpts,
  ctx: Ctx,
): Promise<{ readonly api: ApiClient } | { readonly store: TokenStore }> {
  if (opts.api === undefined) {
    if (opts.data === undefined)
      throw new CliError('which node? neither --api nor --data was given', EXIT.USAGE, ctx.t('hint.noApi'))
    const { inspectStoreFolder } = await import('../../node/storage/level-store.ts')
    if ((await inspectStoreFolder(join(opts.data, DATA_FILES.store))) !== 'locked')
      return { store: openTokenStore(opts.data) }
  }
  const connection = resolveConnection(opts, ctx.t)
  if (connection.token === undefined) {
    throw new CliError(
      'the node is running: its tokens are managed through its API, with an admin token',
      EXIT.AUTH,
      'pass --token TOKEN or set SIS_TOKEN (an admin token); or stop the node and run this again to change its files',
    )
  }
  return { api: new ApiClient(connection, ctx.t) }
}

function scopeOf(p: Principal): string {
  return p.role === 'officer' ? `office ${p.office}` : p.role === 'trader' ? `trader ${p.traderId}` : ''
}

/** `sis token create|list|revoke`: API tokens, on the running node at once, or offline in the data folder. */
export function registerTokenCommand(program: Command): void {
  const group = program
    .command('token')
    .description(
      "API tokens for local users: created, listed and revoked on the running node (admin API), or offline in a stopped node's data folder",
    )
  withNode(
    group
      .command('create')
      .description(
        'create an API token (printed once; the node keeps only its SHA-256). In force at once on a running node',
      )
      .requiredOption('--role <role>', 'admin, integration, officer or trader')
      .requiredOption('--name <name>', 'who holds it')
      .option('--office <ref>', 'the office of an officer')
      .option('--trader <id>', 'the identification number of a trader'),
  )
    .addHelpText(
      'after',
      examples(
        'sis token create --data /var/lib/sis/kz --role officer --name a.nurlanov --office KZB00100   # stopped node: offline',
        'SIS_TOKEN=$ADMIN sis token create --data /var/lib/sis/kz --role trader --name t1 --trader KZ123   # running node: at once',
      ),
    )
    .action(async (opts: TokenOpts & { role: string; name: string; office?: string; trader?: string }) => {
      const ctx = context(opts)
      const asked =
        opts.role === 'officer'
          ? { role: 'officer', name: opts.name, office: opts.office }
          : opts.role === 'trader'
            ? { role: 'trader', name: opts.name, traderId: opts.trader }
            : { role: opts.role, name: opts.name }
      const principal = NewTokenPrincipal.safeParse(asked)
      if (!principal.success)
        throw new CliError(
          `token: ${principal.error.issues[0]?.path.join('.') ?? ''} ${principal.error.issues[0]?.message ?? ''}`,
          EXIT.USAGE,
          'roles: admin, integration, officer, trader; officers need --office REF, traders --trader ID',
        )
      const target = await tokenTarget(opts, ctx)
      const issued =
        'api' in target
          ? await target.api.postJson<IssuedToken>('/v1/admin/tokens', principal.data)
          : target.store.create(principal.data)
      const when = 'api' in target ? 'in force now' : 'in force when the node starts'
      ctx.out.result(
        `token for ${issued.principal.name} (${issued.principal.role}): ${issued.token}\nid ${issued.id}, ${when}\nstore it now: it is not kept`,
        { ...issued, live: 'api' in target },
      )
    })
  withNode(
    group
      .command('list')
      .description('the API tokens: id, role, name, office or trader, created (never a secret or its hash)'),
  )
    .addHelpText('after', examples('sis token list --data /var/lib/sis/kz --token $ADMIN'))
    .action(async (opts: TokenOpts) => {
      const ctx = context(opts)
      const target = await tokenTarget(opts, ctx)
      const tokens =
        'api' in target
          ? (await target.api.get<{ tokens: TokenInfo[] }>('/v1/admin/tokens')).tokens
          : target.store.list()
      ctx.out.result(
        tokens.length === 0
          ? 'no tokens'
          : table(
              ['id', 'role', 'name', 'scope', 'created'],
              tokens.map((k) => [k.id, k.principal.role, k.principal.name, scopeOf(k.principal), k.created]),
            ),
        { tokens },
      )
    })
  withNode(
    group
      .command('revoke')
      .description('revoke an API token by its id (sis token list): refused from the next request on')
      .argument('<id>', "the token's id"),
  )
    .addHelpText('after', examples('sis token revoke 3f9a0c1d2e4b5a69 --data /var/lib/sis/kz --token $ADMIN'))
    .action(async (id: string, opts: TokenOpts) => {
      const ctx = context(opts)
      if (!TOKEN_ID.test(id))
        throw new CliError(
          `${JSON.stringify(id)} is not a token id`,
          EXIT.USAGE,
          'ids are 16 hex digits: see sis token list',
        )
      const target = await tokenTarget(opts, ctx)
      const revoked =
        'api' in target
          ? ((await (await target.api.request('DELETE', `/v1/admin/tokens/${id}`)).json()) as TokenInfo)
          : target.store.revoke(id)
      if (revoked === undefined)
        throw new CliError(`no token ${id}`, EXIT.INVALID, 'see sis token list', { code: 'API_NOT_FOUND' })
      ctx.out.result(
        `revoked token ${revoked.id} of ${revoked.principal.name} (${revoked.principal.role})${'api' in target ? '' : '; the node refuses it when it starts'}`,
        { ...revoked, live: 'api' in target },
      )
    })
}
