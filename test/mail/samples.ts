// Mail as it really comes to the helpdesk mailbox, written out as raw sources: 8-bit windows-1251
// and KOI8-R bodies, encoded-word subjects and names, HTML-only mail, Cyrillic file names (RFC 2231
// and encoded words), inline images, auto-replies, out-of-office, a newsletter, a bounce, our own
// address, a reply in a thread, and something that is not a message.

/** Bytes of a legacy Cyrillic charset (the inverse of the WHATWG decoder Node ships). */
export function encodeCharset (text: string, charset: 'windows-1251' | 'koi8-r'): Buffer {
  const decoder = new TextDecoder(charset)
  const table = new Map<string, number>()
  for (let b = 0; b < 256; b++) table.set(decoder.decode(Uint8Array.of(b)), b)
  return Buffer.from([...text].map((ch) => {
    const b = table.get(ch)
    if (b === undefined) throw new Error(`${JSON.stringify(ch)} is not in ${charset}`)
    return b
  }))
}

const b64 = (s: string | Buffer): string => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('base64')
/** An RFC 2047 encoded word. */
export const word = (s: string, charset: 'UTF-8' | 'windows-1251' | 'koi8-r' = 'UTF-8'): string =>
  `=?${charset}?B?${b64(charset === 'UTF-8' ? s : encodeCharset(s, charset))}?=`

const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n')
const utf8 = (s: string): Buffer => Buffer.from(crlf(s), 'utf8')

export const OUR_ADDRESS = 'aisedo@pioner72.ru'

export function plainRequest (o: { messageId?: string, from?: string, subject?: string, body?: string, extra?: string } = {}): Buffer {
  return utf8(`From: ${o.from ?? 'Петрова Ольга <petrova@school5.ru>'}
To: ${OUR_ADDRESS}
Subject: ${word(o.subject ?? 'Не открывается каталог Навигатора')}
Date: Fri, 6 Mar 2026 18:30:00 +0500
Message-ID: <${o.messageId ?? 'req-1@school5.ru'}>
MIME-Version: 1.0
${o.extra ?? ''}Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

${o.body ?? 'Здравствуйте! С утра не открывается каталог программ в Навигаторе.\nМАОУ СОШ № 5 г. Тюмени'}
`)
}

export function windows1251 (): Buffer {
  const head = crlf(`From: ${word('Сидоров Иван Петрович', 'windows-1251')} <Sidorov@Gym1.RU>
To: ${OUR_ADDRESS}
Subject: ${word('Ошибка при выгрузке сертификатов', 'windows-1251')}
Date: Mon, 2 Mar 2026 10:15:00 +0500
Message-ID: <cp1251-1@gym1.ru>
MIME-Version: 1.0
Content-Type: text/plain; charset=windows-1251
Content-Transfer-Encoding: 8bit

`)
  return Buffer.concat([Buffer.from(head, 'ascii'), encodeCharset('Добрый день! При выгрузке сертификатов ПФДО выходит ошибка 500.\r\nЁлкин, учитель\r\n', 'windows-1251')])
}

export function koi8r (): Buffer {
  const head = crlf(`From: ${word('Кузнецова Елена', 'koi8-r')} <kuznecova@edu72.ru>
To: ${OUR_ADDRESS}
Subject: ${word('Вопрос по базе талантливых детей', 'koi8-r')}
Date: Mon, 2 Mar 2026 11:00:00 +0500
Message-ID: <koi8-1@edu72.ru>
MIME-Version: 1.0
Content-Type: text/plain; charset=koi8-r
Content-Transfer-Encoding: 8bit

`)
  return Buffer.concat([Buffer.from(head, 'ascii'), encodeCharset('Как добавить ученика в региональную базу данных талантливых детей?\r\n', 'koi8-r')])
}

export function htmlOnly (): Buffer {
  return utf8(`From: "Школа 12" <school12@edu72.ru>
To: ${OUR_ADDRESS}
Subject: ${word('Платные услуги: не формируется договор')}
Date: Mon, 2 Mar 2026 12:00:00 +0500
Message-ID: <html-1@edu72.ru>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><head><style>p{color:red}</style></head><body><p>=D0=94=D0=BE=D0=B1=D1=80=D1=8B=D0=B9 =D0=B4=D0=B5=D0=BD=D1=8C!</p>
<p>Not <b>bold</b> &laquo;=D0=B4=D0=BE=D0=B3=D0=BE=D0=B2=D0=BE=D1=80&raquo;<script>alert("x")</script></p><img src=3D"https://tracker.example/pixel.gif"></body></html>
`)
}

