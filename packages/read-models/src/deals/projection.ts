import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'
import { StreamGapError } from '../deposits/projection.ts'
import { type DealView, evolveDealView } from './view.ts'

/**
 * Applies one deal event. Applying it again changes nothing: the history row
 * already exists and the stored version is not behind it.
 */
export async function projectDealEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  const id = event.subject
  const current = await client.query<{ version: number; view: DealView }>(
    'SELECT version, view FROM read_models.deals WHERE id = $1 FOR UPDATE',
    [id],
  )
  const stored = current.rows[0]
  const storedVersion = stored?.version ?? 0
  if (event.streamversion <= storedVersion) return
  if (event.streamversion !== storedVersion + 1) {
    throw new StreamGapError(`deal ${id} is at version ${storedVersion}; event ${event.id} is version ${event.streamversion}`)
  }
  const view = evolveDealView(stored?.view, event)
  await client.query(
    `INSERT INTO read_models.deal_history (deal_id, stream_version, effective_date, recorded_at, event)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [id, event.streamversion, event.effectivedate, event.time, JSON.stringify(event)],
  )
  if (!view) return
  await client.query(
    `INSERT INTO read_models.deals
       (id, name, status, countries, parties, kinds, elements, stages, deposit_ids, deal_date, value_amount, value_currency, version, view)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (id) DO UPDATE SET name = $2, status = $3, countries = $4, parties = $5, kinds = $6, elements = $7,
       stages = $8, deposit_ids = $9, deal_date = $10, value_amount = $11, value_currency = $12, version = $13, view = $14`,
    [
      id,
      view.name,
      view.status,
      view.countries,
      view.parties.map((party) => party.name),
      view.kinds.map((term) => term.kind),
      view.elements,
      view.stages,
      view.depositIds,
      view.date,
      view.value?.amount ?? null,
      view.value?.currency ?? null,
      view.version,
      JSON.stringify(view),
    ],
  )
}
