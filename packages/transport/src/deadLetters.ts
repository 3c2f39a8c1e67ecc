import { CloudEvent } from '@ree/contracts'
import type pg from 'pg'
import type { EventHandler } from './transport.ts'

/** One dead letter, or every unresolved one of an entity (the first and all that followed it). */
export type DeadLetterSelection = { id: number } | { subject: string }

export interface ReplayOutcome {
  id: number
  outcome: 'applied' | 'failed'
  error?: string
}

/**
 * Applies dead letters again, once their cause is fixed, in the entity's stream
 * order, each in its own transaction, and marks each one applied as resolved. One
 * that still fails stays unresolved with the new error, and the ones after it of
 * the same entity are not tried: they would only fail their version check.
 */
export async function replayDeadLetters(
  pool: pg.Pool,
  selection: DeadLetterSelection,
  handler: EventHandler,
): Promise<ReplayOutcome[]> {
  const letters = await pool.query<{ id: string; event: unknown }>(
    'id' in selection
      ? 'SELECT id, event FROM projection.dead_letters WHERE id = $1 AND resolved_at IS NULL'
      : `SELECT id, event FROM projection.dead_letters WHERE event->>'subject' = $1 AND resolved_at IS NULL
         ORDER BY (event->>'streamversion')::numeric NULLS LAST, id`,
    ['id' in selection ? selection.id : selection.subject],
  )
  const outcomes: ReplayOutcome[] = []
  for (const letter of letters.rows) {
    const id = Number(letter.id)
    const parsed = CloudEvent.safeParse(letter.event)
    if (!parsed.success) {
      outcomes.push({ id, outcome: 'failed', error: 'not a ledger CloudEvent; nothing to apply' })
      break
    }
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      await handler(client, parsed.data)
      await client.query(
        `UPDATE projection.dead_letters SET resolved_at = now(), resolution = 'replayed' WHERE id = $1`,
        [id],
      )
      await client.query('COMMIT')
      outcomes.push({ id, outcome: 'applied' })
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      outcomes.push({ id, outcome: 'failed', error: (error as Error).message })
      break
    } finally {
      client.release()
    }
  }
  return outcomes
}

/** Unresolved dead letters by subscription, for the `ree_dead_letters` gauge. */
export async function unresolvedDeadLetters(pool: pg.Pool): Promise<Array<{ subscription: string; count: number }>> {
  const result = await pool.query<{ subscription: string; count: number }>(
    `SELECT subscription, count(*)::int AS count FROM projection.dead_letters WHERE resolved_at IS NULL GROUP BY subscription`,
  )
  return result.rows
}
