// A real SMTP server as the outgoing sink of the mail tests (the smtp-server package on a loopback
// port): it keeps every message it accepts, and can be told to refuse the next ones (a 4xx or 5xx
// answer) to test the outbox's retries.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'

export interface Received { from: string, to: string[], raw: Buffer, parsed: ParsedMail }

export interface SmtpSink {
  port: number
  url: string
  received: Received[]
  /** The next n messages are refused with this answer (e.g. 451 or 550). */
  refuseNext: (n: number, code?: number, text?: string) => void
  /** Resolves when at least n messages were accepted. */
  waitFor: (n: number, ms?: number) => Promise<Received[]>
  close: () => Promise<void>
}

interface Teardown { teardown: (fn: () => unknown) => void }

export async function startSmtpSink (t: Teardown, auth?: { user: string, pass: string }): Promise<SmtpSink> {
  const received: Received[] = []
  let refuse = { n: 0, code: 451, text: 'try again later' }
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: auth === undefined,
    onAuth: (a, _session, cb) => {
      if (auth !== undefined && a.username === auth.user && a.password === auth.pass) cb(null, { user: a.username })
      else cb(new Error('invalid credentials'))
    },
    onData: (stream, session, cb) => {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        if (refuse.n > 0) {
          refuse.n--
          const err = new Error(refuse.text) as Error & { responseCode: number }
          err.responseCode = refuse.code
          cb(err)
          return
        }
        const raw = Buffer.concat(chunks)
        simpleParser(raw).then((parsed) => {
          received.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed
          })
          cb(null)
        }, (err: Error) => cb(err))
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.server.address() as AddressInfo
  const close = async (): Promise<void> => { await new Promise<void>((resolve) => server.close(() => resolve())) }
  t.teardown(close)
  return {
    port,
    url: auth === undefined ? `smtp://127.0.0.1:${port}` : `smtp://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@127.0.0.1:${port}`,
    received,
    refuseNext: (n, code = 451, text = 'try again later') => { refuse = { n, code, text } },
    waitFor: async (n, ms = 15_000) => {
      const until = Date.now() + ms
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`the SMTP sink got ${received.length} messages, expected ${n}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return received
    },
    close
  }
}
