// Argon2id (memory-hard) with the library's defaults: m=19 MiB, t=2, p=1 (OWASP's minimum).
import { hash, verify } from '@node-rs/argon2'

export async function hashPassword (password: string): Promise<string> {
  return await hash(password)
}

export async function verifyPassword (passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false // a malformed stored hash is a failed log-in, not a crash
  }
}

// Verified against when the user does not exist, so a log-in takes as long either way.
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1V0eGj1w5m6y0Wl0lKqjmQ8m6P0pPY2wJXh6P1o5hXo'
