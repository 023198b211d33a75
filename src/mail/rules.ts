// What the mail channel decides, without I/O: is a message a request at all (auto-replies, bounces
// and our own mail never are — no mail loops), which entry's thread it belongs to, what a reply's
// headers are, and the draft's text. The facts come from src/mail/parse.ts. (The registration date
// of reg. 3.3 is the journal's rule: receivedAt() in src/journal/rules.ts takes the arrival.)
/** The parts of a message the rules look at (headers decoded, addresses lower-cased). */
export interface MailFacts {
  /** Message-ID without the angle brackets; null when the message has none */
  messageId: string | null
  inReplyTo: string[]
  references: string[]
  from: { address: string | null, name: string | null }
  subject: string
  /** Auto-Submitted (RFC 3834): 'no' or absent for a person's message */
  autoSubmitted: string | null
  /** X-Autoreply / X-Autorespond / X-Autoresponder (older auto-responders) */
  xAutoreply: boolean
  /** Precedence: bulk, junk, list, auto_reply for machine mail */
  precedence: string | null
  /** Return-Path: '' is the null sender of bounces and auto-replies (RFC 5321 4.5.5) */
  returnPath: string | null
  /** the top-level MIME type, lower case, e.g. 'multipart/report' */
  contentType: string
  /** the report-type parameter of a multipart/report: 'delivery-status' (a bounce), 'disposition-notification' (a read receipt) */
  reportType: string | null
  /** the text as the reader sees it (an HTML-only message converted to text) */
  text: string
}

export type MailKind = 'request' | 'auto-reply' | 'bounce' | 'own'
export interface Classification { kind: MailKind, reason: string }

const MACHINE_SENDERS = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)$/i
const MACHINE_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply', 'auto-reply'])

/** Bounce, auto-reply, our own mail or a request (only a request opens a draft or is answered). */
export function classify (m: MailFacts, own: { addresses: readonly string[] }): Classification {
  const from = m.from.address?.toLowerCase() ?? null
  if (from !== null && own.addresses.some((a) => a.toLowerCase() === from)) return { kind: 'own', reason: `from our own address ${from}` }
  if (m.contentType === 'multipart/report' && m.reportType === 'delivery-status') return { kind: 'bounce', reason: 'a delivery status report (multipart/report; report-type=delivery-status)' }
  const local = from?.split('@')[0] ?? ''
  if (MACHINE_SENDERS.test(local)) return { kind: 'bounce', reason: `from ${from}` }
  if (m.contentType === 'multipart/report') return { kind: 'auto-reply', reason: `a report (${m.reportType ?? 'unknown type'})` }
  const auto = m.autoSubmitted?.trim().toLowerCase().split(/[;\s]/)[0] ?? ''
  if (auto !== '' && auto !== 'no') return { kind: 'auto-reply', reason: `Auto-Submitted: ${auto}` }
  if (m.xAutoreply) return { kind: 'auto-reply', reason: 'X-Autoreply' }
  const precedence = m.precedence?.trim().toLowerCase() ?? ''
  if (MACHINE_PRECEDENCE.has(precedence)) return { kind: 'auto-reply', reason: `Precedence: ${precedence}` }
  if (m.returnPath !== null && m.returnPath.replace(/[<>\s]/g, '') === '') return { kind: 'auto-reply', reason: 'the null sender (Return-Path: <>)' }
  return { kind: 'request', reason: 'a message from a person' }
}

/** An entry's printed number, as in a subject tag «[№ 2026-153]». */
export interface EntryNumber { year: number, number: number }

const TAG = /\[\s*(?:№|N[oº°]?\.?)\s*(\d{4})\s*[-–/]\s*(\d{1,7})\s*\]/i

export function formatTag (n: EntryNumber): string {
  return `[№ ${n.year}-${n.number}]`
}

/** The tag in a subject, if any. */
export function parseTag (subject: string): EntryNumber | null {
  const m = TAG.exec(subject)
  return m === null ? null : { year: Number(m[1]), number: Number(m[2]) }
}

/** Where to look for the thread: the message ids it answers (nearest first) and the subject's tag. */
export function threadKeys (m: Pick<MailFacts, 'inReplyTo' | 'references' | 'subject'>): { messageIds: string[], tag: EntryNumber | null } {
  const ids: string[] = []
  for (const id of [...m.inReplyTo, ...[...m.references].reverse()]) if (!ids.includes(id)) ids.push(id)
  return { messageIds: ids, tag: parseTag(m.subject) }
}

/**
 * The entry a message answers: the entry of the nearest message it refers to by its headers,
 * else the entry its subject's tag names, else none (a new request).
 */
export function pickThread (keys: { messageIds: string[], tag: EntryNumber | null }, found: { byMessageId: ReadonlyMap<string, number>, byTag: number | undefined }): { entryId: number, by: 'headers' | 'tag' } | undefined {
  for (const id of keys.messageIds) {
    const entryId = found.byMessageId.get(id)
    if (entryId !== undefined) return { entryId, by: 'headers' }
  }
  return found.byTag === undefined ? undefined : { entryId: found.byTag, by: 'tag' }
}

const REPLY_PREFIX = /^\s*((re|ответ|отв|aw|fwd?|пересл)\s*(\[\d+\])?\s*:\s*)+/i
const MAX_REFERENCES = 20

/** The headers that keep a reply in the requester's thread (RFC 5322 3.6.4), with the entry's tag. */
export function replyHeaders (original: { messageId: string | null, references: string[], subject: string } | null, entry: EntryNumber): { inReplyTo: string | null, references: string[], subject: string } {
  const tag = formatTag(entry)
  const bare = (original?.subject ?? '').replace(REPLY_PREFIX, '').trim()
  const hasTag = parseTag(bare) !== null
  const subject = bare === '' ? `Ваше обращение ${tag}` : `Re: ${bare}${hasTag ? '' : ` ${tag}`}`
  if (original === null || original.messageId === null) return { inReplyTo: null, references: original?.references.slice(-MAX_REFERENCES) ?? [], subject }
  const references = [...original.references.filter((r) => r !== original.messageId), original.messageId].slice(-MAX_REFERENCES)
  return { inReplyTo: original.messageId, references, subject }
}

export const DESCRIPTION_MAX = 4000

/** The draft's «Описание запроса»: the subject, then the text (the quoted earlier mail left out). */
export function describe (m: Pick<MailFacts, 'subject' | 'text'>): string {
  const lines = m.text.replace(/\r\n?/g, '\n').split('\n')
  // a reply's quotation of earlier mail ("> …", or everything after "-----Original Message-----")
  const cut = lines.findIndex((l) => /^-{2,}\s*(original message|исходное сообщение|пересылаемое сообщение)/i.test(l.trim()))
  const body = (cut >= 0 ? lines.slice(0, cut) : lines).filter((l) => !/^\s*>/.test(l)).join('\n')
    .replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim()
  const subject = m.subject.trim()
  const text = subject === '' ? body : body === '' ? subject : `${subject}\n\n${body}`
  return text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 1)}…` : text
}

/** «ФИО, контактная информация» as the message gives it: the sender's name and address. */
export function contactOf (from: MailFacts['from']): string | null {
  const parts = [from.name?.trim() || null, from.address].filter((x): x is string => x !== null && x !== '')
  return parts.length === 0 ? null : parts.join(', ')
}
