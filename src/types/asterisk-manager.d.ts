// Hand-written types for asterisk-manager 0.2.0 (the package ships none; @types does not exist).
// Only what src/ami/client.ts uses: the library is our parser and socket, nothing more.
declare module 'asterisk-manager' {
  import type { EventEmitter } from 'node:events'

  /** One parsed block: keys lower-cased; repeated keys become arrays; Variable/ChanVariable become objects. */
  export type RawAmiMessage = Record<string, string | string[] | Record<string, string>>

  export interface Manager extends Pick<EventEmitter, 'on' | 'once' | 'removeListener' | 'removeAllListeners' | 'listeners' | 'setMaxListeners' | 'emit'> {
    options: { port: number, host: string, username: string, password: string, events: boolean }
    connect (port: number, host: string, cb?: (err: Error | null) => void): void
    /** callback gets the error response (e.g. Authentication failed) as its first argument */
    login (cb?: (err?: RawAmiMessage) => void): void
    keepConnected (): void
    /** returns the ActionID used; a lower-case `actionid` key is honoured */
    action (action: Record<string, unknown>, cb?: (err: RawAmiMessage | undefined, res: RawAmiMessage) => void): string
    disconnect (cb?: () => void): void
    isConnected (): boolean | undefined
    reconnect?: () => void
  }

  function Manager (port?: number | string, host?: string, username?: string, password?: string, events?: boolean): Manager
  export default Manager
}
