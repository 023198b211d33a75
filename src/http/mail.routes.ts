// The e-mail channel over HTTP: an entry's correspondence in order (incoming and outgoing, with the
// delivery state of ours), its attachments and the whole source as downloads (never shown inline:
// mail is someone else's content), a failed reply sent again, and the mail kept aside.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { MailRepository } from '../db/mail.repository.js'
import type { JournalRepository } from '../db/journal.repository.js'
import { httpError } from './errors.js'
import { DateTimeOut, IdParams, NullableDateTimeOut } from './schemas.js'

export interface MailRoutesOptions {
  mail: MailRepository
  journal: Pick<JournalRepository, 'byId'>
  clock: () => Date
  /** a failed reply was queued again: send it now */
  queued?: () => void
  publish?: (entryId: number | null, mailId: number) => Promise<unknown>
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

const MailItemSchema = Type.Object({
  id: Type.Integer(),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  kind: Type.String({ description: 'request, reply, auto-reply, bounce, own, malformed (incoming); answer, question (ours)' }),
  fromAddress: Nullable(Type.String()),
  fromName: Nullable(Type.String()),
  to: Type.Array(Type.String()),
  subject: Type.String(),
  body: Type.String({ description: 'plain text (HTML-only mail converted); never HTML' }),
  sentDate: NullableDateTimeOut,
  receivedAt: DateTimeOut,
  size: Type.Integer(),
  rawTruncated: Type.Boolean(),
  note: Nullable(Type.String()),
  attachments: Type.Array(Type.Object({ id: Type.Integer(), filename: Type.String(), contentType: Type.String(), size: Type.Integer(), inline: Type.Boolean(), kept: Type.Boolean() })),
  outbox: Nullable(Type.Object({
    id: Type.Integer(),
    state: Type.Union([Type.Literal('queued'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed')]),
    attempts: Type.Integer(),
    lastError: Nullable(Type.String({ description: 'the SMTP server\'s answer to the last attempt' })),
    nextAttemptAt: DateTimeOut,
    sentAt: NullableDateTimeOut,
    sentCopy: Nullable(Type.Boolean({ description: 'the copy in the mailbox\'s Sent folder' }))
  }))
})

/** RFC 6266 / 5987: a download keeps its Cyrillic name in every browser. */
export function contentDisposition (filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`
}

export const mailRoutes: FastifyPluginAsyncTypebox<MailRoutesOptions> = async (app, { mail, journal, clock, queued, publish }) => {
  const tags = ['mail']
  const download = (reply: { header: (k: string, v: string) => unknown }, filename: string): void => {
    reply.header('content-type', 'application/octet-stream')
    reply.header('content-disposition', contentDisposition(filename))
    reply.header('x-content-type-options', 'nosniff')
    reply.header('content-security-policy', "sandbox; default-src 'none'")
    reply.header('cache-control', 'private, no-store')
  }

  app.get('/api/entries/:id/mail', {
    schema: { tags, summary: 'The entry\'s correspondence in order: incoming and outgoing, attachments, delivery state', params: IdParams, response: { 200: Type.Object({ items: Type.Array(MailItemSchema) }) } }
  }, async (req) => {
    if (await journal.byId(req.params.id) === undefined) throw httpError(404, 'ENTRY_NOT_FOUND', `journal entry ${req.params.id} not found`)
    return { items: await mail.correspondence(req.params.id) }
  })

  app.get('/api/mail/attachments/:id', {
    schema: { tags, summary: 'An attachment, as a download (Content-Disposition: attachment)', params: IdParams }
  }, async (req, reply) => {
    const a = await mail.attachment(req.params.id)
    if (a === undefined) throw httpError(404, 'ATTACHMENT_NOT_FOUND', `attachment ${req.params.id} not found`)
    if (a.content === null) throw httpError(410, 'ATTACHMENT_NOT_KEPT', `«${a.filename}» was over the size limit and not kept; the whole message is in the mailbox (and in its source, when within the limit)`)
    download(reply, a.filename)
    return reply.send(a.content)
  })

  app.get('/api/mail/messages/:id/source', {
    schema: { tags, summary: 'A message kept whole: its source (.eml), as a download', params: IdParams }
  }, async (req, reply) => {
    const r = await mail.source(req.params.id)
    if (r === undefined || r.raw === null) throw httpError(404, 'MAIL_NOT_FOUND', `message ${req.params.id} not found`)
    download(reply, `письмо-${req.params.id}.eml`)
    return reply.send(r.raw)
  })

  app.post('/api/mail/outbox/:id/retry', {
    schema: { tags, summary: 'Send a failed reply again (after checking the Sent folder that it did not go)', params: IdParams }
  }, async (req) => {
    const r = await mail.requeue(req.params.id, clock())
    if (r === undefined) {
      const row = await mail.outboxById(req.params.id)
      if (row === undefined) throw httpError(404, 'OUTBOX_NOT_FOUND', `outgoing message ${req.params.id} not found`)
      throw httpError(409, 'OUTBOX_NOT_FAILED', `outgoing message ${req.params.id} is ${row.state}: only a failed one is sent again`)
    }
    req.log.info({ outboxId: req.params.id, entryId: r.entryId }, 'mail: a failed reply queued again by hand')
    queued?.()
    await publish?.(r.entryId, r.mailId)
    return { ok: true }
  })

  app.get('/api/mail/aside', {
    schema: {
      tags,
      summary: 'Incoming mail with no entry: auto-replies, bounces, our own, malformed — newest first',
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.Integer(), kind: Type.String(), fromAddress: Nullable(Type.String()), subject: Type.String(), receivedAt: DateTimeOut, note: Nullable(Type.String()) })) }) }
    }
  }, async (req) => ({
    items: (await mail.aside(req.query.limit ?? 100)).map((r) => ({ id: r.id, kind: r.kind, fromAddress: r.from_address, subject: r.subject, receivedAt: r.received_at, note: r.note }))
  }))
}
