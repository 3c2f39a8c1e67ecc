import { EVENTS_CHANNEL } from '@ree/event-store'
import type pg from 'pg'
import type { Logger } from 'pino'

export interface WakeUp {
  /** Sleeps up to `ms`, or until an append to a watched store commits (a notification already due returns at once). */
  sleep(ms: number): Promise<void>
  /** Ends the sleep now (at stop). */
  wake(): void
  /** Makes sure the LISTEN connection is up; if it dropped, the caller polls until this succeeds. */
  ensureListening(): Promise<void>
  close(): Promise<void>
}

/**
 * Wakes a loop when an append commits (LISTEN/NOTIFY on the events channel); the
 * caller's poll is only the fallback for a lost connection or a missed notification.
 */
export function wakeOnAppend(options: { pool: pg.Pool; schemas?: string[]; logger: Logger }): WakeUp {
  const { pool, logger } = options
  let listener: pg.PoolClient | undefined
  let pending = false
  let resolveSleep: (() => void) | undefined

  const wake = () => {
    if (resolveSleep) resolveSleep()
    else pending = true
  }
  const onNotification = (message: pg.Notification) => {
    if (!options.schemas || options.schemas.includes(message.payload ?? '')) wake()
  }

  return {
    sleep(ms) {
      if (pending) {
        pending = false
        return Promise.resolve()
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms)
        function done() {
          clearTimeout(timer)
          resolveSleep = undefined
          pending = false
          resolve()
        }
        resolveSleep = done
      })
    },
    wake,
    async ensureListening() {
      if (listener) return
      const client = await pool.connect()
      client.on('notification', onNotification)
      client.on('error', (error) => {
        logger.warn({ error: error.message }, 'lost the LISTEN connection; polling until it is back')
        if (listener === client) listener = undefined
        client.release(error)
      })
      try {
        await client.query(`LISTEN ${EVENTS_CHANNEL}`)
      } catch (error) {
        client.release(error as Error)
        throw error
      }
      listener = client
    },
    async close() {
      const client = listener
      listener = undefined
      if (!client) return
      await client.query(`UNLISTEN ${EVENTS_CHANNEL}`).catch(() => undefined)
      client.release()
    },
  }
}
