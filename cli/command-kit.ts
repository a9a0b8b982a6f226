/**
 * What every operator command shares: the options that name a node (--api, --data, --token),
 * --json, and the context built from them and the global --lang (output, messages, colours, API
 * client).
 */
import type { Command } from 'commander'
import { ApiClient, resolveConnection } from './client.ts'
import { chooseLang, translator } from './i18n.ts'
import type { Lang, Translate } from './i18n.ts'
import { CliError, EXIT, colourEnabled, output, paint } from './output.ts'
import type { Output, Paint } from './output.ts'

export interface CommonOpts {
  readonly json?: boolean
  /** Set by main.ts from the global --lang (or the locale) before every action. */
  readonly lang?: string
}

export interface NodeOpts extends CommonOpts {
  readonly api?: string
  readonly data?: string
  readonly token?: string
}

export const LANG_HELP = 'language of the human output (default: from LC_ALL, LC_MESSAGES or LANG)'

/**
 * --json. (--lang is an option of the program itself, so every command takes it: main.ts checks
 * it once and hands it to the command's options as `lang`.)
 */
export function withCommon(cmd: Command): Command {
  return cmd.option('--json', 'print the result as JSON (for scripts; never translated)')
}

/** --api, --data and --token, then --json. */
export function withNode(cmd: Command): Command {
  return withCommon(
    cmd
      .option('--api <url>', "the node's API, e.g. http://127.0.0.1:8080 (default: from node.json in --data)")
      .option('--data <dir>', "the node's data folder: its API address is read from node.json")
      .option('--token <token>', 'an API token (default: the SIS_TOKEN environment variable)'),
  )
}

export interface Ctx {
  readonly json: boolean
  readonly lang: Lang
  readonly t: Translate
  readonly out: Output
  readonly paint: Paint
}

export function context(opts: CommonOpts): Ctx {
  let lang: Lang
  try {
    lang = chooseLang(opts.lang)
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), EXIT.USAGE)
  }
  const json = opts.json === true
  return { json, lang, t: translator(lang), out: output(json, lang), paint: paint(!json && colourEnabled()) }
}

export function nodeContext(opts: NodeOpts): Ctx & { client: ApiClient } {
  const ctx = context(opts)
  return { ...ctx, client: new ApiClient(resolveConnection(opts, ctx.t), ctx.t) }
}

/** Help text after the options: examples, one per line. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`
}
