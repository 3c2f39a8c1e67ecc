import closeWithGrace from 'close-with-grace'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { shutdownTracing } from './tracingFromEnv.ts'

/** Closes everything once on SIGTERM or SIGINT (or a fatal error), within a bounded time, then flushes the spans. */
export function closeOnSignals(logger: FastifyBaseLogger, close: () => Promise<void>, delayMs = 10_000): void {
  closeWithGrace({ delay: delayMs }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'fatal error, shutting down')
    else logger.info({ signal }, 'shutting down')
    await close()
    await shutdownTracing()
  })
}

/**
 * At close, keep-alive connections that were busy when closing began are closed as soon
 * as their request is answered, so a client that keeps its sockets open cannot hold the
 * shutdown until the keep-alive timeout, and no request in flight is cut.
 */
export const gracefulClosePlugin = fp(
  async function gracefulClose(app: FastifyInstance) {
    let sweeper: NodeJS.Timeout | undefined
    app.addHook('preClose', async () => {
      sweeper = setInterval(() => app.server.closeIdleConnections(), 50)
    })
    app.addHook('onClose', async () => clearInterval(sweeper))
  },
  { name: 'ree-graceful-close' },
)
