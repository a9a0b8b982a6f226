/**
 * The message catalogue of the CLI's human output: labels, table headings, results, hints,
 * statuses, counted phrases and the explanations of typed error codes, in English, Russian and
 * Chinese. The texts are in cli/i18n/ (en.ts defines the keys, ru.ts and zh.ts must give every one,
 * errors.ts explains every error code); this file picks a language and fills the texts in.
 * `{name}` is replaced by the value of the same name; a counted phrase takes `{count}` and the
 * form Intl.PluralRules chooses for it. JSON output and error codes are never translated:
 * scripts read those.
 */
import type { ErrorDetails } from '../protocol/errors.ts'
import { en } from './i18n/en.ts'
import { ERROR_EXPLANATIONS } from './i18n/errors.ts'
import { ru } from './i18n/ru.ts'
import { LANGS } from './i18n/types.ts'
import type { Catalogue, Lang, MessageKey, PluralKey } from './i18n/types.ts'
import { zh } from './i18n/zh.ts'

export { LANGS }
export type { Lang, MessageKey, PluralKey }

export const CATALOGUES: { readonly [L in Lang]: Catalogue<L> } = { en, ru, zh }

/** The language of the locale (LC_ALL, then LC_MESSAGES, then LANG), English by default. */
export function detectLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || ''
  const code = locale.slice(0, 2).toLowerCase()
  return (LANGS as readonly string[]).includes(code) ? (code as Lang) : 'en'
}

/** `--lang` if given (refused when unknown), else the locale's. */
export function chooseLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (flag === undefined) return detectLang(env)
  if ((LANGS as readonly string[]).includes(flag)) return flag as Lang
  throw new Error(`--lang ${JSON.stringify(flag)}: use one of ${LANGS.join(', ')}`)
}

export type Vars = Readonly<Record<string, string | number>>

/** A text of the catalogue in one language; counted phrases require `count`. */
export type Translate = <K extends MessageKey>(
  key: K,
  ...vars: K extends PluralKey ? [vars: Vars & { readonly count: number }] : [vars?: Vars]
) => string

const fill = (text: string, vars: Vars): string =>
  text.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole))

export function translator(lang: Lang): Translate {
  const catalogue: Readonly<Record<MessageKey, string | Readonly<Record<string, string>>>> = CATALOGUES[lang]
  const rules = new Intl.PluralRules(lang)
  const translate = (key: MessageKey, vars: Vars = {}): string => {
    const text = catalogue[key]
    if (typeof text === 'string') return fill(text, vars)
    // Every category Intl knows for the language is in the catalogue (types.ts; a test checks).
    return fill(text[rules.select(Number(vars.count))] ?? text.other ?? '', vars)
  }
  return translate as Translate
}

/** A document's status (the API's word: released, written-off, registered...) for people. */
export function statusText(t: Translate, status: string): string {
  const key = `status.${status}`
  return key in CATALOGUES.en ? t(key as MessageKey) : status
}

function shown(name: string, value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value)
  // A value comes from the input: quoted, so its spaces and control characters cannot pass for ours.
  return name === 'value' || /[\p{Cc}\s"]/u.test(value) || value === '' ? JSON.stringify(value) : value
}

/**
 * A typed error for people: its code unchanged, what the code means in the language, and its
 * details (field, value, code list, line...) with their names translated. Codes that are not
 * SisError codes (the API's, say) keep their own message.
 */
export function describeError(
  lang: Lang,
  e: { readonly code: string; readonly message: string; readonly details?: unknown },
): string {
  const t = translator(lang)
  const explanations: Readonly<Record<string, string>> = ERROR_EXPLANATIONS[lang]
  const explanation = explanations[e.code]
  if (explanation === undefined) return t('error.line', { code: e.code, explanation: e.message })
  const given = (e.details ?? {}) as ErrorDetails
  const details = Object.entries(given)
    .flatMap(([name, value]) => {
      // The byte offset says again what line and column say, less readably; a list of errors
      // (details.errors) is shown error by error by the caller.
      if (value === undefined || typeof value === 'object' || (name === 'offset' && given.line !== undefined)) return []
      const key = `detail.${name}`
      const label = key in CATALOGUES.en ? t(key as MessageKey) : name
      return [t('error.detail', { label, value: shown(name, value) })]
    })
    .join(t('error.detailSeparator'))
  return details === ''
    ? t('error.line', { code: e.code, explanation })
    : t('error.withDetails', { code: e.code, explanation, details })
}
