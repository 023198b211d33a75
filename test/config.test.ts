import t from 'tap'
import { ConfigError, loadConfig, parseAmiUrl } from '../src/config.js'

t.test('config: defaults need no variable at all', async (t) => {
  const c = loadConfig({})
  t.equal(c.port, 3000, 'port 3000')
  t.equal(c.databaseUrl, undefined, 'embedded database by default')
  t.equal(c.dataDir, './data', 'in ./data')
  t.equal(c.ami, undefined, 'no PBX by default')
  t.equal(c.helpdeskDid, '73452290256', 'the helpdesk number')
  t.equal(c.timeZone, 'Asia/Yekaterinburg', 'Tyumen time')
  t.equal(c.pbxTimeZone, undefined, 'no PBX zone: each record carries its offset (never a demand that the PBX run on UTC)')
  t.equal(loadConfig({ PBX_TIME_ZONE: 'Europe/Berlin' }).pbxTimeZone, 'Europe/Berlin', 'PBX_TIME_ZONE when set')
  t.equal(c.recordingsDir, './data/recordings', 'recordings under the data dir')
  t.equal(c.centerName, 'внедрения и сопровождения АИС ЭДО в Тюменской области', 'the center of the regulation')
  t.equal(loadConfig({ CENTER_NAME: ' Курганской области ' }).centerName, 'Курганской области', 'another center is configuration')
})

t.test('config: AMI_URL is parsed into host, port and credentials', async (t) => {
  t.same(parseAmiUrl('ami://callog:s%40cret@pbx.local:5039'), { host: 'pbx.local', port: 5039, username: 'callog', secret: 's@cret' }, 'all parts, secret decoded')
  t.same(parseAmiUrl('ami://callog:x@10.0.0.5'), { host: '10.0.0.5', port: 5038, username: 'callog', secret: 'x' }, 'port defaults to 5038')
  for (const bad of ['http://u:p@h:5038', 'ami://h:5038', 'not a url', 'ami://:p@h']) t.equal(parseAmiUrl(bad), undefined, `${bad} is refused`)
})

t.test('config: every wrong value is named in one error', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /PORT="eighty": expected an integer/],
    [{ PORT: '70000' }, /PORT="70000"/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: expected postgres:\/\//],
    [{ AMI_URL: 'tcp://pbx' }, /AMI_URL: expected ami:\/\/user:secret@host:5038/],
    [{ HELPDESK_DID: '8 (3452) 290-256' }, /HELPDESK_DID/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud"/],
    [{ CENTER_NAME: 'x'.repeat(201) }, /CENTER_NAME: at most 200 characters/],
    [{ TIME_ZONE: 'Asia/Tyumen-City' }, /TIME_ZONE/],
    [{ PBX_TIME_ZONE: 'UTC+5' }, /PBX_TIME_ZONE="UTC\+5": not an IANA time zone/],
    [{ COOKIE_SECURE: 'maybe' }, /COOKIE_SECURE="maybe": expected true or false/],
    [{ BOOTSTRAP_ADMIN_PASSWORD: '123' }, /BOOTSTRAP_ADMIN_PASSWORD: the password must be at least 8/],
    [{ BOOTSTRAP_ADMIN_PASSWORD: 'secret' }, /BOOTSTRAP_ADMIN_PASSWORD: the password must be at least 8/],
    [{ BOOTSTRAP_ADMIN_PASSWORD: '12345678' }, /BOOTSTRAP_ADMIN_PASSWORD: the password must be not a run/]
  ]
  for (const [env, re] of cases) {
    t.throws(() => loadConfig(env), re, `${Object.keys(env)[0]} is refused with a message`)
  }
  try {
    loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })
    t.fail('should throw')
  } catch (err) {
    t.ok(err instanceof ConfigError, 'a ConfigError')
    t.equal((err as ConfigError).problems.length, 2, 'listing both problems at once')
  }
  t.notMatch(String((() => { try { loadConfig({ AMI_URL: 'ami://u:topsecret@', PORT: 'x' }) } catch (e) { return (e as Error).message } })()), /topsecret/, 'a secret is never echoed')
})

