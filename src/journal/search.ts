// What a search box query names besides words: a phone number in any spelling («345-67-89»,
// «8 912 345 67 89», «+7 (912) 345-67-89»), an e-mail address, or a printed journal number
// («2026-153», «№ 153», «153»). Pure: the repository turns the result into its conditions.

export interface SearchTerms {
  /** the text for the Russian full-text search (always tried) */
  text: string
  /** digits of a phone number to match at the end of the caller's number (the last ten of a full one) */
  phoneTail?: string
  /** an e-mail address, lower-cased */
  email?: string
  /** a journal number: in one year («2026-153») or in any («153») */
  number?: { year: number | null, number: number }
}

const PHONE_CHARS = /^[\d\s()+\-.]+$/

export function searchTerms (raw: string): SearchTerms {
  const text = raw.trim()
  const out: SearchTerms = { text }
  const bare = text.replace(/^№\s*/, '')
  const printed = /^(\d{4})\s*-\s*(\d{1,7})$/.exec(bare)
  if (printed !== null) out.number = { year: Number(printed[1]), number: Number(printed[2]) }
  else if (/^\d{1,5}$/.test(bare)) out.number = { year: null, number: Number(bare) }
  if (PHONE_CHARS.test(text) && printed === null) {
    let digits = text.replace(/\D/g, '')
    if (digits.length === 11 && (digits.startsWith('8') || digits.startsWith('7'))) digits = digits.slice(1)
    if (digits.length >= 5) out.phoneTail = digits.length > 10 ? digits.slice(-10) : digits
  }
  if (/^[^\s@]+@[^\s@]+$/.test(text)) out.email = text.toLowerCase()
  return out
}
