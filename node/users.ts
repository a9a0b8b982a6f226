/**
 * People's accounts on this node (officers, traders, administrators): who logs in to the pages,
 * as which principal (the API's own roles and scopes, node/config.ts PrincipalConfig). They
 * live in `users.json` in the data folder, written atomically and synced with mode 0600, as the
 * API tokens are; only scrypt hashes of the passwords are kept (node/password.ts). The store
 * reads the file again whenever it changed on disk, so `sis user` takes effect on a running
 * node at its next login, and on a stopped one when it starts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { findOffice } from '../protocol/index.ts'
import { writeFileAtomic } from '../shared/files.ts'
import { DATA_FILES, PrincipalConfig } from './config.ts'
import { hashPassword, isPasswordHash, passwordProblems, verifyPassword } from './password.ts'
import type { Principal } from './service.ts'

const USERS_FILE = DATA_FILES.users
/** A login: lower-case letters, digits, dot, dash, underscore; 2 to 64; starts with a letter or digit. */
export const LOGIN = /^[a-z0-9][a-z0-9._-]{1,63}$/

const UserRecord = z.strictObject({
  login: z.string().regex(LOGIN),
  displayName: z.string().regex(/^[^\p{Cc}]{1,128}$/u),
  principal: PrincipalConfig,
  passwordHash: z.string().refine(isPasswordHash, 'not a scrypt hash'),
  disabled: z.boolean(),
  created: z.iso.datetime(),
  passwordChanged: z.iso.datetime(),
})
type UserRecord = z.infer<typeof UserRecord>

export const UsersFile = z.strictObject({
  version: z.literal(1),
  users: z
    .array(UserRecord)
    .refine((list) => new Set(list.map((u) => u.login)).size === list.length, 'logins must be unique'),
})

/** An account as listed: never its password hash. */
export interface UserInfo {
  readonly login: string
  readonly displayName: string
  readonly principal: Principal
  readonly disabled: boolean
  readonly created: string
  readonly passwordChanged: string
}

export type UserErrorCode = 'USER_INVALID' | 'USER_EXISTS' | 'USER_UNKNOWN' | 'PASSWORD_WEAK' | 'USERS_FILE_INVALID'

/** A refusal of an account change, with every problem at once. */
export class UserError extends Error {
  override readonly name = 'UserError'
  readonly code: UserErrorCode
  readonly problems: readonly string[]
  constructor(code: UserErrorCode, message: string, problems: readonly string[] = []) {
    super(problems.length === 0 ? message : `${message}: ${problems.join('; ')}`)
    this.code = code
    this.problems = problems
  }
}

/** Why a login failed, for the audit log only: the person is told the same thing each time. */
export type LoginResult =
  | { readonly ok: true; readonly user: UserInfo }
  | { readonly ok: false; readonly reason: 'unknown' | 'disabled' | 'wrong-password' }

export interface NewUser {
  readonly login: string
  readonly displayName: string
  /** The role and its scope; the principal's name is the login. */
  readonly principal: { role: 'admin' } | { role: 'officer'; office: string } | { role: 'trader'; traderId: string }
}

function info(u: UserRecord): UserInfo {
  const { passwordHash: _h, ...rest } = u
  return rest
}

export class UserStore {
  readonly #path: string | undefined
  readonly #now: () => string
  #records: readonly UserRecord[] = []
  /** mtime and size of the file as last read: a change on disk is read again. */
  #seen = ''

  private constructor(path: string | undefined, now: () => string) {
    this.#path = path
    this.#now = now
  }

  /** The accounts of a data folder. A malformed users.json is refused, never read as "no accounts". */
  static open(dataDir: string, options: { now?: () => string } = {}): UserStore {
    const store = new UserStore(join(dataDir, USERS_FILE), options.now ?? (() => new Date().toISOString()))
    store.#reload()
    return store
  }

  static inMemory(options: { now?: () => string } = {}): UserStore {
    return new UserStore(undefined, options.now ?? (() => new Date().toISOString()))
  }

  list(): UserInfo[] {
    this.#reload()
    return this.#records.map(info)
  }

  find(login: string): UserInfo | undefined {
    this.#reload()
    const u = this.#records.find((r) => r.login === login)
    return u === undefined ? undefined : info(u)
  }

