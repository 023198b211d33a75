import t from 'tap'
import { parseMail, MalformedMailError } from '../../src/mail/parse.js'
import { classify } from '../../src/mail/rules.js'
import * as s from './samples.js'

const opts = { maxAttachmentBytes: 2048 }
const own = { addresses: [s.OUR_ADDRESS] }

t.test('parseMail: legacy Cyrillic charsets and encoded words', async (t) => {
  const w = await parseMail(s.windows1251(), opts)
  t.equal(w.facts.subject, 'Ошибка при выгрузке сертификатов', 'windows-1251 encoded-word subject')
  t.same(w.facts.from, { address: 'sidorov@gym1.ru', name: 'Сидоров Иван Петрович' }, 'windows-1251 encoded-word name; the address in lower case')
  t.match(w.facts.text, /При выгрузке сертификатов ПФДО выходит ошибка 500\.\s+Ёлкин, учитель/, 'the 8-bit windows-1251 body with Ё')
  const k = await parseMail(s.koi8r(), opts)
  t.equal(k.facts.subject, 'Вопрос по базе талантливых детей', 'KOI8-R subject')
  t.equal(k.facts.from.name, 'Кузнецова Елена', 'KOI8-R name')
  t.match(k.facts.text, /Как добавить ученика в региональную базу/, 'the KOI8-R body')
  t.equal(k.facts.messageId, 'koi8-1@edu72.ru', 'Message-ID without brackets')
  t.equal(classify(w.facts, own).kind, 'request', 'a request')
})

t.test('parseMail: HTML-only mail becomes text without its markup, scripts or styles', async (t) => {
  const h = await parseMail(s.htmlOnly(), opts)
  t.match(h.facts.text, /Добрый день!/, 'the text of the HTML')
  t.match(h.facts.text, /«договор»/, 'entities decoded')
  t.notMatch(h.facts.text, /<|alert|color:red|tracker/, 'no tags, script, style or image links')
})

t.test('parseMail: attachments with Cyrillic names, inline images, the size limit', async (t) => {
  const a = await parseMail(s.withAttachments(), opts)
  t.same(a.attachments.map((x) => [x.filename, x.contentType, x.inline]), [
    ['отчёт № 5.pdf', 'application/pdf', false],
    ['список учеников.txt', 'text/plain', false],
    ['big.bin', 'application/octet-stream', false]
  ], 'RFC 2231 and encoded-word file names')
  t.equal(a.attachments[0]?.content?.toString('utf8'), '%PDF-1.4 отчёт', 'the bytes kept')
  t.equal(a.attachments[2]?.content, null, 'over the limit: not kept')
  t.equal(a.attachments[2]?.size, 3000, 'but its size is known')
  t.equal(a.facts.text, 'Прикладываю отчёт и список.', 'the text part')
  const i = await parseMail(s.inlineImage(), opts)
  t.match(i.attachments, [{ filename: 'экран.png', contentType: 'image/png', inline: true, contentId: 'shot1@school9.ru' }], 'the inline image with its Content-ID')
  t.match(i.facts.text, /Вот что на экране/, 'its HTML as text')
})

t.test('parseMail + classify: machine mail and our own', async (t) => {
  const rows = [
    ['auto-reply', s.autoReply(), 'auto-reply'],
    ['out of office', s.outOfOffice(), 'auto-reply'],
    ['newsletter', s.newsletter(), 'auto-reply'],
    ['bounce', s.bounce(), 'bounce'],
    ['our own address', s.fromOurselves(), 'own'],
    ['a person', s.plainRequest(), 'request'],
    ['a reply', s.reply({ inReplyTo: 'x@y' }), 'request']
  ] as const
  for (const [title, raw, want] of rows) t.equal(classify((await parseMail(raw, opts)).facts, own).kind, want, title)
  const b = await parseMail(s.bounce(), opts)
  t.equal(b.facts.reportType, 'delivery-status', 'the report type')
  t.equal(b.facts.returnPath, '', 'the null sender')
  const r = await parseMail(s.reply({ inReplyTo: 'ans-1@pioner72.ru', references: ['req-1@school5.ru', 'ans-1@pioner72.ru'] }), opts)
  t.same([r.facts.inReplyTo, r.facts.references], [['ans-1@pioner72.ru'], ['req-1@school5.ru', 'ans-1@pioner72.ru']], 'the thread headers')
})

t.test('parseMail: what is not a message', async (t) => {
  await t.rejects(parseMail(s.malformed(), opts), MalformedMailError, 'no headers: malformed')
})
