// Replies by SMTP through the outbox, against a real Dovecot and an SMTP sink, over the HTTP API:
// «Обратная связь» e-mails the question, the requester's answer to it ends the wait, «Решен»
// e-mails the resolution in the thread; retries, a final refusal, a retry by hand, a restart in the
// middle of a send, the copy in Sent, and attachments served only as downloads to a session.
import t from 'tap'
import { DOVECOT, NO_DOVECOT, startDovecot } from '../helpers/dovecot.js'
import { startSmtpSink } from '../helpers/smtp-sink.js'
import { testApp } from '../helpers/app.js'
import { channel, until } from '../helpers/mail.js'
import { mailRepository } from '../../src/db/mail.repository.js'
import { INTERRUPTED } from '../../src/mail/outbox.js'
import type { MailChannel } from '../../src/mail/channel.js'
import * as s from './samples.js'

t.test('mail replies: the question, the answer to it, the resolution, retries and the outbox', { skip: DOVECOT === undefined ? NO_DOVECOT : false }, async (t) => {
  const dc = await startDovecot(t)
  const sink = await startSmtpSink(t)
  const { app, service, database, db, config, as } = await testApp(t, {
    env: { IMAP_URL: dc.url(), IMAP_TLS_CA_FILE: dc.caFile, SMTP_URL: sink.url, MAIL_FROM: 'Ситуационный центр <aisedo@pioner72.ru>', SESSION_TTL_HOURS: '24' },
    mail: { maxAttachmentBytes: 2048, reader: { pollMs: 500, minBackoffMs: 100, maxBackoffMs: 500 }, sender: { everyMs: 200, retryMinMs: 100, retryMaxMs: 300, maxAttempts: 4 } }
  })
  const clock = (): Date => new Date()
  let ch: MailChannel = service.mail // the service's own channel: started on the embedded database's leadership
  const h = await as('specialist')
  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => {
    const res = await app.inject({ method, url, headers: h, ...(payload !== undefined ? { payload: payload as object } : {}) })
    return { status: res.statusCode, body: res.json() }
  }
  const mail = mailRepository(db)
  const ago = (min: number): { internalDate: Date } => ({ internalDate: new Date(Date.now() - min * 60_000) })

  await dc.deliver(s.plainRequest(), ago(5))
  const draft = await until('the draft', async () => { const r = await call('GET', '/api/entries?draft=true'); return r.body.items[0] })
  t.equal((await app.inject({ method: 'GET', url: '/health' })).json().mail, 'connected', '/health says the mailbox is connected')
  const announced = await db.selectFrom('push_message').select(['type', 'payload']).where('type', '=', 'mail.received').execute()
  t.match(announced, [{ payload: { entry: { id: draft.id, channel: 'email' }, mail: { fromAddress: 'petrova@school5.ru', subject: 'Не открывается каталог Навигатора', created: true } } }], 'the draft is announced live (mail.received)')
  t.equal((await call('PATCH', `/api/entries/${draft.id}`, { type: 'support', module: 'navigator', organizationName: 'МАОУ СОШ № 5' })).status, 200, 'completed')
  const reg = await call('POST', `/api/entries/${draft.id}/register`)
  t.equal(reg.status, 200, 'registered')
  const tag = `[№ ${reg.body.numberLabel}]`

  // «Обратная связь»: the question goes to the requester in her thread
  t.equal((await call('POST', `/api/entries/${draft.id}/status`, { status: 'feedback', comment: 'Уточните, пожалуйста, логин школы.' })).status, 200, '«Обратная связь»')
  const [question] = await sink.waitFor(1)
  t.same(question?.to, ['petrova@school5.ru'], 'to the address the request came from')
  t.equal(question?.from, 'aisedo@pioner72.ru', 'from MAIL_FROM')
  t.equal(question?.parsed.subject, `Re: Не открывается каталог Навигатора ${tag}`, 'the subject with the tag')
  t.equal(question?.parsed.inReplyTo, '<req-1@school5.ru>', 'In-Reply-To the request')
  t.match(question?.parsed.text, /Уточните, пожалуйста, логин школы\./, 'the question')
  const questionId = question!.parsed.messageId!.replace(/[<>]/g, '')
  const sentItems = await until('sent on the entry', async () => { const r = await call('GET', `/api/entries/${draft.id}/mail`); return r.body.items.find((m: { outbox: { state: string } | null }) => m.outbox?.state === 'sent') && r.body.items })
  t.match(sentItems, [{ direction: 'in', kind: 'request' }, { direction: 'out', kind: 'question', outbox: { state: 'sent', attempts: 1 } }], 'the correspondence in order, with the delivery state')
  await until('the copy in Sent', async () => (await mail.outboxById(sentItems[1].outbox.id))?.sent_copy === true)
  const c = await dc.client()
  const lock = await c.getMailboxLock('Sent')
  const inSent = await c.search({ header: { 'message-id': questionId } }, { uid: true })
  lock.release()
  await c.logout()
  t.equal(Array.isArray(inSent) ? inSent.length : 0, 1, 'a copy in the mailbox\'s Sent folder')

  // she answers our question (In-Reply-To our message): the entry goes back to «В работе»
  await dc.deliver(s.reply({ inReplyTo: questionId, references: ['req-1@school5.ru', questionId], messageId: 'req-3@school5.ru' }), ago(1))
  await until('back in work', async () => (await call('GET', `/api/entries/${draft.id}`)).body.status === 'in_progress')
  t.pass('the answer to our question ends «Обратная связь»')

  // «Решен»: the resolution comment goes back in the thread (reg. 3.4.1)
  t.equal((await call('POST', `/api/entries/${draft.id}/status`, { status: 'resolved', comment: 'Каталог восстановлен, обновите страницу.' })).status, 200, '«Решен»')
  const answer = (await sink.waitFor(2))[1]
  t.equal(answer?.parsed.inReplyTo, '<req-3@school5.ru>', 'in reply to her latest message')
  t.match(answer?.parsed.references, ['<req-1@school5.ru>', `<${questionId}>`, '<req-3@school5.ru>'], 'the whole chain in References')
  t.match(answer?.parsed.text, /Ответ на обращение № \d{4}-1.*\n\nКаталог восстановлен, обновите страницу\./s, 'the resolution comment')
  t.equal(answer?.parsed.headers.get('auto-submitted'), 'no', 'written by a person (RFC 3834)')

  // a temporary refusal is retried; a final one is shown with the server's answer, then sent by hand
  const second = await (async () => {
    await dc.deliver(s.plainRequest({ messageId: 'req-9@school5.ru', subject: 'Второй вопрос' }), ago(1))
    const d = await until('the second draft', async () => { const r = await call('GET', '/api/entries?draft=true'); return r.body.items[0] })
    await call('PATCH', `/api/entries/${d.id}`, { type: 'support', module: 'navigator', organizationName: 'МАОУ СОШ № 5' })
    await call('POST', `/api/entries/${d.id}/register`)
    return d
  })()
  sink.refuseNext(2, 451, '4.7.1 greylisted, try again')
  await call('POST', `/api/entries/${second.id}/status`, { status: 'resolved', comment: 'Ответ на второй вопрос.' })
  await sink.waitFor(3)
  const retried = (await call('GET', `/api/entries/${second.id}/mail`)).body.items.find((m: { direction: string }) => m.direction === 'out')
  t.match(retried.outbox, { state: 'sent', attempts: 3 }, 'sent at the third attempt after two refusals')
  t.equal(sink.received.length, 3, 'and only once')

  sink.refuseNext(1, 550, '5.1.1 mailbox unavailable')
  await call('POST', `/api/entries/${second.id}/status`, { status: 'in_progress', comment: 'не помогло' })
  await call('POST', `/api/entries/${second.id}/status`, { status: 'resolved', comment: 'Второй ответ.' })
  const failed = await until('the final refusal', async () => (await call('GET', `/api/entries/${second.id}/mail`)).body.items.find((m: { outbox: { state: string } | null }) => m.outbox?.state === 'failed'))
  t.match(failed.outbox, { state: 'failed', attempts: 1, lastError: /550 5\.1\.1 mailbox unavailable/ }, 'failed with the server\'s answer, not retried')
  const auditor = await as('auditor')
  t.equal((await app.inject({ method: 'POST', url: `/api/mail/outbox/${failed.outbox.id}/retry`, headers: auditor })).statusCode, 403, 'an auditor cannot send')
  t.equal((await call('POST', `/api/mail/outbox/${failed.outbox.id}/retry`)).status, 200, 'sent again by hand')
  await sink.waitFor(4)
  t.equal((await call('POST', `/api/mail/outbox/${failed.outbox.id}/retry`)).body.code, 'OUTBOX_NOT_FAILED', 'a sent one is not sent again')

  // a send interrupted by a restart is never sent again by itself
  await ch.stop()
  await call('POST', `/api/entries/${second.id}/status`, { status: 'in_progress', comment: 'снова' })
  await call('POST', `/api/entries/${second.id}/status`, { status: 'resolved', comment: 'Третий ответ.' })
  const pending = await db.selectFrom('mail_outbox').select('id').where('state', '=', 'queued').executeTakeFirstOrThrow()
  await db.updateTable('mail_outbox').set({ state: 'sending', updated_at: new Date(Date.now() - 3600_000) }).where('id', '=', pending.id).execute() // the process died mid-send
  ch = channel(t, database, { ...config.mail, maxAttachmentBytes: 2048 }, clock, { publish: service.push.publish }) // as after a restart
  await until('the interrupted send marked', async () => (await mail.outboxById(pending.id))?.state === 'failed')
  t.equal((await mail.outboxById(pending.id))?.last_error, INTERRUPTED, 'failed with the reason: it may have gone')
  await ch.sender!.idle()
  t.equal(sink.received.length, 4, 'not sent a second time')

  // attachments: only with a session, only as downloads
  await dc.deliver(s.withAttachments(), ago(1))
  const withFiles = await until('the attachments', async () => { const r = await call('GET', '/api/entries?draft=true'); return r.body.items.find((e: { callerEmail: string }) => e.callerEmail === 'ivanova@school7.ru') })
  const items = (await call('GET', `/api/entries/${withFiles.id}/mail`)).body.items
  const pdf = items[0].attachments[0]
  t.equal((await app.inject({ method: 'GET', url: `/api/mail/attachments/${pdf.id}` })).statusCode, 401, 'no session: 401')
  const dl = await app.inject({ method: 'GET', url: `/api/mail/attachments/${pdf.id}`, headers: h })
  t.equal(dl.statusCode, 200, 'with a session')
  t.equal(dl.headers['content-disposition'], `attachment; filename="_____ _ 5.pdf"; filename*=UTF-8''${encodeURIComponent('отчёт № 5.pdf')}`, 'a download, with its Cyrillic name (RFC 6266)')
  t.equal(dl.headers['content-type'], 'application/octet-stream', 'never rendered by the browser')
  t.equal(dl.body, '%PDF-1.4 отчёт', 'the bytes')
  t.equal((await app.inject({ method: 'GET', url: `/api/mail/attachments/${items[0].attachments[2].id}`, headers: h })).json().code, 'ATTACHMENT_NOT_KEPT', 'the one over the limit: 410 with the reason')
  const src = await app.inject({ method: 'GET', url: `/api/mail/messages/${items[0].id}/source`, headers: h })
  t.match(src.body, /^From: =\?UTF-8\?B\?/, 'the whole source as a download')
  t.equal((await call('GET', '/api/entries/999999/mail')).status, 404, 'an unknown entry: 404')
  t.equal((await call('GET', '/api/mail/attachments/0')).status, 400, 'a bad id: 400')
})