  /** Adds an account; on disk (synced) before this returns. */
  async add(user: NewUser, password: string): Promise<UserInfo> {
    this.#reload()
    const problems = [
      ...(LOGIN.test(user.login) ? [] : ['login: 2 to 64 of a-z, 0-9, dot, dash, underscore']),
      ...(/^[^\p{Cc}]{1,128}$/u.test(user.displayName) ? [] : ['display name: 1 to 128 characters, one line']),
    ]
    const principal = PrincipalConfig.safeParse({ ...user.principal, name: user.login })
    if (!principal.success)
      problems.push(...principal.error.issues.map((i) => `${i.path.join('.') || 'principal'}: ${i.message}`))
    else if (principal.data.role === 'officer' && findOffice(principal.data.office) === undefined)
      problems.push(`office: ${principal.data.office} is not a customs office of the federation`)
    if (problems.length > 0) throw new UserError('USER_INVALID', `account ${user.login} refused`, problems)
    if (this.#records.some((r) => r.login === user.login))
      throw new UserError('USER_EXISTS', `there is already an account ${user.login}`)
    const weak = passwordProblems(password)
    if (weak.length > 0) throw new UserError('PASSWORD_WEAK', 'the password is too weak', weak)
    const at = this.#now()
    const record: UserRecord = {
      login: user.login,
      displayName: user.displayName,
      principal: principal.data!,
      passwordHash: await hashPassword(password),
      disabled: false,
      created: at,
      passwordChanged: at,
    }
    this.#replace([...this.#records, record])
    return info(record)
  }

  /** Disables (or enables again) an account: a disabled one cannot log in. */
  setDisabled(login: string, disabled: boolean): UserInfo {
    return this.#change(login, (u) => ({ ...u, disabled }))
  }

  async setPassword(login: string, password: string): Promise<UserInfo> {
    const weak = passwordProblems(password)
    if (weak.length > 0) throw new UserError('PASSWORD_WEAK', 'the password is too weak', weak)
    const passwordHash = await hashPassword(password)
    return this.#change(login, (u) => ({ ...u, passwordHash, passwordChanged: this.#now() }))
  }

  /** Checks a login and password, at the same cost whether the login exists or not. */
  async authenticate(login: string, password: string): Promise<LoginResult> {
    this.#reload()
    const u = this.#records.find((r) => r.login === login)
    const matches = await verifyPassword(password, u?.passwordHash)
    if (u === undefined) return { ok: false, reason: 'unknown' }
    if (!matches) return { ok: false, reason: 'wrong-password' }
    if (u.disabled) return { ok: false, reason: 'disabled' }
    return { ok: true, user: info(u) }
  }

  #change(login: string, f: (u: UserRecord) => UserRecord): UserInfo {
    this.#reload()
    const u = this.#records.find((r) => r.login === login)
    if (u === undefined) throw new UserError('USER_UNKNOWN', `there is no account ${login}`)
    const changed = f(u)
    this.#replace(this.#records.map((r) => (r === u ? changed : r)))
    return info(changed)
  }

  #reload(): void {
    if (this.#path === undefined) return
    if (!existsSync(this.#path)) {
      this.#records = []
      this.#seen = ''
      return
    }
    const st = statSync(this.#path)
    const seen = `${st.mtimeMs} ${st.size}`
    if (seen === this.#seen) return
    let parsed
    try {
      parsed = UsersFile.safeParse(JSON.parse(readFileSync(this.#path, 'utf8')))
    } catch (e) {
      throw new UserError('USERS_FILE_INVALID', `${USERS_FILE} is not JSON: ${(e as Error).message}`)
    }
    if (!parsed.success)
      throw new UserError(
        'USERS_FILE_INVALID',
        `${USERS_FILE} is malformed`,
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      )
    this.#records = parsed.data.users
    this.#seen = seen
  }

  /** Writes first, then takes the list: a failed write changes nothing. */
  #replace(records: readonly UserRecord[]): void {
    if (this.#path !== undefined) {
      writeFileAtomic(this.#path, JSON.stringify({ version: 1, users: records }, null, 2) + '\n', { mode: 0o600 })
      const st = statSync(this.#path)
      this.#seen = `${st.mtimeMs} ${st.size}`
    }
    this.#records = records
  }
}