t.test('config: TRUST_PROXY is off by default and a list of proxies when on', async (t) => {
  const table: Array<[string | undefined, string[] | RegExp]> = [
    [undefined, []],
    ['false', []],
    ['10.0.0.5', ['10.0.0.5']],
    ['10.0.0.5, 10.0.1.0/24,::1', ['10.0.0.5', '10.0.1.0/24', '::1']],
    ['fd00::/8', ['fd00::/8']],
    ['true', /TRUST_PROXY="true": expected false or the proxies' addresses/],
    ['*', /TRUST_PROXY/],
    ['10.0.0.0/33', /TRUST_PROXY/],
    ['proxy.local', /TRUST_PROXY/],
    ['10.0.0.5/8/1', /TRUST_PROXY/]
  ]
  for (const [raw, expected] of table) {
    const env = raw === undefined ? {} : { TRUST_PROXY: raw }
    if (Array.isArray(expected)) t.same(loadConfig(env).trustProxy, expected, `${raw ?? 'unset'} → [${expected.join(', ')}]`)
    else t.throws(() => loadConfig(env), expected, `${raw} is refused with a message`)
  }
})

t.test('config: the e-mail channel', async (t) => {
  t.equal(loadConfig({}).mail.imap, undefined, 'no IMAP_URL: no mailbox')
  const c = loadConfig({ IMAP_URL: 'imaps://aisedo%40pioner72.ru:p%40ss@mail.pioner72.ru/%D0%97%D0%B0%D1%8F%D0%B2%D0%BA%D0%B8', SMTP_URL: 'smtps://aisedo%40pioner72.ru:p%40ss@mail.pioner72.ru:465' }).mail
  t.match(c.imap, { host: 'mail.pioner72.ru', port: 993, secure: true, user: 'aisedo@pioner72.ru', password: 'p@ss', mailbox: 'Заявки', rejectUnauthorized: true }, 'imaps: port 993, decoded user, password and mailbox')
  t.same(c.from, { address: 'aisedo@pioner72.ru', name: null }, 'MAIL_FROM defaults to the mailbox\'s address')
  t.same(c.ownAddresses, ['aisedo@pioner72.ru'], 'our own address')
  t.match(loadConfig({ IMAP_URL: 'imap://u:p@h' }).mail.imap, { port: 143, secure: false, mailbox: 'INBOX' }, 'imap: port 143 (STARTTLS), INBOX')
  t.same(loadConfig({ MAIL_FROM: 'Ситуационный центр <AISEDO@pioner72.ru>' }).mail.from, { address: 'aisedo@pioner72.ru', name: 'Ситуационный центр' }, 'a name and an address')
  t.equal(loadConfig({ IMAP_URL: 'imap://u:p@h', IMAP_TLS_REJECT_UNAUTHORIZED: 'false' }).mail.imap?.rejectUnauthorized, false, 'TLS checks can be turned off')
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ IMAP_URL: 'pop3://u:p@h' }, /IMAP_URL: expected imaps:\/\//],
    [{ SMTP_URL: 'http://h' }, /SMTP_URL: expected/],
    [{ SMTP_URL: 'smtp://h:25' }, /MAIL_FROM: needed with SMTP_URL/],
    [{ MAIL_FROM: 'nobody' }, /MAIL_FROM="nobody"/],
    [{ IMAP_TLS_CA_FILE: '/nonexistent/ca.pem' }, /IMAP_TLS_CA_FILE: cannot read \/nonexistent\/ca.pem \(ENOENT\)/],
    [{ IMAP_URL: 'imap://u:p@h', IMAP_TLS_REJECT_UNAUTHORIZED: 'perhaps' }, /IMAP_TLS_REJECT_UNAUTHORIZED="perhaps"/],
    [{ MAIL_MAX_ATTACHMENT_MB: '0' }, /MAIL_MAX_ATTACHMENT_MB="0"/]
  ]
  for (const [env, re] of cases) t.throws(() => loadConfig(env), re, `${Object.keys(env).join(', ')}: refused with a message`)
  t.notMatch(String((() => { try { loadConfig({ IMAP_URL: 'imapx://u:topsecret@h' }) } catch (e) { return (e as Error).message } })()), /topsecret/, 'the mailbox password is never echoed')
})
