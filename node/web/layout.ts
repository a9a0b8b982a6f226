/** The frame of every page: language, title, the stylesheet the node serves, no inline script or style. */
import { html } from './html.ts'
import type { Html } from './html.ts'
import { message, WEB_LANGS } from './messages.ts'
import type { WebLang } from './messages.ts'

export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --accent: #0b5cad; --bad: #a40e26; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6e6; --bg: #15181c; --accent: #6cb2ff; --bad: #ff8a9a; } }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header, main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
header { display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid #8884; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input { font: inherit; padding: .4rem; min-width: 18rem; max-width: 100%; }
button { font: inherit; margin-top: 1rem; padding: .4rem 1rem; background: var(--accent); color: #fff; border: 0; border-radius: 4px; }
button:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.error { color: var(--bad); font-weight: 600; }
nav a { margin-left: .5rem; color: var(--accent); }
`

export function page(lang: WebLang, title: string, body: Html, path: string): string {
  return `<!doctype html>\n${
    html`<html lang="${lang}" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${message(lang, 'app.name')}</title>
        <link rel="stylesheet" href="/assets/site.css" />
      </head>
      <body>
        <header>
          <strong>${message(lang, 'app.name')}</strong>
          <nav aria-label="${message(lang, 'lang.label')}">
            ${WEB_LANGS.map((l) => html`<a href="${path}?lang=${l}" lang="${l}" hreflang="${l}">${l.toUpperCase()}</a>`)}
          </nav>
        </header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.value
  }\n`
}
