// One AMI message as the rest of the code sees it. asterisk-manager's parsed blocks have unstable
// shapes (a key is a string once and an array when repeated; Variable/ChanVariable become objects,
// and VarSet's `Variable: NAME` + `Value: v` comes out as { NAME: '' } + value); fromRaw() fixes that once.
import type { RawAmiMessage } from 'asterisk-manager'

export interface AmiMessage {
  kind: 'event' | 'response'
  /** Event name as Asterisk spells it ('Newchannel'), or the response value ('Success', 'Error'). */
  name: string
  actionId: string | undefined
  /** Lower-cased header names; the first value when a header repeats. VarSet: variable = the name. */
  headers: Record<string, string>
  /** Every value of every header, in order; Variable/ChanVariable as 'NAME=value'. */
  all: Record<string, string[]>
}

/** ok: the message, plus any garbage header lines that were dropped from it. */
export type FromRaw = { ok: true, message: AmiMessage, dropped: string[] } | { ok: false, problem: string }

// Headers that occur once in any well-formed message: seeing one twice means two blocks ran together.
const SINGLE = ['event', 'response', 'actionid', 'uniqueid', 'linkedid', 'channel', 'userevent']

export function fromRaw (raw: RawAmiMessage): FromRaw {
  const headers: Record<string, string> = {}
  const all: Record<string, string[]> = {}
  const dropped: string[] = []
  let kind: AmiMessage['kind'] | undefined
  for (const [key, value] of Object.entries(raw)) {
    if (!/^[a-z0-9_().\/-]+$/.test(key)) {
      dropped.push(key.slice(0, 60)) // a line without "Key: " (line noise): keep the rest of the block
      continue
    }
    if (kind === undefined && key === 'event') kind = 'event'
    if (kind === undefined && key === 'response') kind = 'response'
    let values: string[]
    if (typeof value === 'string') values = [value]
    else if (Array.isArray(value)) values = value.map(String)
    else values = Object.entries(value).map(([k, v]) => `${k}=${v}`)
    if (values.length > 1 && SINGLE.includes(key)) return { ok: false, problem: `header ${key} repeated (truncated or merged blocks)` }
    all[key] = values
    headers[key] = values[0] ?? ''
  }
  // the library's VarSet/Getvar mis-parse: `Variable: HD_STATUS` + `Value: open` → variable { HD_STATUS: '' }
  const variable = raw.variable
  if (variable !== undefined && typeof variable === 'object' && !Array.isArray(variable) && typeof raw.value === 'string') {
    const names = Object.keys(variable)
    if (names.length === 1 && variable[names[0]!] === '') {
      headers.variable = names[0]!
      all.variable = [names[0]!]
    }
  }
  if (kind === undefined) return { ok: false, problem: 'neither Event nor Response header' }
  const name = kind === 'event' ? headers.event! : headers.response!
  if (name === '') return { ok: false, problem: `empty ${kind} name` }
  return { ok: true, message: { kind, name, actionId: headers.actionid, headers, all }, dropped }
}
