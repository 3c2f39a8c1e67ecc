import { HttpProblem, readYourWritesTimeoutsTotal } from '@ree/platform'
import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'

export const ConsistencyQuery = z.object({
  minVersion: z.coerce.number().int().positive().max(2_147_483_647).optional().meta({
    description:
      'Read-your-writes: wait (up to 5 s) until the read model has reached this version, e.g. the streamVersion a command answered',
  }),
})

/** Waits until the read model has caught up with a write the client made; 503 if it does not in time. */
export async function waitForVersion(
  current: () => Promise<number>,
  minVersion: number | undefined,
  timeoutMs = 5000,
): Promise<void> {
  if (minVersion === undefined) return
  const deadline = Date.now() + timeoutMs
  let reached = await current()
  while (reached < minVersion) {
    if (Date.now() >= deadline) {
      readYourWritesTimeoutsTotal.inc()
      throw new HttpProblem('read-model-behind', `the read model is at version ${reached}, not yet ${minVersion}`, {
        headers: { 'retry-after': '1' },
      })
    }
    await sleep(25)
    reached = await current()
  }
}
