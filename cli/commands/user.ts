/**
 * `sis user add|list|disable|enable|passwd`: people's accounts for the node's pages, in the data
 * folder's users.json (node/users.ts). The node reads the file again when it changes, so these
 * work on a running node as on a stopped one. A password comes from standard input
 * (--password-stdin), or is made here and printed once.
 */
import { randomBytes } from 'node:crypto'
import type { Command } from 'commander'
import { UserError, UserStore } from '../../node/users.ts'
import type { NewUser, UserInfo } from '../../node/users.ts'
import { context, examples, withCommon } from '../command-kit.ts'
import { CliError, EXIT } from '../output.ts'
import { table } from '../table.ts'

interface UserOpts {
  readonly data?: string
  readonly json?: boolean
  readonly lang?: string
  readonly passwordStdin?: boolean
}

const ROLES = ['admin', 'officer', 'trader'] as const

function dataDir(opts: UserOpts): string {
  const dir = opts.data ?? process.env.SIS_DATA
  if (dir === undefined || dir === '')
    throw new CliError('which data folder? neither --data nor SIS_DATA was given', EXIT.USAGE)
  return dir
}

function store(opts: UserOpts): UserStore {
  try {
    return UserStore.open(dataDir(opts))
  } catch (e) {
    throw asCliError(e)
  }
}

function asCliError(e: unknown): unknown {
  if (!(e instanceof UserError)) return e
  const exit = e.code === 'USERS_FILE_INVALID' ? EXIT.IO : EXIT.INVALID
  return new CliError(e.message, exit, undefined, { code: e.code, details: { problems: e.problems } })
}

async function password(opts: UserOpts): Promise<{ value: string; made: boolean }> {
  if (opts.passwordStdin !== true) return { value: randomBytes(18).toString('base64url'), made: true }
  const parts: Buffer[] = []
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    parts.push(chunk)
    if (parts.reduce((n, p) => n + p.length, 0) > 4096)
      throw new CliError('standard input is over 4096 bytes', EXIT.INVALID)
  }
  return {
    value: Buffer.concat(parts)
      .toString('utf8')
      .replace(/\r?\n$/, ''),
    made: false,
  }
}

const scope = (u: UserInfo) =>
  u.principal.role === 'officer'
    ? `office ${u.principal.office}`
    : u.principal.role === 'trader'
      ? `trader ${u.principal.traderId}`
      : ''

const withData = (cmd: Command) => withCommon(cmd.option('--data <dir>', "the node's data folder (default: SIS_DATA)"))

export function registerUserCommand(program: Command): void {
  const group = program
    .command('user')
    .description("people's accounts for the node's pages: officers, traders, administrators (users.json)")
  withData(
    group
      .command('add')
      .description('add an account; its password is read from standard input, or made and printed once')
      .argument('<login>', 'a-z, 0-9, dot, dash, underscore; 2 to 64')
      .requiredOption('--role <role>', ROLES.join(', '))
      .option('--display-name <name>', 'the name the pages show (default: the login)')
      .option('--office <ref>', 'the customs office of an officer')
      .option('--trader <id>', 'the identification number of a trader')
      .option('--password-stdin', 'read the password from standard input'),
  )
    .addHelpText(
      'after',
      examples(
        'sis user add a.nurlanov --role officer --office KZB00100 --data /var/lib/sis/kz',
        'printf \'%s\' "$PASSWORD" | sis user add t.silkroad --role trader --trader CN6501000000123 --password-stdin',
      ),
    )
    .action(
      async (
        login: string,
        opts: UserOpts & { role: string; displayName?: string; office?: string; trader?: string },
      ) => {
        const ctx = context(opts)
        if (!(ROLES as readonly string[]).includes(opts.role))
          throw new CliError(`--role ${opts.role}: one of ${ROLES.join(', ')}`, EXIT.USAGE)
        const principal = (
          opts.role === 'officer'
            ? { role: 'officer', office: opts.office ?? '' }
            : opts.role === 'trader'
              ? { role: 'trader', traderId: opts.trader ?? '' }
              : { role: 'admin' }
        ) as NewUser['principal']
        const users = store(opts)
        const pw = await password(opts)
        let added: UserInfo
        try {
          added = await users.add({ login, displayName: opts.displayName ?? login, principal }, pw.value)
        } catch (e) {
          throw asCliError(e)
        }
        ctx.out.result(
          `account ${added.login} (${added.principal.role}${scope(added) === '' ? '' : `, ${scope(added)}`})${pw.made ? `\npassword: ${pw.value}\nhand it over now: it is not kept` : ''}`,
          { user: added, ...(pw.made ? { password: pw.value } : {}) },
        )
      },
    )
  withData(group.command('list').description('the accounts: login, role, scope, state (never a password or hash)'))
    .addHelpText('after', examples('sis user list --data /var/lib/sis/kz'))
    .action((opts: UserOpts) => {
      const ctx = context(opts)
      const users = store(opts).list()
      ctx.out.result(
        users.length === 0
          ? 'no accounts'
          : table(
              ['login', 'role', 'scope', 'name', 'state', 'created'],
              users.map((u) => [
                u.login,
                u.principal.role,
                scope(u),
                u.displayName,
                u.disabled ? 'disabled' : 'active',
                u.created,
              ]),
            ),
        { users },
      )
    })
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const)
    withData(
      group
        .command(name)
        .description(disabled ? 'disable an account: it cannot log in' : 'enable a disabled account again')
        .argument('<login>', 'the account'),
    ).action((login: string, opts: UserOpts) => {
      const ctx = context(opts)
      let u: UserInfo
      try {
        u = store(opts).setDisabled(login, disabled)
      } catch (e) {
        throw asCliError(e)
      }
      ctx.out.result(`account ${u.login} ${disabled ? 'disabled' : 'enabled'}`, { user: u })
    })
  withData(
    group
      .command('passwd')
      .description("set an account's password: from standard input, or made and printed once")
      .argument('<login>', 'the account')
      .option('--password-stdin', 'read the password from standard input'),
  ).action(async (login: string, opts: UserOpts) => {
    const ctx = context(opts)
    const users = store(opts)
    const pw = await password(opts)
    let u: UserInfo
    try {
      u = await users.setPassword(login, pw.value)
    } catch (e) {
      throw asCliError(e)
    }
    ctx.out.result(
      `password of ${u.login} changed${pw.made ? `\npassword: ${pw.value}\nhand it over now: it is not kept` : ''}`,
      { user: u, ...(pw.made ? { password: pw.value } : {}) },
    )
  })
}
