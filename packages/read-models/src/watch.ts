import type pg from 'pg'
import { READ_MODELS_CHANNEL, streamVersion, type TemporalModel } from './temporal-model.ts'

export interface ReadModelWatch {
  /**
   * Resolves true once the read model holds `version` of the entity, false after `timeoutMs`.
   * Woken by the projection's notifications; it asks the database again every `pollMs` too,
   * so that a notification lost with a dropped connection only slows it down.
   */
  reached(
    // biome-ignore lint/suspicious/noExplicitAny: any temporal model
    model: TemporalModel<any, any>,
    id: string,
    version: number,
    timeoutMs: number,
  ): Promise<boolean>
  close(): Promise<void>
}

export function watchReadModels(pool: pg.Pool, options: { pollMs?: number } = {}): ReadModelWatch {
  const pollMs = options.pollMs ?? 250
  const waiters = new Map<string, Set<() => void>>()
  let listening: Promise<pg.PoolClient | undefined> | undefined
  let closed = false

  const listen = () => {
    listening ??= (async () => {
      const client = await pool.connect()
      client.on('notification', (message) => {
        const [model, id] = (message.payload ?? '').split(':')
        for (const wake of waiters.get(`${model}:${id}`) ?? []) wake()
      })
      client.on('error', () => {
        // Lost: the waits fall back to polling until the next one listens again.
        listening = undefined
        client.release(true)
      })
      await client.query(`LISTEN ${READ_MODELS_CHANNEL}`)
      return client
    })().catch(() => {
      listening = undefined
      return undefined
    })
    return listening
  }

  /** A wait for a notification on one entity, or `ms`, whichever comes first; removed from the map once over. */
  const wakeOn = (key: string, ms: number) => {
    let wake = () => undefined as void
    const woken = new Promise<void>((resolve) => {
      const set = waiters.get(key) ?? new Set<() => void>()
      waiters.set(key, set)
      const timer = setTimeout(() => wake(), ms)
      wake = () => {
        clearTimeout(timer)
        set.delete(wake)
        if (set.size === 0) waiters.delete(key)
        resolve()
      }
      set.add(wake)
    })
    return { woken, cancel: () => wake() }
  }

  return {
    async reached(model, id, version, timeoutMs) {
      const current = () => streamVersion(pool, model, id)
      if ((await current()) >= version) return true
      if (!closed) await listen()
      const key = `${model.name}:${id}`
      const deadline = Date.now() + timeoutMs
      for (;;) {
        // Waiting before the check: a write that lands in between still wakes this wait.
        const wait = wakeOn(key, Math.min(pollMs, Math.max(0, deadline - Date.now())))
        if ((await current()) >= version) {
          wait.cancel()
          return true
        }
        if (Date.now() >= deadline) {
          wait.cancel()
          return false
        }
        await wait.woken
      }
    },
    async close() {
      closed = true
      const client = await listening
      listening = undefined
      if (!client) return
      await client.query(`UNLISTEN ${READ_MODELS_CHANNEL}`).catch(() => undefined)
      client.release()
    },
  }
}
