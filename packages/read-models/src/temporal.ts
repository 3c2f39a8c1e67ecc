import { IsoDate } from '@ree/contracts'
import { z } from 'zod'

/** Both kinds of "as of": what was true in the world on a date, and what the ledger knew at a time. */
export const TemporalQuery = z.object({
  asOf: IsoDate.optional().meta({ description: 'Valid time: only facts effective on or before this date' }),
  recordedAsOf: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Record time: only facts the ledger had recorded by this instant' }),
})
export type TemporalQuery = z.output<typeof TemporalQuery>

export function isTemporal(query: TemporalQuery): boolean {
  return query.asOf !== undefined || query.recordedAsOf !== undefined
}

/** Whether an event was true by `asOf` and known by `recordedAsOf`. */
export function visibleAt(event: { effectivedate: string; time: string }, query: TemporalQuery): boolean {
  if (query.asOf !== undefined && event.effectivedate > query.asOf) return false
  if (query.recordedAsOf !== undefined && Date.parse(event.time) > Date.parse(query.recordedAsOf)) return false
  return true
}
