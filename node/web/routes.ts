/**
 * The pages of the node, on the API's Fastify server in a context of their own (forms are
 * parsed only here): sign in and out, and the home page of a signed-in person. Every form
 * carries a CSRF token; sessions live in HttpOnly, SameSite=Strict cookies (Secure over TLS);
 * failed logins are throttled and locked; logins and logouts go to the audit log (who, when,
 * from which address; never a password).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { randomBytes } from 'node:crypto'
import type { UserStore } from '../users.ts'
import { html } from './html.ts'
import { page, STYLESHEET } from './layout.ts'
import { chooseWebLang, message } from './messages.ts'
import type { WebLang } from './messages.ts'
import { csrfMatches, SessionStore } from './sessions.ts'
import type { Session } from './sessions.ts'
import { LoginThrottle } from './throttle.ts'

export interface WebOptions {
  readonly users: UserStore
  readonly audit: Logger
  readonly sessions?: SessionStore
  readonly throttle?: LoginThrottle
}

const SESSION = 'sis_session'
/** Before a session exists, the login form's token is a cookie sent back in the form (double submit). */
const PRE = 'sis_login'
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

function cookies(req: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=')
    if (i > 0) out.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()))
  }
  return out
}

function setCookie(req: FastifyRequest, reply: FastifyReply, name: string, value: string, maxAge?: number): void {
  const secure = req.protocol === 'https' ? '; Secure' : ''
  const age = maxAge === undefined ? '' : `; Max-Age=${maxAge}`
  const prior = reply.getHeader('set-cookie')
  const list = prior === undefined ? [] : Array.isArray(prior) ? prior : [String(prior)]
  reply.header('set-cookie', [
    ...list,
    `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict${secure}${age}`,
  ])
}

function langOf(req: FastifyRequest, reply: FastifyReply): WebLang {
  const asked = (req.query as Record<string, unknown> | undefined)?.lang
  const lang = chooseWebLang(
    typeof asked === 'string' ? asked : cookies(req).get('lang'),
    req.headers['accept-language'],
  )
  if (typeof asked === 'string' && asked === lang) setCookie(req, reply, 'lang', lang, 365 * 86_400)
  return lang
}

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', PAGE_CSP)
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(body)
}

function loginPage(
  req: FastifyRequest,
  reply: FastifyReply,
  lang: WebLang,
  status: number,
  error?: string,
): FastifyReply {
  const token = randomBytes(24).toString('base64url')
  setCookie(req, reply, PRE, token, 3600)
  const t = (k: Parameters<typeof message>[1]) => message(lang, k)
  const body = html`${error === undefined ? '' : html`<p class="error" role="alert">${error}</p>`}
    <form method="post" action="/login">
      <input type="hidden" name="csrf" value="${token}" />
      <label for="login">${t('login.login')}</label>
      <input id="login" name="login" autocomplete="username" required autofocus />
      <label for="password">${t('login.password')}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <div><button type="submit">${t('login.submit')}</button></div>
    </form>`
  return send(reply, status, page(lang, t('login.title'), body, '/login'))
}

function roleText(lang: WebLang, s: Session): string {
  const p = s.principal
  return p.role === 'officer'
    ? message(lang, 'role.officer', { office: p.office })
    : p.role === 'trader'
      ? message(lang, 'role.trader', { traderId: p.traderId })
      : message(lang, p.role === 'admin' ? 'role.admin' : 'role.integration')
}

export function registerWeb(app: FastifyInstance, options: WebOptions): void {
  const sessions = options.sessions ?? new SessionStore()
  const throttle = options.throttle ?? new LoginThrottle()
  const { users, audit } = options
  app.register(async (web) => {
    web.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 8192 },
      (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    )
    const sessionOf = (req: FastifyRequest) => sessions.get(cookies(req).get(SESSION))

    web.get('/assets/site.css', (_req, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=3600').send(STYLESHEET),
    )

    web.get('/login', (req, reply) => loginPage(req, reply, langOf(req, reply), 200))

    web.post('/login', async (req, reply) => {
      const lang = langOf(req, reply)
      const form = (req.body ?? {}) as Record<string, unknown>
      const pre = cookies(req).get(PRE)
      if (pre === undefined || form.csrf !== pre)
        return loginPage(req, reply, lang, 403, message(lang, 'login.expired'))
      const login = typeof form.login === 'string' ? form.login.trim().toLowerCase().slice(0, 64) : ''
      const password = typeof form.password === 'string' ? form.password.slice(0, 256) : ''
      const wait = throttle.waitMs(login, req.ip)
      if (wait > 0) {
        audit.warn({ event: 'login', login, ok: false, reason: 'locked', address: req.ip }, 'login refused: locked')
        return loginPage(req, reply, lang, 429, message(lang, 'login.locked', { minutes: Math.ceil(wait / 60_000) }))
      }
      const r = await users.authenticate(login, password)
      if (!r.ok) {
        throttle.failed(login, req.ip)
        audit.warn({ event: 'login', login, ok: false, reason: r.reason, address: req.ip }, 'login refused')
        return loginPage(req, reply, lang, 401, message(lang, 'login.failed'))
      }
      throttle.succeeded(login)
      const { id } = sessions.create({
        login: r.user.login,
        displayName: r.user.displayName,
        principal: r.user.principal,
      })
      setCookie(req, reply, SESSION, id)
      setCookie(req, reply, PRE, '', 0)
      audit.info({ event: 'login', login, ok: true, role: r.user.principal.role, address: req.ip }, 'signed in')
      return reply.code(303).header('location', '/').send()
    })

    web.post('/logout', (req, reply) => {
      const s = sessionOf(req)
      const form = (req.body ?? {}) as Record<string, unknown>
      if (s === undefined || !csrfMatches(s, form.csrf)) return reply.code(303).header('location', '/login').send()
      sessions.destroy(cookies(req).get(SESSION))
      setCookie(req, reply, SESSION, '', 0)
      audit.info({ event: 'logout', login: s.login, address: req.ip }, 'signed out')
      return reply.code(303).header('location', '/login').send()
    })

    web.get('/', (req, reply) => {
      const lang = langOf(req, reply)
      const s = sessionOf(req)
      if (s === undefined) return reply.code(303).header('location', '/login').send()
      const t = (k: Parameters<typeof message>[1]) => message(lang, k)
      const body = html`<p>${message(lang, 'home.signedIn', { name: s.displayName })} (${roleText(lang, s)})</p>
        <p>${t('home.next')}</p>
        <form method="post" action="/logout">
          <input type="hidden" name="csrf" value="${s.csrf}" />
          <button type="submit">${t('logout.submit')}</button>
        </form>`
      return send(reply, 200, page(lang, t('home.title'), body, '/'))
    })
  })
}
