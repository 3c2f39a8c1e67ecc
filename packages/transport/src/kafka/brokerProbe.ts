import { setTimeout as sleep } from 'node:timers/promises'
import { Kafka, logLevel } from 'kafkajs'

export interface BrokerProbe {
  /** Throws, naming the cause, when the broker did not answer the last look. */
  check(): Promise<void>
  isUp(): boolean
  stop(): void
}

/**
 * Asks the broker for its cluster every `intervalMs` with its own client (no retries,
 * short timeouts), so readiness and metrics answer at once with the latest look.
 */
export function brokerProbe(options: { brokers: string[]; intervalMs?: number; timeoutMs?: number }): BrokerProbe {
  const intervalMs = options.intervalMs ?? 2000
  const timeoutMs = options.timeoutMs ?? 1500
  const kafka = new Kafka({
    clientId: 'ree-broker-probe',
    brokers: options.brokers,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  })
  let status: { up: true } | { up: false; error: string } = { up: false, error: 'not asked yet' }
  let running = true

  async function look(): Promise<void> {
    const admin = kafka.admin()
    try {
      await Promise.race([
        (async () => {
          await admin.connect()
          await admin.describeCluster()
        })(),
        sleep(timeoutMs * 2).then(() => {
          throw new Error(`no answer within ${timeoutMs * 2} ms`)
        }),
      ])
      status = { up: true }
    } catch (error) {
      status = { up: false, error: `the Kafka broker is unreachable: ${(error as Error).message}` }
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
  }

  const first = look()
  ;(async () => {
    await first
    while (running) {
      await sleep(intervalMs, undefined, { ref: false })
      if (running) await look()
    }
  })()

  return {
    async check() {
      await first
      if (!status.up) throw new Error(status.error)
    },
    isUp: () => status.up,
    stop() {
      running = false
    },
  }
}
