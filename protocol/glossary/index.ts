/**
 * The agreed glossary of customs transit terms, as data: one entry per concept, in English,
 * Russian and Chinese always and in the national languages of the CAREC customs services where a
 * translation has been supplied. Screens and messages take their wording from here so that every
 * service reads the same concept under the same name.
 *
 * glossary.json is validated once, when this module is first imported; a malformed file is a
 * build error, not a runtime condition, so it throws.
 */

import { z } from 'zod'
import raw from './glossary.json' with { type: 'json' }

/** The languages of the glossary: code (ISO 639-1), English name, and name in the language itself. */
export const GLOSSARY_LANGUAGES = {
  en: { english: 'English', native: 'English' },
  ru: { english: 'Russian', native: 'Русский' },
  zh: { english: 'Chinese (Simplified)', native: '简体中文' },
  kk: { english: 'Kazakh', native: 'Қазақ тілі' },
  ky: { english: 'Kyrgyz', native: 'Кыргызча' },
  tg: { english: 'Tajik', native: 'Тоҷикӣ' },
  uz: { english: 'Uzbek (Latin)', native: 'Oʻzbekcha' },
  mn: { english: 'Mongolian (Cyrillic)', native: 'Монгол хэл' },
  az: { english: 'Azerbaijani', native: 'Azərbaycan dili' },
  ka: { english: 'Georgian', native: 'ქართული' },
  ps: { english: 'Pashto', native: 'پښتو' },
  ur: { english: 'Urdu', native: 'اردو' },
} as const satisfies Record<string, { english: string; native: string }>

export type GlossaryLanguage = keyof typeof GLOSSARY_LANGUAGES

/** Languages every entry must have. */
export const REQUIRED_LANGUAGES = ['en', 'ru', 'zh'] as const satisfies readonly GlossaryLanguage[]

/** The script each language's terms must contain at least one letter of. */
const SCRIPTS: Readonly<Record<GlossaryLanguage, RegExp>> = {
  en: /\p{Script=Latin}/u,
  ru: /\p{Script=Cyrillic}/u,
  zh: /\p{Script=Han}/u,
  kk: /\p{Script=Cyrillic}/u,
  ky: /\p{Script=Cyrillic}/u,
  tg: /\p{Script=Cyrillic}/u,
  uz: /\p{Script=Latin}/u,
  mn: /\p{Script=Cyrillic}/u,
  az: /\p{Script=Latin}/u,
  ka: /\p{Script=Georgian}/u,
  ps: /\p{Script=Arabic}/u,
  ur: /\p{Script=Arabic}/u,
}

const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** Non-empty, no leading or trailing white space, no runs of white space, no control characters. */
function isCleanText(s: string): boolean {
  return s.length > 0 && s === s.trim() && !/\s{2}|\p{Cc}/u.test(s)
}

const CLEAN_TEXT = 'must be non-empty and trimmed, without repeated white space or control characters'

const text = z.string().refine(isCleanText, CLEAN_TEXT)

function termIn(lang: GlossaryLanguage): z.ZodString {
  const script = SCRIPTS[lang]
  return z
    .string()
    .refine(isCleanText, CLEAN_TEXT)
    .refine((s) => script.test(s), `must be written in the script of ${GLOSSARY_LANGUAGES[lang].english}`)
}

/** One glossary entry. Unknown keys are refused, so a misspelt language code cannot slip in. */
export const GlossaryEntry = z.strictObject({
  id: z.string().regex(KEBAB_CASE, 'must be kebab-case (a-z, 0-9, single hyphens)'),
  en: termIn('en'),
  ru: termIn('ru'),
  zh: termIn('zh'),
  kk: termIn('kk').optional(),
  ky: termIn('ky').optional(),
  tg: termIn('tg').optional(),
  uz: termIn('uz').optional(),
  mn: termIn('mn').optional(),
  az: termIn('az').optional(),
  ka: termIn('ka').optional(),
  ps: termIn('ps').optional(),
  ur: termIn('ur').optional(),
  /** The NCTS / WCO data element or message the term corresponds to. */
  ncts: text.optional(),
  /** A short definition in English. */
  note: text.optional(),
})

export type GlossaryEntry = z.infer<typeof GlossaryEntry>

/** The whole file: entries with unique ids and unique English terms. */
const GlossaryFile = z.array(GlossaryEntry).superRefine((entries, ctx) => {
  const ids = new Set<string>()
  const english = new Set<string>()
  entries.forEach((entry, index) => {
    if (ids.has(entry.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate id "${entry.id}"` })
    ids.add(entry.id)
    const en = entry.en.toLowerCase()
    if (english.has(en))
      ctx.addIssue({ code: 'custom', path: [index, 'en'], message: `duplicate English term "${entry.en}"` })
    english.add(en)
  })
})

function load(data: unknown): readonly Readonly<GlossaryEntry>[] {
  const result = GlossaryFile.safeParse(data)
  if (!result.success) throw new Error(`protocol/glossary/glossary.json is invalid:\n${z.prettifyError(result.error)}`)
  return Object.freeze(result.data.map((entry) => Object.freeze(entry)))
}

/** Every entry, in file order, validated and frozen. */
export const GLOSSARY: readonly Readonly<GlossaryEntry>[] = load(raw)

const BY_ID: ReadonlyMap<string, Readonly<GlossaryEntry>> = new Map(GLOSSARY.map((entry) => [entry.id, entry]))

export function isGlossaryLanguage(lang: string): lang is GlossaryLanguage {
  return Object.hasOwn(GLOSSARY_LANGUAGES, lang)
}

/**
 * The glossary language for a language tag: 'ru', 'RU' and 'ru-KZ' all give 'ru'. A language the
 * glossary does not have gives undefined (and so English, in term()).
 */
export function glossaryLanguage(tag: string): GlossaryLanguage | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? ''
  return isGlossaryLanguage(primary) ? primary : undefined
}

/** The entry for an id; throws for an unknown id (a programming error, not bad peer input). */
export function glossaryEntry(id: string): Readonly<GlossaryEntry> {
  const entry = BY_ID.get(id)
  if (entry === undefined) throw new Error(`unknown glossary term id "${id}" (see protocol/glossary/glossary.json)`)
  return entry
}

/**
 * The term for `id` in `lang` (a code or a language tag such as 'ru-KZ'). When the entry has no
 * translation in that language, or the glossary does not have the language at all, the English
 * term is returned. Throws for an unknown id.
 */
export function term(id: string, lang: string): string {
  const entry = glossaryEntry(id)
  const code = glossaryLanguage(lang)
  return (code === undefined ? undefined : entry[code]) ?? entry.en
}

/** Folding for search: compatibility forms, case, ё/е, and the several apostrophes of Uzbek Latin. */
function fold(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\u02BB\u02BC\u2018\u2019\u0060]/g, "'")
}

const LANGUAGE_CODES = Object.keys(GLOSSARY_LANGUAGES) as GlossaryLanguage[]

/**
 * Entries whose term contains `query`, ignoring case. Without `lang`, every language is searched;
 * with `lang`, only the text a reader of that language sees, that is term(id, lang), English where
 * the translation is missing. A blank query finds nothing. Results are in glossary order.
 */
export function findTerms(query: string, lang?: string): readonly Readonly<GlossaryEntry>[] {
  const needle = fold(query.trim())
  if (needle === '') return []
  return GLOSSARY.filter((entry) => {
    const haystack =
      lang === undefined
        ? LANGUAGE_CODES.map((code) => entry[code]).filter((s) => s !== undefined)
        : [term(entry.id, lang)]
    return haystack.some((s) => fold(s).includes(needle))
  })
}
