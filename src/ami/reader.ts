// The AMI stream cut into blocks, as asterisk-manager's own reader cuts it (the same objects, block
// for block: the library's login callback and fromRaw() read them), but in one pass over each chunk.
// The library's reader re-splits its leftovers and shifts lines off an array for every header: under
// a flood it was a third of the service's CPU, more than the rest of the call tracking.
import type { RawAmiMessage } from 'asterisk-manager'

const GREETING = 'Asterisk Call Manager'
/** The longest line kept (a CDR or a Command output line is far shorter). */
const MAX_LINE = 1024 * 1024

export class AmiBlockReader {
  /** the end of the last chunk that was not a whole line yet */
  private partial = ''
  /** the lines of the block being read */
  private lines: string[] = []
  /** 0: headers; 1: inside a `Response: Follows` body; 2: its end marker seen, a blank line ends it */
  private follow = 0
  /** inside a line longer than MAX_LINE: skipped up to its end */
  private overlong = false

  constructor (private readonly onBlock: (raw: RawAmiMessage) => void) {}

  /** A chunk of the stream, cut anywhere (a line, even a CR LF, may span two chunks). */
  push (chunk: string): void {
    const text = this.partial === '' ? chunk : this.partial + chunk
    let start = 0
    if (this.overlong) {
      // the rest of a line too long to be the PBX's: dropped up to its end
      const nl = text.indexOf('\n')
      if (nl === -1) { this.partial = ''; return }
      this.overlong = false
      start = nl + 1
    }
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl
      this.line(detached(text.slice(start, end)))
      start = nl + 1
    }
    this.partial = start === 0 ? text : text.slice(start)
    if (this.partial.length > MAX_LINE) {
      // no header is this long: a broken or hostile stream would otherwise grow the memory without end
      this.partial = ''
      this.overlong = true
    }
  }

  private line (line: string): void {
    const lines = this.lines
    if (lines.length === 0 && line.startsWith(GREETING)) return
    if (lines.length === 0 && line.slice(0, 9).toLowerCase() === 'response:' && line.toLowerCase().includes('follow')) {
      this.follow = 1
      lines.push(line)
    } else if (this.follow !== 0 && (line === '--END COMMAND--' || line === '--END SMS EVENT--')) {
      this.follow = 2
      lines.push(line)
    } else if (this.follow > 1 && line.length === 0) {
      this.follow = 0
      lines.pop() // the end marker
      const content = lines.join('\n')
      const actionId = /actionid: ([^\r\n]+)/i.exec(content)
      this.lines = []
      this.onBlock(actionId === null ? { response: 'follows', content } : { response: 'follows', content, actionid: actionId[1]! })
    } else if (this.follow === 0 && line.length === 0) {
      this.lines = []
      this.onBlock(block(lines))
    } else {
      lines.push(line)
    }
  }
}

/**
 * A line as a string of its own. A slice of the chunk (V8 keeps a piece of 13 characters or more as
 * a view of its parent) would keep the whole chunk, up to 64 KiB, alive for as long as anything read
 * from the line is: a call's Linkedid kept ten minutes in memory kept the chunks of its events.
 * Slicing a concatenation copies it first, so the result refers to the copy of this line only.
 */
function detached (line: string): string {
  return line.length < 13 ? line : (' ' + line).slice(1)
}

/** Header lines to the library's object: lower-cased keys, repeats as arrays, Variable/ChanVariable as maps. */
function block (lines: string[]): RawAmiMessage {
  const item: RawAmiMessage = {}
  for (const line of lines) {
    const colon = line.indexOf(': ')
    const key = (colon === -1 ? line : line.slice(0, colon)).trim().toLowerCase()
    const value = colon === -1 ? '' : line.slice(colon + 2)
    if (key === 'variable' || key === 'chanvariable') {
      let vars = item[key]
      if (typeof vars !== 'object' || Array.isArray(vars)) { vars = {}; item[key] = vars }
      const eq = value.indexOf('=')
      vars[eq === -1 ? value : value.slice(0, eq)] = eq === -1 ? '' : value.slice(eq + 1)
      continue
    }
    const before = Object.hasOwn(item, key) ? item[key] : undefined
    if (before === undefined) item[key] = value
    else if (Array.isArray(before)) before.push(value)
    else item[key] = [before as string, value]
  }
  return item
}
