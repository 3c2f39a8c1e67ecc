import closeWithGrace from 'close-with-grace'
import type { FastifyBaseLogger } from 'fastify'

/** Closes everything once on SIGTERM or SIGINT (or a fatal error), within a bounded time. */
export function closeOnSignals(logger: FastifyBaseLogger, close: () => Promise<void>, delayMs = 10_000): void {
  closeWithGrace({ delay: delayMs }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'fatal error, shutting down')
    else logger.info({ signal }, 'shutting down')
    await close()
  })
}
