// The test servers themselves: Dovecot over plain IMAP and TLS keeps a message with the arrival
// time given at delivery; the SMTP sink accepts and refuses as told.
import t from 'tap'
import { ImapFlow } from 'imapflow'
import nodemailer from 'nodemailer'
import fs from 'node:fs'
import { DOVECOT, NO_DOVECOT, startDovecot } from '../helpers/dovecot.js'
import { startSmtpSink } from '../helpers/smtp-sink.js'

t.test('dovecot: a delivered message keeps its INTERNALDATE, over plain IMAP and over TLS', { skip: DOVECOT === undefined ? NO_DOVECOT : false }, async (t) => {
  const dc = await startDovecot(t)
  const at = new Date('2026-03-06T13:30:00Z') // Friday 18:30 in Tyumen
  const uid = await dc.deliver('From: a@example.test\nTo: helpdesk@example.test\nSubject: test\nMessage-ID: <1@example.test>\n\nhello\n', { internalDate: at })
  t.equal(uid, 1, 'the first UID')
  const tls = new ImapFlow({ host: 'localhost', port: dc.tlsPort, secure: true, auth: { user: dc.user, pass: dc.password }, logger: false, tls: { ca: [fs.readFileSync(dc.caFile)] } })
  await tls.connect()
  const lock = await tls.getMailboxLock('INBOX')
  try {
    const msg = await tls.fetchOne('1', { internalDate: true, envelope: true }, { uid: true })
    t.ok(msg, 'fetched over TLS, trusting the test certificate')
    if (msg === false) return
    t.equal(new Date(msg.internalDate!).toISOString(), at.toISOString(), 'INTERNALDATE as delivered')
    t.equal(msg.envelope?.subject, 'test', 'the subject')
  } finally {
    lock.release()
    await tls.logout()
  }
  const untrusted = new ImapFlow({ host: 'localhost', port: dc.tlsPort, secure: true, auth: { user: dc.user, pass: dc.password }, logger: false })
  await t.rejects(untrusted.connect(), 'a self-signed certificate is refused without its CA')
  const c = await dc.client()
  const list = await c.list()
  await c.logout()
  t.ok(list.some((m) => m.specialUse === '\\Sent'), 'the server has a Sent folder')
})

t.test('smtp sink: accepts, and refuses when told', async (t) => {
  const sink = await startSmtpSink(t)
  const tr = nodemailer.createTransport({ url: sink.url } as never)
  sink.refuseNext(1, 451, 'busy')
  await t.rejects(tr.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'x', text: 'y' }), /451/, 'refused once')
  await tr.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'Тема', text: 'Текст' })
  const [got] = await sink.waitFor(1)
  t.equal(got?.parsed.subject, 'Тема', 'the message arrived')
  t.same(got?.to, ['b@example.test'], 'to the envelope recipient')
  tr.close()
})
