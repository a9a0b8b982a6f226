/**
 * The pages' words, one catalogue per language. Russian, Chinese and English are complete (a
 * test fails on a missing key); other languages fall back to Russian, then English, per
 * string. A page's language is the user's choice (the `lang` cookie), else the browser's
 * Accept-Language, else English.
 */
export const WEB_LANGS = ['en', 'ru', 'zh'] as const
export type WebLang = (typeof WEB_LANGS)[number]

const EN = {
  'app.name': 'CAREC Single Information Space',
  'login.title': 'Sign in',
  'login.login': 'Login',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.failed': 'The login or the password is wrong, or the account is disabled.',
  'login.locked': 'Too many failed attempts. Try again in {minutes} min.',
  'login.expired': 'The form has expired. Please sign in again.',
  'home.title': 'Home',
  'home.signedIn': 'Signed in as {name}',
  'home.next': 'The officer console and the trader account are coming to this node.',
  'logout.submit': 'Sign out',
  'role.admin': 'administrator',
  'role.officer': 'officer, office {office}',
  'role.trader': 'trader {traderId}',
  'role.integration': 'national system',
  'lang.label': 'Language',
} as const

export type MessageKey = keyof typeof EN

const RU: Record<MessageKey, string> = {
  'app.name': 'Единое информационное пространство ЦАРЭС',
  'login.title': 'Вход',
  'login.login': 'Имя пользователя',
  'login.password': 'Пароль',
  'login.submit': 'Войти',
  'login.failed': 'Неверное имя пользователя или пароль, либо учётная запись отключена.',
  'login.locked': 'Слишком много неудачных попыток. Повторите через {minutes} мин.',
  'login.expired': 'Срок действия формы истёк. Войдите ещё раз.',
  'home.title': 'Главная',
  'home.signedIn': 'Вы вошли как {name}',
  'home.next': 'Консоль таможенного инспектора и личный кабинет участника ВЭД скоро появятся на этом узле.',
  'logout.submit': 'Выйти',
  'role.admin': 'администратор',
  'role.officer': 'инспектор, таможенный орган {office}',
  'role.trader': 'участник ВЭД {traderId}',
  'role.integration': 'национальная система',
  'lang.label': 'Язык',
}

const ZH: Record<MessageKey, string> = {
  'app.name': '中亚区域经济合作单一信息空间',
  'login.title': '登录',
  'login.login': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.failed': '用户名或密码错误，或账户已停用。',
  'login.locked': '失败次数过多。请在 {minutes} 分钟后重试。',
  'login.expired': '表单已过期。请重新登录。',
  'home.title': '首页',
  'home.signedIn': '当前用户：{name}',
  'home.next': '海关官员控制台和贸易商个人账户即将在本节点上线。',
  'logout.submit': '退出',
  'role.admin': '管理员',
  'role.officer': '海关官员，海关 {office}',
  'role.trader': '贸易商 {traderId}',
  'role.integration': '国家系统',
  'lang.label': '语言',
}

export const CATALOGUES: Readonly<Record<WebLang, Readonly<Record<MessageKey, string>>>> = { en: EN, ru: RU, zh: ZH }

/** The language of a request: the `lang` cookie if it is one we have, else the best of Accept-Language, else English. */
export function chooseWebLang(cookie: string | undefined, acceptLanguage: string | undefined): WebLang {
  if (cookie !== undefined && (WEB_LANGS as readonly string[]).includes(cookie)) return cookie as WebLang
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = Number(
        params
          .find((p) => p.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? '1',
      )
      return { lang: tag.toLowerCase().split('-')[0]!, q: Number.isFinite(q) ? q : 0 }
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q)
  return (ranked.find((x) => (WEB_LANGS as readonly string[]).includes(x.lang))?.lang as WebLang | undefined) ?? 'en'
}

/** A message in `lang` with its {placeholders} filled (the values are text, escaped where they are used). */
export function message(
  lang: WebLang,
  key: MessageKey,
  values: Readonly<Record<string, string | number>> = {},
): string {
  const text = CATALOGUES[lang][key] ?? CATALOGUES.ru[key] ?? EN[key]
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m))
}
