// The mailbox → the journal, against a real Dovecot: a request opens a draft dated by its arrival,
// a reply lands on its entry and ends «Обратная связь», machine mail opens nothing, a malformed
// message is kept aside and does not block the mailbox, and a restart reads nothing twice.
import t from 'tap'
import { DOVECOT, NO_DOVECOT, startDovecot } from '../helpers/dovecot.js'
import { testDatabase } from '../helpers/db.js'
import { channel, mailConfig, testJournal, until } from '../helpers/mail.js'
import { mailRepository } from '../../src/db/mail.repository.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { organizationsRepository } from '../../src/db/organizations.repository.js'
import { RESUME_COMMENT } from '../../src/mail/intake.js'
import * as s from './samples.js'

const FRIDAY_1830 = new Date('2026-03-06T18:30:00+05:00')
const NOW = new Date('2026-03-10T09:10:00+05:00') // Tuesday; Monday 9 March 2026 is a holiday

t.test('mail intake: drafts, threads, machine mail, malformed mail, restarts', { skip: DOVECOT === undefined ? NO_DOVECOT : false }, async (t) => {
  const dc = await startDovecot(t)
  const database = await testDatabase(t)
  const db = database.db
  const clock = { now: NOW }
  const journal = testJournal(database, () => clock.now)
  const mail = mailRepository(db)
  const user = await usersRepository(db).create({ username: 'ivanova', fullName: 'Иванова Анна', passwordHash: 'x', role: 'specialist' })
  const config = mailConfig({ IMAP_URL: dc.url(), IMAP_TLS_CA_FILE: dc.caFile }) // imap:// upgrades with STARTTLS: the test CA is trusted
  const drafts = async () => (await journal.list({ now: clock.now, draft: true, limit: 100, offset: 0 })).items
  const count = async () => await mail.incomingCount()

  // a known sender: the directory has her address
  const orgs = organizationsRepository(db)
  const school = await orgs.create({ name: 'МАОУ СОШ № 5 г. Тюмени', kind: 'educational' })
  const known = await orgs.createContact({ fullName: 'Петрова Ольга Ивановна', emails: ['Petrova@School5.ru'], organizationId: school.id })

  await dc.deliver(s.plainRequest(), { internalDate: FRIDAY_1830 })
  const ch = channel(t, database, config, () => clock.now)
  const [draft] = await until('the first draft', async () => { const d = await drafts(); return d.length > 0 && d })
  t.ok(ch.reader?.mode === 'idle', 'Dovecot offers IDLE: the reader waits with it')
  t.equal(ch.status(), 'connected', 'the mailbox is connected')
  t.match(draft, { channel: 'email', callerEmail: 'petrova@school5.ru', contactId: known.id, organizationId: school.id, organizationName: 'МАОУ СОШ № 5 г. Тюмени', createdBy: null }, 'a draft from the known sender')
  t.match(draft?.description, /^Не открывается каталог Навигатора\n\nЗдравствуйте! С утра не открывается каталог/, 'the description is the subject and the text')
  t.equal(draft?.createdAt.toISOString(), FRIDAY_1830.toISOString(), 'opened at the arrival (INTERNALDATE), not when it was read')
  const [kept] = await mail.correspondence(draft!.id)
  t.match(kept, { direction: 'in', kind: 'request', messageId: 'req-1@school5.ru', fromName: 'Петрова Ольга', subject: 'Не открывается каталог Навигатора' }, 'the message is on the draft')
  const rawRow = await db.selectFrom('mail_message').select(['raw', 'received_at']).where('id', '=', kept!.id).executeTakeFirstOrThrow()
  t.match(Buffer.from(rawRow.raw!).toString('utf8'), /^From: Петрова Ольга <petrova@school5.ru>\r\n/, 'kept whole: the raw source')

  // registered on Tuesday: reg. 3.3 gives the next working day after Friday 18:30
  const e = draft!
  await journal.update(e.id, { type: 'support', module: 'navigator' }, { by: user.id })
  const reg = await journal.register(e.id, { by: user.id })
  t.ok(reg.ok, 'registered')
  if (!reg.ok) return
  t.equal(reg.entry.registeredOn, '2026-03-10', 'Friday 18:30 → the next working day (Monday 9 March is a holiday)')
  t.equal(reg.entry.number, 1, '№ 1')

  // asked for more information; the answer comes in the thread
  clock.now = new Date('2026-03-10T10:00:00+05:00')
  const fb = await journal.changeStatus(e.id, { to: 'feedback', comment: 'Уточните логин школы' }, { by: user.id })
  t.equal(fb.ok && fb.entry.status, 'feedback', 'waiting in «Обратная связь»')
  clock.now = new Date('2026-03-11T09:30:00+05:00')
  await dc.deliver(s.reply({ inReplyTo: 'req-1@school5.ru', references: ['req-1@school5.ru'] }), { internalDate: new Date('2026-03-11T09:00:00+05:00') })
  const back = await until('the entry back in work', async () => { const x = await journal.byId(e.id); return x?.status === 'in_progress' && x })
  t.equal(back.pauses.length, 1, 'one pause')
  t.equal(back.pauses[0]?.to?.toISOString(), new Date('2026-03-11T09:00:00+05:00').toISOString(), 'the clock resumes when the answer arrived')
  t.ok(back.dueAt !== null && back.dueAt > reg.entry.dueAt!, 'the deadline moved by the pause')
  const history = await journal.history(e.id)
  t.ok(history.some((h) => h.action === 'status' && h.field === 'comment' && h.new === RESUME_COMMENT && h.userId === null), 'the history says why it went back to «В работе»')
  t.same((await mail.correspondence(e.id)).map((m) => m.kind), ['request', 'reply'], 'the reply is on the entry')
  t.equal((await drafts()).length, 0, 'no new draft for the reply')

  // by the tag alone (a new message with the number in its subject)
  await dc.deliver(s.plainRequest({ messageId: 'tag-1@school5.ru', subject: 'Дополнение [№ 2026-1]', body: 'Ещё скриншот' }), { internalDate: new Date('2026-03-11T10:00:00+05:00') })
  await until('the tagged message', async () => (await mail.correspondence(e.id)).length === 3)
  t.equal((await drafts()).length, 0, 'the tag attaches it to the entry')

  // machine mail and our own: nothing opens, nothing changes
  const before = await count()
  for (const raw of [s.autoReply(), s.outOfOffice(), s.newsletter(), s.bounce(), s.fromOurselves()]) await dc.deliver(raw, { internalDate: new Date('2026-03-11T11:00:00+05:00') })
  await until('the machine mail read', async () => (await count()) === before + 5)
  t.equal((await drafts()).length, 0, 'no draft for auto-replies, out-of-office, a newsletter, a bounce or our own mail')
  const aside = await mail.aside(10)
  t.same(aside.map((a) => a.kind).sort(), ['auto-reply', 'auto-reply', 'bounce', 'own'], 'kept aside with their kind')
  const onEntry = await mail.correspondence(e.id)
  t.equal(onEntry.at(-1)?.kind, 'auto-reply', 'the auto-reply with the entry\'s tag is kept on the entry, for the record')
  t.equal((await journal.byId(e.id))?.status, 'in_progress', 'and changes nothing')

  // a malformed message is kept aside and the next one still comes through
  await dc.deliver(s.malformed(), { internalDate: new Date('2026-03-11T12:00:00+05:00') })
  await dc.deliver(s.windows1251(), { internalDate: new Date('2026-03-11T12:01:00+05:00') })
  const [cp1251] = await until('the message after the malformed one', async () => { const d = await drafts(); return d.length > 0 && d })
  t.match(cp1251?.description, /^Ошибка при выгрузке сертификатов\n\nДобрый день! При выгрузке сертификатов ПФДО/, 'a windows-1251 request decoded')
  t.match(cp1251, { contactText: 'Сидоров Иван Петрович', callerEmail: 'sidorov@gym1.ru' }, 'an unknown sender: the name from the message, the address to answer to')
  t.ok((await mail.aside(20)).some((a) => a.kind === 'malformed' && a.note !== null), 'the malformed one is kept aside with the reason')

  // the same unknown sender again: identified by the earlier request from the address, as a caller is by number
  clock.now = new Date('2026-03-11T12:30:00+05:00')
  await journal.update(cp1251!.id, { type: 'support', module: 'paid_services', organizationName: 'МАОУ Гимназия № 1 г. Тюмени' }, { by: user.id })
  t.ok((await journal.register(cp1251!.id, { by: user.id })).ok, 'the windows-1251 request registered')
  await dc.deliver(s.plainRequest({ from: 'sidorov@gym1.ru', messageId: 'cp1251-2@gym1.ru', subject: 'Снова ошибка выгрузки', body: 'Ошибка 500 осталась.' }), { internalDate: new Date('2026-03-11T12:40:00+05:00') })
  const again = await until('the second message of the sender', async () => (await drafts()).find((d) => d.callerEmail === 'sidorov@gym1.ru'))
  t.match(again, { contactText: 'Сидоров Иван Петрович', organizationName: 'МАОУ Гимназия № 1 г. Тюмени', contactId: null }, 'no name in the message: the name and organization of his earlier request')

  // a restart: nothing is read twice; mail that came while the service was down is read after it
  await ch.stop()
  const rows = await count()
  await dc.deliver(s.koi8r(), { internalDate: new Date('2026-03-11T13:00:00+05:00') })
  await dc.deliver(s.withAttachments(), { internalDate: new Date('2026-03-11T13:05:00+05:00') })
  clock.now = new Date('2026-03-12T09:00:00+05:00')
  const ch2 = channel(t, database, config, () => clock.now)
  await until('the mail of the outage', async () => (await count()) === rows + 2)
  await ch2.reader!.syncNow()
  t.equal(await count(), rows + 2, 'only the two new messages: nothing read twice')
  const all = await drafts()
  const koi = all.find((d) => d.callerEmail === 'kuznecova@edu72.ru')
  t.equal(koi?.createdAt.toISOString(), new Date('2026-03-11T13:00:00+05:00').toISOString(), 'read late, still dated by its arrival')
  await journal.update(koi!.id, { type: 'support', module: 'talents', organizationName: 'Департамент образования' }, { by: user.id })
  const lateReg = await journal.register(koi!.id, { by: user.id })
  t.equal(lateReg.ok && lateReg.entry.registeredOn, '2026-03-11', 'registered on Thursday with Wednesday\'s date: the day it arrived, not the day it was read')
  const att = all.find((d) => d.callerEmail === 'ivanova@school7.ru')
  const [withFiles] = await mail.correspondence(att!.id)
  t.same(withFiles?.attachments.map((a) => [a.filename, a.kept]), [['отчёт № 5.pdf', true], ['список учеников.txt', true], ['big.bin', false]], 'attachments kept with their Cyrillic names; the one over the limit listed, not kept')
  // a request kept just before a stop, its draft not opened yet: opened on the next round
  const pendingId = await mail.insertIncoming({
    kind: 'request', mailbox: ch2.reader!.name, uidValidity: 1, uid: 999_999, dedupKey: 'pending-1@school5.ru', messageId: 'pending-1@school5.ru',
    inReplyTo: [], references: [], fromAddress: 'pending@school5.ru', fromName: 'Ожидающий', to: [], subject: 'Оставшийся запрос', body: 'Текст',
    sentDate: null, receivedAt: new Date('2026-03-11T14:00:00+05:00'), size: 10, raw: Buffer.from('x'), rawTruncated: false, note: null, attachments: []
  })
  await ch2.reader!.syncNow()
  const caught = (await drafts()).find((d) => d.callerEmail === 'pending@school5.ru')
  t.match(caught, { description: 'Оставшийся запрос\n\nТекст', createdAt: new Date('2026-03-11T14:00:00+05:00') }, 'a kept request without a draft gets it on the next round')
  t.equal((await mail.correspondence(caught!.id))[0]?.id, pendingId, 'linked to its message')
  await ch2.reader!.syncNow()
  t.equal((await drafts()).filter((d) => d.callerEmail === 'pending@school5.ru').length, 1, 'once')

  const seen = await (async () => {
    const c = await dc.client()
    try {
      await c.mailboxOpen('INBOX')
      const r = await c.search({ seen: true }, { uid: true })
      return r === false || r === undefined ? [] : r
    } finally { await c.logout() }
  })()
  t.same(seen, [], 'no message was marked \\Seen by the service (people read the mailbox too)')
})
