// What a password must be: long enough once spaces are set aside, not one character repeated, not a
// run of digits or keys, not one of the passwords every guesser tries first, not the user name.
// Pure, so the HTTP routes, the bootstrap setting and the tests share one rule.

export const MIN_PASSWORD_LENGTH = 8

// the first guesses of every list (Latin, and the same keys typed in the Russian layout)
const COMMON = new Set([
  'password', 'password1', 'password123', 'passw0rd', 'qwerty', 'qwerty123', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm',
  'iloveyou', 'admin', 'admin123', 'administrator', 'welcome', 'welcome1', 'letmein', 'changeme', 'secret', 'secret123',
  'пароль', 'парольпароль', 'йцукенгш', 'йцукен', 'qwerty12345', '1q2w3e4r', '1q2w3e4r5t', 'q1w2e3r4', 'zaq12wsx',
  'helpdesk', 'asterisk', 'sitcenter', 'abc12345', 'abcdefgh'
])

const RUNS = ['0123456789', '9876543210', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'abcdefghijklmnopqrstuvwxyz', 'йцукенгшщзхъ', 'фывапролджэ', 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя']

/** Why a password is refused, as a stable code (the screens explain it in their own words). */
export const PASSWORD_WEAKNESSES = ['too-short', 'too-few-characters', 'run', 'common', 'user-name'] as const
export type PasswordWeakness = typeof PASSWORD_WEAKNESSES[number]

const SENTENCES: Readonly<Record<PasswordWeakness, string>> = {
  'too-short': `at least ${MIN_PASSWORD_LENGTH} characters other than spaces`,
  'too-few-characters': 'more than one or two different characters',
  run: 'not a run of digits, letters or keys',
  common: 'not one of the passwords guessed first',
  'user-name': 'not containing the user name'
}

/** The reason the password would be refused; undefined when it is acceptable. */
export function passwordWeakness (password: string, username?: string): PasswordWeakness | undefined {
  const bare = password.replace(/\s+/g, '')
  if (bare.length < MIN_PASSWORD_LENGTH) return 'too-short'
  const lower = bare.toLowerCase()
  if (new Set(lower).size <= 2) return 'too-few-characters'
  if (RUNS.some((run) => run.includes(lower))) return 'run'
  if (COMMON.has(lower) || COMMON.has(lower.replace(/\d+$/, ''))) return 'common'
  if (username !== undefined && username !== '' && lower.includes(username.toLowerCase())) return 'user-name'
  return undefined
}

/** Why the password would be refused, in a sentence; undefined when it is acceptable. */
export function passwordProblem (password: string, username?: string): string | undefined {
  const weakness = passwordWeakness(password, username)
  return weakness === undefined ? undefined : SENTENCES[weakness]
}
