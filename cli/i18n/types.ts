/**
 * The shape of the message catalogue: which languages there are, which plural forms each one
 * needs, and the type every language's catalogue has. English (en.ts) defines the keys; the type
 * makes every other language give every key, and every plural key in all of its own forms.
 */
import type { en } from './en.ts'

export const LANGS = ['en', 'ru', 'zh'] as const
export type Lang = (typeof LANGS)[number]

/**
 * The cardinal plural categories of Intl.PluralRules for each language: English one/other,
 * Russian one/few/many/other (other is for fractions), Chinese only other. A test checks these
 * against Intl itself.
 */
export interface PluralCategories {
  readonly en: 'one' | 'other'
  readonly ru: 'one' | 'few' | 'many' | 'other'
  readonly zh: 'other'
}

/** A counted phrase: one text per plural category of the language, each with `{count}`. */
export type Plural<L extends Lang> = { readonly [C in PluralCategories[L]]: string }

type English = typeof en

export type MessageKey = keyof English

/** The keys whose text depends on a number: `t(key, { count })`. */
export type PluralKey = { [K in MessageKey]: English[K] extends string ? never : K }[MessageKey]

/** A language's catalogue: a text for every key, and every plural form of its language. */
export type Catalogue<L extends Lang> = { readonly [K in MessageKey]: English[K] extends string ? string : Plural<L> }
