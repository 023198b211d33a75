import t from 'tap'
import { classify, contactOf, describe, parseTag, pickThread, replyHeaders, threadKeys, formatTag, type MailFacts } from '../../src/mail/rules.js'

const person: MailFacts = {
  messageId: 'req-1@school5.ru', inReplyTo: [], references: [], from: { address: 'petrova@school5.ru', name: 'Петрова Ольга' },
  subject: 'Не открывается каталог', autoSubmitted: null, xAutoreply: false, precedence: null, returnPath: null,
  contentType: 'text/plain', reportType: null, text: 'Здравствуйте!'
}
const own = { addresses: ['aisedo@pioner72.ru'] }

t.test('classify: only a person\'s message is a request', async (t) => {
  const rows: Array<[string, Partial<MailFacts>, string]> = [
    ['a person', {}, 'request'],
    ['Auto-Submitted: no is a person', { autoSubmitted: 'no' }, 'request'],
    ['Return-Path of a person', { returnPath: 'petrova@school5.ru' }, 'request'],
    ['Precedence: first-class is a person', { precedence: 'first-class' }, 'request'],
    ['Auto-Submitted: auto-replied', { autoSubmitted: 'auto-replied' }, 'auto-reply'],
    ['Auto-Submitted: auto-generated with a comment', { autoSubmitted: 'Auto-Generated; (out of office)' }, 'auto-reply'],
    ['X-Autoreply', { xAutoreply: true }, 'auto-reply'],
    ['Precedence: bulk (a newsletter)', { precedence: 'bulk' }, 'auto-reply'],
    ['Precedence: junk', { precedence: 'Junk' }, 'auto-reply'],
    ['Precedence: list', { precedence: 'list' }, 'auto-reply'],
    ['the null sender', { returnPath: '<>' }, 'auto-reply'],
    ['a read receipt', { contentType: 'multipart/report', reportType: 'disposition-notification' }, 'auto-reply'],
    ['a delivery status report', { contentType: 'multipart/report', reportType: 'delivery-status', from: { address: 'postmaster@mx.example', name: null } }, 'bounce'],
    ['from MAILER-DAEMON', { from: { address: 'mailer-daemon@mx.example', name: 'Mail Delivery System' } }, 'bounce'],
    ['from postmaster without a report', { from: { address: 'postmaster@school5.ru', name: null } }, 'bounce'],
    ['from our own address', { from: { address: 'AISEDO@pioner72.ru', name: 'Ситуационный центр' } }, 'own'],
    ['our own address wins over an auto-reply header', { from: { address: 'aisedo@pioner72.ru', name: null }, autoSubmitted: 'auto-replied' }, 'own']
  ]
  for (const [title, over, want] of rows) t.equal(classify({ ...person, ...over }, own).kind, want, title)
  t.match(classify({ ...person, autoSubmitted: 'auto-replied' }, own).reason, /Auto-Submitted/, 'the reason names the header')
})

t.test('threads: the tag and the headers', async (t) => {
  const tags: Array<[string, [number, number] | null]> = [
    ['Re: Каталог [№ 2026-153]', [2026, 153]],
    ['[№2026-7] вопрос', [2026, 7]],
    ['RE: [N 2026-15]', [2026, 15]],
    ['Fwd: [No. 2025-1024] старое', [2025, 1024]],
    ['№ 2026-153 без скобок', null],
    ['[2026-153]', null],
    ['Обычная тема', null]
  ]
  for (const [subject, want] of tags) t.same(parseTag(subject), want === null ? null : { year: want[0], number: want[1] }, subject)
  t.equal(formatTag({ year: 2026, number: 153 }), '[№ 2026-153]', 'the tag as written in subjects')

  const keys = threadKeys({ inReplyTo: ['b@x'], references: ['a@x', 'b@x', 'c@x'], subject: 'Re: [№ 2026-9]' })
  t.same(keys.messageIds, ['b@x', 'c@x', 'a@x'], 'In-Reply-To first, then References from the nearest')
  const found = (ids: Record<string, number>, byTag?: number) => ({ byMessageId: new Map(Object.entries(ids)), byTag })
  const rows: Array<[string, ReturnType<typeof found>, { entryId: number, by: string } | undefined]> = [
    ['In-Reply-To to a message of entry 5', found({ 'b@x': 5, 'a@x': 6 }, 9), { entryId: 5, by: 'headers' }],
    ['an older reference when the nearest is unknown', found({ 'a@x': 6 }, 9), { entryId: 6, by: 'headers' }],
    ['the tag when no header matches', found({}, 9), { entryId: 9, by: 'tag' }],
    ['nothing: a new request', found({}), undefined]
  ]
  for (const [title, f, want] of rows) t.same(pickThread(keys, f), want, title)
})

t.test('replyHeaders: in the requester\'s thread, with the tag in the subject', async (t) => {
  const n = { year: 2026, number: 153 }
  t.same(replyHeaders({ messageId: 'req-1@x', references: [], subject: 'Не открывается каталог' }, n),
    { inReplyTo: 'req-1@x', references: ['req-1@x'], subject: 'Re: Не открывается каталог [№ 2026-153]' }, 'a first answer')
  t.same(replyHeaders({ messageId: 'req-3@x', references: ['req-1@x', 'ans-2@x'], subject: 'RE: Re: Не открывается каталог [№ 2026-153]' }, n),
    { inReplyTo: 'req-3@x', references: ['req-1@x', 'ans-2@x', 'req-3@x'], subject: 'Re: Не открывается каталог [№ 2026-153]' }, 'later in the thread: one Re:, the tag once, the chain kept')
  t.equal(replyHeaders({ messageId: 'a@x', references: [], subject: 'Ответ: вопрос' }, n).subject, 'Re: вопрос [№ 2026-153]', 'a Russian prefix is dropped too')
  t.equal(replyHeaders({ messageId: 'a@x', references: [], subject: '' }, n).subject, 'Ваше обращение [№ 2026-153]', 'no subject')
  t.same(replyHeaders(null, n), { inReplyTo: null, references: [], subject: 'Ваше обращение [№ 2026-153]' }, 'no original message')
  const long = Array.from({ length: 30 }, (_, i) => `r${i}@x`)
  t.equal(replyHeaders({ messageId: 'last@x', references: long, subject: 's' }, n).references.length, 20, 'References stay short')
})

t.test('describe and contactOf: the draft\'s text', async (t) => {
  t.equal(describe({ subject: 'Каталог', text: 'Не открывается.\n\n\n\nМАОУ СОШ № 5  \n' }), 'Каталог\n\nНе открывается.\n\nМАОУ СОШ № 5', 'subject, then the text tidied')
  t.equal(describe({ subject: 'Re: Каталог', text: 'Логин school5.\n> Уточните логин\n> спасибо' }), 'Re: Каталог\n\nЛогин school5.', 'the quotation left out')
  t.equal(describe({ subject: '', text: 'Текст\n-----Original Message-----\nFrom: x' }), 'Текст', 'a forwarded original left out')
  t.equal(describe({ subject: 'Тема', text: '' }), 'Тема', 'only a subject')
  t.equal(describe({ subject: 'a', text: 'б'.repeat(5000) }).length, 4000, 'limited to 4000 characters')
  t.equal(contactOf({ address: 'petrova@school5.ru', name: 'Петрова Ольга' }), 'Петрова Ольга, petrova@school5.ru', 'name and address')
  t.equal(contactOf({ address: 'petrova@school5.ru', name: null }), 'petrova@school5.ru', 'address only')
  t.equal(contactOf({ address: null, name: null }), null, 'nothing')
})
