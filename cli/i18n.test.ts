/**
 * The message catalogue: complete in every language (keys, placeholders, every plural form Intl
 * knows), Russian plurals, statuses in the glossary's words, error explanations; then sis itself
 * speaking Russian and Chinese, as a process and in process against a small HTTP server.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES, SisError } from '../protocol/errors.ts'
import type { ErrorCode } from '../protocol/errors.ts'
import { term } from '../protocol/glossary/index.ts'
import { encodeMessage, exampleMessage } from '../protocol/messages/index.ts'
import { CATALOGUES, LANGS, describeError, detectLang, statusText, translator } from './i18n.ts'
import type { MessageKey } from './i18n.ts'
import { ERROR_EXPLANATIONS } from './i18n/errors.ts'
import { sisInProcess, sisProcess } from './cli.testkit.ts'

const keys = Object.keys(CATALOGUES.en).sort() as MessageKey[]
const vars = (s: string) => [...s.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]).sort()
const forms = (text: string | Readonly<Record<string, string>>) => (typeof text === 'string' ? { text } : text)

describe('the message catalogue', () => {
  it('has every key in every language, none empty, with the placeholders of English', () => {
    for (const lang of LANGS) {
      expect(Object.keys(CATALOGUES[lang]).sort(), lang).toEqual(keys)
      for (const k of keys) {
        const english = CATALOGUES.en[k]
        const text = CATALOGUES[lang][k]
        expect(typeof text, `${lang} ${k}`).toBe(typeof english)
        for (const [form, s] of Object.entries(forms(text))) {
          expect(s.trim(), `${lang} ${k} ${form}`).not.toBe('')
          expect(vars(s), `${lang} ${k} ${form}`).toEqual(vars(forms(english).text ?? forms(english).other ?? ''))
        }
      }
    }
  })

  it('gives each counted phrase exactly the plural forms Intl.PluralRules has for the language, each with {count}', () => {
    const counted = keys.filter((k) => typeof CATALOGUES.en[k] !== 'string')
    expect(counted.length).toBeGreaterThan(3)
    for (const lang of LANGS) {
      const categories = [...new Intl.PluralRules(lang).resolvedOptions().pluralCategories].sort()
      for (const k of counted) {
        const text = CATALOGUES[lang][k] as Readonly<Record<string, string>>
        expect(Object.keys(text).sort(), `${lang} ${k}`).toEqual(categories)
        for (const s of Object.values(text)) expect(s, `${lang} ${k}`).toContain('{count}')
      }
    }
  })

  it('counts in Russian with one, few and many; in English one and other; in Chinese without plural', () => {
    const ru = translator('ru')
    expect([1, 2, 5, 11, 21, 22, 0, 112].map((count) => ru('count.records', { count }))).toEqual([
      '1 запись',
      '2 записи',
      '5 записей',
      '11 записей',
      '21 запись',
      '22 записи',
      '0 записей',
      '112 записей',
    ])
    expect([1, 3, 25].map((count) => ru('count.members', { count }))).toEqual([
      '1 участник',
      '3 участника',
      '25 участников',
    ])
    expect([1, 2, 5, 21].map((count) => ru('result.found', { count }))).toEqual([
      'найден 1 документ',
      'найдено 2 документа',
      'найдено 5 документов',
      'найден 21 документ',
    ])
    expect(ru('value.waiting', { count: 22 })).toBe('22 записи ожидают отправки')
    const en = translator('en')
    expect([1, 2, 0].map((count) => en('count.records', { count }))).toEqual(['1 record', '2 records', '0 records'])
    expect(
      en('value.membership', {
        version: 2,
        members: en('count.members', { count: 1 }),
        quorum: 1,
        from: 'a',
        until: 'b',
      }),
    ).toBe('v2, 1 member, quorum 1, valid a to b')
    const zh = translator('zh')
    expect([1, 5].map((count) => zh('count.records', { count }))).toEqual(['1条记录', '5条记录'])
  })

  it('takes the language from LC_ALL, then LC_MESSAGES, then LANG; English otherwise', () => {
    expect(detectLang({ LANG: 'ru_RU.UTF-8' })).toBe('ru')
    expect(detectLang({ LC_ALL: 'zh_CN.UTF-8', LANG: 'ru_RU.UTF-8' })).toBe('zh')
    expect(detectLang({ LC_MESSAGES: 'ru_KZ', LANG: 'en_US' })).toBe('ru')
    expect(detectLang({ LANG: 'kk_KZ.UTF-8' })).toBe('en')
    expect(detectLang({})).toBe('en')
    expect(translator('ru')('value.connectedOf', { connected: 1, total: 2 })).toBe('подключено 1 из 2')
  })
})

describe('statuses', () => {
  // The state machines' statuses (protocol/log/state.ts) and the glossary entry of each.
  const glossary: Record<string, string | undefined> = {
    none: undefined,
    lodged: 'state-lodged',
    accepted: 'state-accepted',
    rejected: 'state-rejected',
    released: 'state-released',
    arrived: 'state-arrived',
    controlled: 'state-under-control',
    'written-off': 'state-written-off',
    invalidated: 'state-invalidated',
    disputed: 'state-disputed',
    registered: undefined,
  }

  it("has every status in every language, in Russian and Chinese in the glossary's words", () => {
    for (const [status, id] of Object.entries(glossary)) {
      expect(statusText(translator('en'), status), status).toBe(status)
      for (const lang of ['ru', 'zh'] as const) {
        const text = statusText(translator(lang), status)
        expect(text, `${lang} ${status}`).not.toBe(status)
        if (id !== undefined) expect(text, `${lang} ${status}`).toBe(term(id, lang))
      }
    }
    expect(statusText(translator('ru'), 'released')).toBe('выпуск разрешен')
    expect(statusText(translator('zh'), 'written-off')).toBe('已核销')
    // A status this CLI does not know yet is shown as the API gives it.
    expect(statusText(translator('ru'), 'reserved')).toBe('reserved')
  })
})

describe('error explanations', () => {
  it("explain every error code in every language, in that language's script", () => {
    const codes = Object.keys(ERROR_CODES).sort()
    const script = { en: /\p{Script=Latin}/u, ru: /\p{Script=Cyrillic}/u, zh: /\p{Script=Han}/u }
    for (const lang of LANGS) {
      expect(Object.keys(ERROR_EXPLANATIONS[lang]).sort(), lang).toEqual(codes)
      for (const code of codes)
        expect(ERROR_EXPLANATIONS[lang][code as ErrorCode], `${lang} ${code}`).toMatch(script[lang])
    }
    expect(new Set(Object.values(ERROR_EXPLANATIONS.ru)).size).toBe(codes.length)
  })

  it('print the code unchanged, its meaning in the language and the details with translated names', () => {
    const e = new SisError('CODE_UNKNOWN', 'a/currency: "XYZ" is not in ISO 4217', {
      field: 'a/currency',
      value: 'XYZ',
      list: 'iso-4217-alpha-3',
    })
    expect(describeError('ru', e)).toBe(
      'CODE_UNKNOWN: значение отсутствует в классификаторе (поле: a/currency; значение: "XYZ"; классификатор: iso-4217-alpha-3)',
    )
    expect(describeError('en', e)).toBe(
      'CODE_UNKNOWN: the value is not in the code list (field: a/currency; value: "XYZ"; code list: iso-4217-alpha-3)',
    )
    expect(
      describeError('zh', new SisError('XML_TOO_DEEP', 'deep', { limit: 32, line: 1, column: 97, offset: 96 })),
    ).toBe('XML_TOO_DEEP：元素嵌套超过深度上限（上限：32；行：1；列：97）')
    // A value from the input cannot pass for the line's own text.
    expect(describeError('en', new SisError('MSG_INVALID_VALUE', 'x', { field: 'a\nb' }))).toContain('field: "a\\nb"')
    // A code that is not a SisError code (the API's, say) keeps its message.
    expect(describeError('ru', { code: 'NODE_UNREACHABLE', message: 'cannot reach the node' })).toBe(
      'NODE_UNREACHABLE: cannot reach the node',
    )
  })
})

describe('sis speaks the language of --lang', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sis-i18n-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const good = join(dir, 'DeclarationLodged.xml')
  const bad = join(dir, 'bad.xml')
  beforeAll(() => {
    writeFileSync(good, encodeMessage('DeclarationLodged', exampleMessage('DeclarationLodged')))
    writeFileSync(bad, readFileSync(good, 'utf8').replace('<currency>USD<', '<currency>XYZ<'))
  })
  const sis = sisProcess({ timeoutMs: 20_000 })

  it('sis message validate: the code as is, its explanation and verdict in Russian or Chinese; --json the same in every language', () => {
    const ru = sis('message', 'validate', '--lang', 'ru', bad)
    expect(ru.status).toBe(1)
    expect(ru.stdout).toMatch(
      /^ОШИБКА CODE_UNKNOWN: значение отсутствует в классификаторе \(поле: \S+currency; значение: "XYZ"; классификатор: iso-4217-alpha-3\)$/m,
    )
    const zh = sis('--lang', 'zh', 'message', 'validate', good)
    expect(zh.status).toBe(0)
    expect(zh.stdout.trim()).toBe('有效 DeclarationLodged')
    expect(sis('message', 'validate', good, '--lang', 'en').stdout.trim()).toBe('OK DeclarationLodged')
    expect(sis('message', 'validate', '--json', '--lang', 'ru', bad).stdout).toBe(
      sis('message', 'validate', '--json', '--lang', 'zh', bad).stdout,
    )
  })

  it('takes the language from LANG when --lang is not given, and refuses an unknown one as a usage error', () => {
    const env = { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: 'ru_RU.UTF-8' }
    expect(sisProcess({ timeoutMs: 20_000, env })('message', 'validate', good).stdout.trim()).toBe(
      'КОРРЕКТНО DeclarationLodged',
    )
    const wrong = sis('message', 'validate', '--lang', 'fr', good)
    expect(wrong.status).toBe(2)
    expect(wrong.stderr).toContain('en, ru, zh')
  })

  describe('against a node API (a small HTTP server)', () => {
    const doc = (id: string, status: string) => ({
      documentId: id,
      kind: 'transit',
      audience: ['CN', 'KZ'],
      status,
      stateHash: 'ab'.repeat(32),
      updatedAt: '2026-11-26T13:05:00Z',
      index: { status, keys: { office: ['CN000001'] }, offices: ['CN000001'] },
      state: {},
    })
    let server: Server
    let api: string
    beforeAll(async () => {
      server = createServer((req, res) => {
        const body =
          req.url === '/v1/search'
            ? [doc('26CN0000000000001A', 'released'), doc('26CN0000000000002B', 'written-off')]
            : doc('26CN0000000000001A', 'released')
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const address = server.address()
      api = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
    })
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

    it('shows statuses and counts in Russian and Chinese', async () => {
      const show = await sisInProcess(
        'transit',
        'show',
        '26CN0000000000001A',
        '--api',
        api,
        '--token',
        't',
        '--lang',
        'ru',
      )
      expect(show.code, show.out).toBe(0)
      expect(show.out).toMatch(/статус\s+выпуск разрешен/)
      const search = await sisInProcess('--lang', 'zh', 'transit', 'search', '--api', api, '--token', 't')
      expect(search.out).toMatch(/26CN0000000000002B\s+已核销/)
      expect(search.out).toContain('找到2份单证')
      expect((await sisInProcess('transit', 'search', '--api', api, '--token', 't', '--lang', 'ru')).out).toContain(
        'найдено 2 документа',
      )
      const json = await sisInProcess(
        'transit',
        'show',
        '26CN0000000000001A',
        '--api',
        api,
        '--token',
        't',
        '--lang',
        'ru',
        '--json',
      )
      expect(JSON.parse(json.out)).toMatchObject({ status: 'released' })
    })
  })
})
