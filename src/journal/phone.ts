// One spelling of a phone number, so a caller is recognized whatever way the PBX or a person wrote
// it: «8 (3452) 290-256», «+7 3452 290256» and the CallerID «83452290256» are all «73452290256».

/** Digits only; a Russian number (8…/7… with 11 digits, or 10 digits) as 7 + 10 digits; null when no digits. */
export function normalizePhone (raw: string): string | null {
  const digits = raw.replace(/\D/g, '')
  if (digits === '') return null
  if (digits.length === 11 && (digits.startsWith('8') || digits.startsWith('7'))) return `7${digits.slice(1)}`
  if (digits.length === 10) return `7${digits}`
  return digits
}

/** For people: «+7 3452 29-02-56» style is not attempted, only «+7XXXXXXXXXX» for Russian numbers. */
export function displayPhone (normalized: string): string {
  return /^7\d{10}$/.test(normalized) ? `+${normalized}` : normalized
}