export function withAttachments (): Buffer {
  return utf8(`From: ${word('Иванова Анна')} <ivanova@school7.ru>
To: ${OUR_ADDRESS}
Subject: ${word('Скриншоты ошибки')}
Date: Mon, 2 Mar 2026 14:00:00 +0500
Message-ID: <att-1@school7.ru>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Прикладываю отчёт и список.
--b1
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%20%E2%84%96%205.pdf
Content-Transfer-Encoding: base64

${b64('%PDF-1.4 отчёт')}
--b1
Content-Type: text/plain; name="${word('список учеников.txt')}"
Content-Disposition: attachment; filename="${word('список учеников.txt')}"
Content-Transfer-Encoding: base64

${b64('Иванов\nПетров\n')}
--b1
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="big.bin"
Content-Transfer-Encoding: base64

${b64(Buffer.alloc(3000, 7))}
--b1--
`)
}

// a 1×1 PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

export function inlineImage (): Buffer {
  return utf8(`From: teacher@school9.ru
To: ${OUR_ADDRESS}
Subject: ${word('Картинка в письме')}
Date: Mon, 2 Mar 2026 15:00:00 +0500
Message-ID: <inline-1@school9.ru>
MIME-Version: 1.0
Content-Type: multipart/related; boundary="r1"

--r1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<p>Вот что на экране:</p><img src="cid:shot1@school9.ru">
--r1
Content-Type: image/png
Content-ID: <shot1@school9.ru>
Content-Disposition: inline; filename="экран.png"
Content-Transfer-Encoding: base64

${PNG.toString('base64')}
--r1--
`)
}

export function autoReply (): Buffer {
  return utf8(`From: petrova@school5.ru
To: ${OUR_ADDRESS}
Subject: ${word('Автоответ: Ваше обращение [№ 2026-1]')}
Date: Mon, 2 Mar 2026 16:00:00 +0500
Message-ID: <auto-1@school5.ru>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Я в отпуске до 20 марта.
`)
}

export function outOfOffice (): Buffer {
  return utf8(`From: director@school3.ru
To: ${OUR_ADDRESS}
Subject: Out of office
Date: Mon, 2 Mar 2026 16:00:00 +0500
Message-ID: <oof-1@school3.ru>
X-Autoreply: yes
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Нахожусь в командировке.
`)
}

export function newsletter (): Buffer {
  return utf8(`From: news@portal.example
To: ${OUR_ADDRESS}
Subject: ${word('Новости недели')}
Date: Mon, 2 Mar 2026 16:00:00 +0500
Message-ID: <news-1@portal.example>
Precedence: bulk
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Рассылка.
`)
}

export function bounce (original = 'reply-1@pioner72.ru'): Buffer {
  return utf8(`Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.pioner72.ru>
To: ${OUR_ADDRESS}
Subject: Undelivered Mail Returned to Sender
Date: Mon, 2 Mar 2026 16:05:00 +0500
Message-ID: <bounce-1@mx.pioner72.ru>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="d1"

--d1
Content-Type: text/plain; charset=utf-8

The message could not be delivered.
--d1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.pioner72.ru
Final-Recipient: rfc822; nobody@school5.ru
Action: failed
Status: 5.1.1

--d1
Content-Type: text/rfc822-headers

Message-ID: <${original}>
In-Reply-To: <req-1@school5.ru>
Subject: Re: test

--d1--
`)
}

export function fromOurselves (): Buffer {
  return plainRequest({ from: `Ситуационный центр <${OUR_ADDRESS}>`, messageId: 'own-1@pioner72.ru', subject: 'Копия ответа' })
}

export function reply (o: { inReplyTo?: string, references?: string[], subject?: string, messageId?: string, body?: string } = {}): Buffer {
  return utf8(`From: Петрова Ольга <petrova@school5.ru>
To: ${OUR_ADDRESS}
Subject: ${word(o.subject ?? 'Re: Не открывается каталог Навигатора')}
Date: Tue, 3 Mar 2026 10:00:00 +0500
Message-ID: <${o.messageId ?? 'req-2@school5.ru'}>
${o.inReplyTo !== undefined ? `In-Reply-To: <${o.inReplyTo}>\n` : ''}${o.references !== undefined ? `References: ${o.references.map((r) => `<${r}>`).join(' ')}\n` : ''}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

${o.body ?? 'Логин школы: school5. Ошибка по-прежнему.\n\n> Уточните, пожалуйста, логин'}
`)
}

export function malformed (): Buffer {
  return Buffer.from('\x00\x01\x02 this is not a message at all\r\n', 'binary')
}
