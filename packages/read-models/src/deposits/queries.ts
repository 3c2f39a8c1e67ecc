import { type CloudEvent, CountryCode, DepositStage, RareEarthElement } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { decodeCursor, encodeCursor, PageQuery } from '../cursor.ts'
import { isTemporal, TemporalQuery, visibleAt } from '../temporal.ts'
import { type DepositView, evolveDepositView } from './view.ts'

export const DepositFilters = z.object({
  country: CountryCode.optional(),
  element: RareEarthElement.optional(),
  stage: DepositStage.optional(),
  operator: z.string().min(1).max(200).optional().meta({ description: "Part of an operator's name, any case" }),
  q: z.string().min(1).max(200).optional().meta({ description: 'Part of the name, any case' }),
})

export const DepositListQuery = DepositFilters.extend(PageQuery.shape).extend(TemporalQuery.shape)
export type DepositListQuery = z.output<typeof DepositListQuery>

const DepositCursor = z.object({ id: z.string() })

type Queryable = pg.Pool | pg.ClientBase

export async function listDeposits(db: Queryable, query: DepositListQuery) {
  const after = query.cursor ? decodeCursor(DepositCursor, query.cursor).id : ''
  const views = isTemporal(query)
    ? (await foldAll(db, query)).filter((view) => view.id > after && matches(view, query))
    : await selectCurrent(db, query, after)
  const page = views.slice(0, query.limit)
  const last = page.at(-1)
  return { items: page, nextCursor: views.length > query.limit && last ? encodeCursor({ id: last.id }) : null }
}

export async function getDeposit(db: Queryable, id: string, query: TemporalQuery = {}): Promise<DepositView | undefined> {
  if (isTemporal(query)) return fold(await historyOf(db, id), query)
  const result = await db.query<{ view: DepositView }>('SELECT view FROM read_models.deposits WHERE id = $1', [id])
  return result.rows[0]?.view
}

/** The version the read model has reached for a deposit (0 when unknown): for read-your-writes. */
export async function depositVersion(db: Queryable, id: string): Promise<number> {
  const result = await db.query<{ version: number }>('SELECT version FROM read_models.deposits WHERE id = $1', [id])
  return result.rows[0]?.version ?? 0
}

export const HistoryQuery = PageQuery.extend(TemporalQuery.shape)
export type HistoryQuery = z.output<typeof HistoryQuery>
const HistoryCursor = z.object({ v: z.number().int() })

/** A deposit's events, in stream order, as CloudEvents. */
export async function depositHistory(db: Queryable, id: string, query: HistoryQuery) {
  const after = query.cursor ? decodeCursor(HistoryCursor, query.cursor).v : 0
  const events = (await historyOf(db, id)).filter((event) => event.streamversion > after && visibleAt(event, query))
  const page = events.slice(0, query.limit)
  const last = page.at(-1)
  return { items: page, nextCursor: events.length > query.limit && last ? encodeCursor({ v: last.streamversion }) : null }
}

export async function depositExists(db: Queryable, id: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM read_models.deposit_history WHERE deposit_id = $1 LIMIT 1', [id])
  return result.rowCount === 1
}

async function selectCurrent(db: Queryable, query: DepositListQuery, after: string): Promise<DepositView[]> {
  const conditions = ['id > $1']
  const values: unknown[] = [after]
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    values.push(value)
    conditions.push(sql(`$${values.length}`))
  }
  if (query.country) add((p) => `country = ${p}`, query.country)
  if (query.element) add((p) => `${p} = ANY (elements)`, query.element)
  if (query.stage) add((p) => `stage = ${p}`, query.stage)
  if (query.operator) add((p) => `EXISTS (SELECT 1 FROM unnest(operators) o WHERE o ILIKE ${p})`, `%${escapeLike(query.operator)}%`)
  if (query.q) add((p) => `name ILIKE ${p}`, `%${escapeLike(query.q)}%`)
  values.push(query.limit + 1)
  const result = await db.query<{ view: DepositView }>(
    `SELECT view FROM read_models.deposits WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT $${values.length}`,
    values,
  )
  return result.rows.map((row) => row.view)
}

/** The same filters as `selectCurrent`, for views folded at a past time. */
function matches(view: DepositView, query: DepositListQuery): boolean {
  const contains = (text: string, part: string) => text.toLowerCase().includes(part.toLowerCase())
  return (
    (!query.country || view.country === query.country) &&
    (!query.element || view.elements.some((entry) => entry.element === query.element)) &&
    (!query.stage || view.stage === query.stage) &&
    (!query.operator || view.operators.some((operator) => contains(operator.name, query.operator ?? ''))) &&
    (!query.q || contains(view.name, query.q))
  )
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`)
}

async function historyOf(db: Queryable, id: string): Promise<CloudEvent[]> {
  const result = await db.query<{ event: CloudEvent }>(
    'SELECT event FROM read_models.deposit_history WHERE deposit_id = $1 ORDER BY stream_version',
    [id],
  )
  return result.rows.map((row) => row.event)
}

function fold(events: CloudEvent[], query: TemporalQuery): DepositView | undefined {
  return events.filter((event) => visibleAt(event, query)).reduce(evolveDepositView, undefined)
}

async function foldAll(db: Queryable, query: TemporalQuery): Promise<DepositView[]> {
  const result = await db.query<{ deposit_id: string; events: CloudEvent[] }>(
    `SELECT deposit_id, jsonb_agg(event ORDER BY stream_version) AS events
     FROM read_models.deposit_history GROUP BY deposit_id ORDER BY deposit_id`,
  )
  return result.rows.flatMap((row) => fold(row.events, query) ?? [])
}
