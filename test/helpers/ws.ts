// A websocket client for push tests: remembers every frame from the first one on (listeners are
// attached before the upgrade completes, so the greeting is never lost) and waits for frames.
import type { FastifyInstance } from 'fastify'
import type { WebSocket } from 'ws'

export interface Frame { id: number, type: string, at: string, replay?: true, [key: string]: unknown }

export interface WsClient {
  socket: WebSocket
  frames: Frame[]
  /** The first frame (after `from` frames) matching the type (and predicate), waiting for it. */
  next: (type: string, pred?: (f: Frame) => boolean, timeoutMs?: number) => Promise<Frame>
  /** Resolves when the socket is closed (with the close code). */
  closed: Promise<number>
  close: () => void
}

/**
 * The upgrade request of injectWS has no socket; the app reads req.ip from
 * req.socket.remoteAddress, so give it one (a real server always has it).
 */
export function upgradeContext (headers: Record<string, string> = {}): never {
  return { headers, socket: { remoteAddress: '127.0.0.1' } } as never
}

export async function connectWs (app: FastifyInstance, url: string, headers: Record<string, string>, opts: { noPong?: boolean } = {}): Promise<WsClient> {
  const frames: Frame[] = []
  let closedResolve: (code: number) => void = () => {}
  const closed = new Promise<number>((resolve) => { closedResolve = resolve })
  await app.ready() // injectWS, unlike inject, does not wait for the routes
  const socket = await app.injectWS(url, upgradeContext(headers), {
    onInit: (ws) => {
      ws.on('message', (data) => { frames.push(JSON.parse(data.toString()) as Frame) })
      ws.on('close', (code) => { closedResolve(code) })
      // injectWS builds its client without autoPong (browsers and ws clients answer pings by
      // themselves): answer them here, unless the test plays a dead browser
      if (opts.noPong !== true) ws.on('ping', (data) => { ws.pong(data) })
    }
  })
  return {
    socket,
    frames,
    closed,
    close: () => { socket.terminate() },
    next: async (type, pred = () => true, timeoutMs = 5000) => {
      const start = Date.now()
      for (;;) {
        const f = frames.find((x) => x.type === type && pred(x))
        if (f !== undefined) return f
        if (Date.now() - start > timeoutMs) throw new Error(`no ${type} frame within ${timeoutMs} ms; got ${frames.map((x) => x.type).join(', ')}`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
  }
}

/** Waits until the condition holds. */
export async function until (what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
