import { DomainError } from '@ree/contracts'
import { ConcurrencyError, IdempotencyKeyReusedError, PreconditionFailedError } from '@ree/event-store'
import { commandsTotal, eventsAppendedTotal } from './metrics.ts'

/** What became of a command, as `ree_commands_total` counts it. */
function outcomeOf(error: unknown): string {
  if (error instanceof DomainError) return error.kind === 'rule' ? 'refused' : error.kind
  if (error instanceof ConcurrencyError || error instanceof PreconditionFailedError) return 'conflict'
  if (error instanceof IdempotencyKeyReusedError) return 'refused'
  return 'error'
}

/** Runs a command and counts its outcome and the events it appended. */
export async function countedCommand<Result extends { replayed: boolean; eventIds: string[] }>(
  labels: { service: string; command: string },
  handle: () => Promise<Result>,
): Promise<Result> {
  let result: Result
  try {
    result = await handle()
  } catch (error) {
    commandsTotal.inc({ ...labels, outcome: outcomeOf(error) })
    throw error
  }
  commandsTotal.inc({ ...labels, outcome: result.replayed ? 'replayed' : 'accepted' })
  if (!result.replayed) eventsAppendedTotal.inc({ service: labels.service }, result.eventIds.length)
  return result
}
