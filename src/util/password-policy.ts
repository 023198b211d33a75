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

/** Why the password would be refused, in a sentence; undefined when it is acceptable. */
export function passwordProblem (password: string, username?: string): string | undefined {
  const bare = password.replace(/\s+/g, '')
  if (bare.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters other than spaces`
  const lower = bare.toLowerCase()
  if (new Set(lower).size <= 2) return 'more than one or two different characters'
  if (RUNS.some((run) => run.includes(lower))) return 'not a run of digits, letters or keys'
  if (COMMON.has(lower) || COMMON.has(lower.replace(/\d+$/, ''))) return 'not one of the passwords guessed first'
  if (username !== undefined && username !== '' && lower.includes(username.toLowerCase())) return 'not containing the user name'
  return undefined
}
