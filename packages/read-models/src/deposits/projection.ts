import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'
import { type DepositView, evolveDepositView } from './view.ts'

export class StreamGapError extends Error {}

/**
 * Applies one deposit event. Applying it again changes nothing: the history row
 * already exists and the stored version is not behind it.
 */
export async function projectDepositEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  const id = event.subject
  const current = await client.query<{ version: number; view: DepositView }>(
    'SELECT version, view FROM read_models.deposits WHERE id = $1 FOR UPDATE',
    [id],
  )
  const stored = current.rows[0]
  const storedVersion = stored?.version ?? 0
  if (event.streamversion <= storedVersion) return
  if (event.streamversion !== storedVersion + 1) {
    throw new StreamGapError(`deposit ${id} is at version ${storedVersion}; event ${event.id} is version ${event.streamversion}`)
  }
  const view = evolveDepositView(stored?.view, event)
  await client.query(
    `INSERT INTO read_models.deposit_history (deposit_id, stream_version, effective_date, recorded_at, event)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [id, event.streamversion, event.effectivedate, event.time, JSON.stringify(event)],
  )
  if (!view) return
  await client.query(
    `INSERT INTO read_models.deposits (id, name, country, stage, elements, operators, version, view)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET name = $2, country = $3, stage = $4, elements = $5, operators = $6, version = $7, view = $8`,
    [
      id,
      view.name,
      view.country,
      view.stage,
      view.elements.map((entry) => entry.element),
      view.operators.map((operator) => operator.name),
      view.version,
      JSON.stringify(view),
    ],
  )
}
