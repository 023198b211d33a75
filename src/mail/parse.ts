// A raw message (RFC 5322 source as the mail server keeps it) → the facts the rules use and the
// attachments to keep. mailparser does the MIME work: charsets (windows-1251, KOI8-R …), encoded
// words in subjects, names and file names, HTML-only mail turned into text (the UI shows mail as
// text only, never renders its HTML).
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from 'mailparser'
import { convert } from 'html-to-text'
import type { MailFacts } from './rules.js'

export interface MailAttachment {
  filename: string
  contentType: string
  size: number
  /** Content-ID without angle brackets: an inline image the HTML shows */
  contentId: string | null
  inline: boolean
  /** null when larger than the limit (kept as a line, not the bytes) */
  content: Buffer | null
}

export interface ParsedMessage {
  facts: MailFacts
  to: string[]
  date: Date | null
  attachments: MailAttachment[]
}

export class MalformedMailError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'MalformedMailError'
  }
}

const bare = (id: string): string => id.trim().replace(/^<|>$/g, '').trim()

function ids (v: string | string[] | undefined): string[] {
  if (v === undefined) return []
  const all = (Array.isArray(v) ? v : [v]).flatMap((s) => s.match(/<[^<>\s]+>/g) ?? (s.trim() === '' ? [] : [s]))
  return all.map(bare).filter((s) => s !== '')
}

function firstAddress (a: AddressObject | AddressObject[] | undefined): { address: string | null, name: string | null } {
  const list = a === undefined ? [] : Array.isArray(a) ? a.flatMap((x) => x.value) : a.value
  const first = list.find((x) => x.address !== undefined && x.address !== '') ?? list[0]
  return { address: first?.address?.trim().toLowerCase() || null, name: first?.name?.trim() || null }
}

function addresses (a: AddressObject | AddressObject[] | undefined): string[] {
  const list = a === undefined ? [] : Array.isArray(a) ? a.flatMap((x) => x.value) : a.value
  return list.map((x) => x.address?.toLowerCase()).filter((x): x is string => x !== undefined && x !== '')
}

function headerText (v: HeaderValue | undefined): string | null {
  if (v === undefined) return null
  if (typeof v === 'string') return v
  if (v instanceof Date) return v.toISOString()
  if (Array.isArray(v)) return v.map((x) => typeof x === 'string' ? x : '').join(', ')
  if (typeof v === 'object' && 'value' in v) {
    const value = (v as { value: unknown }).value
    if (typeof value === 'string') return value
    if (Array.isArray(value)) return value.map((x: { address?: string }) => x.address ?? '').join(', ')
  }
  if (typeof v === 'object' && 'text' in v) return String((v as { text: unknown }).text)
  return null
}

/** Turns a raw message into facts; throws MalformedMailError for what is not a message at all. */
export async function parseMail (raw: Buffer, opts: { maxAttachmentBytes: number }): Promise<ParsedMessage> {
  let p: ParsedMail
  try {
    p = await simpleParser(raw, { skipHtmlToText: true, skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true })
  } catch (err) {
    throw new MalformedMailError(`not a parsable message: ${(err as Error).message}`)
  }
  if (p.headers.size === 0) throw new MalformedMailError('no headers')
  const ct = p.headers.get('content-type') as { value?: string, params?: Record<string, string> } | undefined
  const facts: MailFacts = {
    messageId: p.messageId === undefined ? null : bare(p.messageId) || null,
    inReplyTo: ids(p.inReplyTo),
    references: ids(p.references),
    from: firstAddress(p.from),
    subject: (p.subject ?? '').replace(/\s+/g, ' ').trim(),
    autoSubmitted: headerText(p.headers.get('auto-submitted')),
    xAutoreply: ['x-autoreply', 'x-autorespond', 'x-autoresponder'].some((h) => p.headers.has(h)),
    precedence: headerText(p.headers.get('precedence')),
    returnPath: p.headers.has('return-path') ? (headerText(p.headers.get('return-path')) ?? '') : null,
    contentType: (ct?.value ?? 'text/plain').toLowerCase(),
    reportType: ct?.params?.['report-type']?.toLowerCase() ?? null,
    text: textOf(p)
  }
  const attachments: MailAttachment[] = p.attachments.map((a, i) => ({
    filename: (a.filename ?? '').trim() || `вложение-${i + 1}${extension(a.contentType)}`,
    contentType: a.contentType || 'application/octet-stream',
    size: a.size ?? a.content.length,
    contentId: a.contentId === undefined ? null : bare(a.contentId) || null,
    inline: a.related === true || a.contentDisposition === 'inline',
    content: a.content.length > opts.maxAttachmentBytes ? null : a.content
  }))
  return { facts, to: [...addresses(p.to), ...addresses(p.cc)], date: p.date ?? null, attachments }
}

function extension (contentType: string): string {
  const known: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'application/pdf': '.pdf', 'text/plain': '.txt', 'message/delivery-status': '.txt', 'message/rfc822': '.eml' }
  return known[contentType.toLowerCase()] ?? ''
}

/**
 * The text a specialist reads: the plain part, or for HTML-only mail its HTML as text, converted
 * here (one way for every structure): no markup, scripts, styles, images or link targets. HTML
 * that cannot be converted leaves the text empty; the message is kept whole anyway.
 */
function textOf (p: ParsedMail): string {
  const plain = (p.text ?? '').trim()
  if (plain !== '' || typeof p.html !== 'string') return plain
  try {
    return convertHtml(p.html)
  } catch {
    return ''
  }
}

function convertHtml (html: string): string {
  return convert(html, {
    limits: { maxDepth: 100, maxInputLength: 2_000_000 },
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable' }
    ]
  }).trim()
}
