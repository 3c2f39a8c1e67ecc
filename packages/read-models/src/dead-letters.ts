import type pg from 'pg'
import { z } from 'zod'
import { decodeCursor, encodeCursor, type PageQuery } from './cursor.ts'

export const DeadLetter = z
  .object({
    id: z.number().int(),
    subscription: z.string().meta({ description: 'The projection subscription or consumer group' }),
    stream: z.string().meta({ description: 'The event store schema (embedded) or the Kafka topic' }),
    position: z.string().meta({ description: 'Global position, or partition:offset on Kafka' }),
    event: z.unknown().meta({ description: 'The event as received (unparsed text when it was not JSON)' }),
    error: z.string(),
    recordedAt: z.string(),
  })
  .meta({ id: 'DeadLetter' })

const DeadLetterCursor = z.object({ id: z.number().int() })
const UNDEFINED_TABLE = '42P01'

/** Events the projection set aside, newest first; empty until the projection has created its tables. */
export async function listDeadLetters(db: pg.Pool | pg.ClientBase, query: z.output<typeof PageQuery>) {
  const before = query.cursor ? decodeCursor(DeadLetterCursor, query.cursor).id : Number.MAX_SAFE_INTEGER
  let rows: Array<{
    id: string
    subscription: string
    stream: string
    position: string
    event: unknown
    error: string
    recorded_at: Date
  }>
  try {
    rows = (
      await db.query(
        `SELECT id, subscription, stream, position, event, error, recorded_at FROM projection.dead_letters
         WHERE id < $1 ORDER BY id DESC LIMIT $2`,
        [before, query.limit + 1],
      )
    ).rows
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return { items: [], nextCursor: null }
    throw error
  }
  const items = rows.slice(0, query.limit).map((row) => ({
    id: Number(row.id),
    subscription: row.subscription,
    stream: row.stream,
    position: row.position,
    event: row.event,
    error: row.error,
    recordedAt: row.recorded_at.toISOString(),
  }))
  const last = items.at(-1)
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor({ id: last.id }) : null }
}
