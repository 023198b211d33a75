// asterisk-manager's own stream reader, fed chunks as its socket would feed them: the reference
// our block reader (src/ami/reader.ts) is tested and measured against.
import net from 'node:net'
import { EventEmitter } from 'node:events'
import AsteriskManager, { type RawAmiMessage } from 'asterisk-manager'

/** A reader of the library's: push() takes the strings its socket would emit (after setEncoding). */
export function libraryReader (onBlock: (raw: RawAmiMessage) => void): { push: (chunk: string) => void } {
  const manager = AsteriskManager()
  manager.removeAllListeners('rawevent')
  manager.on('rawevent', onBlock)
  const socket = Object.assign(new EventEmitter(), { setKeepAlive () {}, setNoDelay () {}, setEncoding () {}, readyState: 'opening' })
  const original = net.createConnection
  net.createConnection = (() => socket) as unknown as typeof net.createConnection
  try { manager.connect(5038, '127.0.0.1', () => {}) } finally { net.createConnection = original }
  return { push: (chunk) => { socket.emit('data', chunk) } }
}
