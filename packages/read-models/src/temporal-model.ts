import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { activeTimeline, type CloudEvent, upcastEvent } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor.ts'
import type { TemporalQuery } from './temporal.ts'

type Queryable = pg.Pool | pg.ClientBase

/** What every view carries about the knowledge it was read at; not stored with each state. */
interface Knowledge {
  version: number
  lastRecordedAt: string
}

export type ColumnType = 'text' | 'text[]' | 'date' | 'numeric' | 'double precision' | 'boolean'

/** The channel on which the projection announces, at commit, each entity version it wrote. */
export const READ_MODELS_CHANNEL = 'ree_read_models'

/** The payload of one announcement: the read model, the entity and the version reached. */
export const announcement = (model: string, id: string, version: number) => `${model}:${id}:${version}`

/** A column of the states table that filters or sorts read, and how it is taken from a view. */
export interface Column<View> {
  type: ColumnType
  of: (view: View) => unknown
  /** `btree`: a partial index (column, id) over the current knowledge; `gin` for arrays. */
  index?: 'btree' | 'gin'
}

/** A filter of a list, as SQL on the states table's columns: the one place it is written. */
export interface Filter {
  where: (placeholder: string) => string
  value?: (input: never) => unknown
}

export interface Sort {
  /** The SQL expression sorted on (columns as `s.<name>`), its cast for the cursor, and the direction. */
  key: string
  cast: 'text' | 'date' | 'numeric'
  descending: boolean
}

/**
 * One temporal read model, declared once per entity: its fold, the columns its lists
 * filter and sort on, and the filters. Everything else — the tables, the projection of
 * states with valid-time and record-time ranges, the as-of SQL, cursors and pages — is
 * this module's.
 */
export interface TemporalModel<View extends Knowledge & { id: string }, Filters extends Record<string, unknown>> {
  /** `deposit`: tables `read_models.deposit_events`, `_states`, `_streams`. */
  name: string
  evolve: (view: View | undefined, event: CloudEvent) => View | undefined
  /** A change a view makes by itself on a date, with no event (a suspension that runs out). */
  lapse?: (view: View) => { on: string; view: View } | undefined
  columns: Record<string, Column<View>>
  filters: { [Key in keyof Filters]-?: Filter }
  sorts?: Record<string, Sort>
}

export function defineTemporalModel<View extends Knowledge & { id: string }, Filters extends Record<string, unknown>>(
  model: TemporalModel<View, Filters>,
): TemporalModel<View, Filters> {
  for (const name of Object.keys(model.columns)) identifier(name)
  identifier(model.name)
  return model
}

const identifierPattern = /^[a-z_][a-z0-9_]*$/
function identifier(name: string): string {
  if (!identifierPattern.test(name)) throw new Error(`invalid identifier "${name}"`)
  return name
}

// biome-ignore lint/suspicious/noExplicitAny: the SQL helpers below take any model
type AnyModel = TemporalModel<any, any>

const tables = (model: AnyModel) => ({
  events: `read_models.${model.name}_events`,
  states: `read_models.${model.name}_states`,
  streams: `read_models.${model.name}_streams`,
})

/** The model's tables: its events by entity, each entity's position, and its states. */
export function temporalModelSql(model: AnyModel): string {
  const t = tables(model)
  const columns = Object.entries(model.columns)
  return `
CREATE TABLE IF NOT EXISTS ${t.events} (
  id text NOT NULL,
  stream_version integer NOT NULL,
  effective_date date NOT NULL,
  recorded_at timestamptz NOT NULL,
  event jsonb NOT NULL,
  PRIMARY KEY (id, stream_version)
);
CREATE INDEX IF NOT EXISTS ${model.name}_events_recorded ON ${t.events} (id, recorded_at);
CREATE TABLE IF NOT EXISTS ${t.streams} (
  id text PRIMARY KEY,
  version integer NOT NULL,
  recorded_at timestamptz
);
CREATE TABLE IF NOT EXISTS ${t.states} (
  id text NOT NULL,
  valid_from date NOT NULL,
  valid_to date NOT NULL,
  recorded_from timestamptz NOT NULL,
  recorded_to timestamptz NOT NULL,
  ${columns.map(([name, column]) => `${name} ${column.type}`).join(',\n  ')},
  view jsonb NOT NULL,
  CHECK (valid_from < valid_to),
  CHECK (recorded_from < recorded_to)
);
${temporalIndexesSql(model)}
`
}

/**
 * The states' integrity constraint and indexes; idempotent. No two states of one
 * entity cover the same day as known at the same instant: the GiST exclusion
 * constraint holds it, and serves lookups at any (valid date, record instant).
 */
export function temporalIndexesSql(model: AnyModel): string {
  const t = tables(model)
  const indexes = Object.entries(model.columns).flatMap(([name, column]) => {
    if (column.index === 'btree') {
      return [
        `CREATE INDEX IF NOT EXISTS ${model.name}_states_${name} ON ${t.states} (${name}, id, valid_from, valid_to) WHERE recorded_to = 'infinity';`,
      ]
    }
    if (column.index === 'gin') {
      return [`CREATE INDEX IF NOT EXISTS ${model.name}_states_${name} ON ${t.states} USING gin (${name});`]
    }
    return []
  })
  return `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '${model.name}_states_no_overlap') THEN
    ALTER TABLE ${t.states} ADD CONSTRAINT ${model.name}_states_no_overlap EXCLUDE USING gist (
      id WITH =,
      daterange(valid_from, valid_to) WITH &&,
      tstzrange(recorded_from, recorded_to) WITH &&
    );
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS ${model.name}_states_current ON ${t.states} (id, valid_from, valid_to) WHERE recorded_to = 'infinity';
CREATE INDEX IF NOT EXISTS ${model.name}_states_known ON ${t.states} (id, recorded_from, recorded_to, valid_from, valid_to);
${indexes.join('\n')}
`
}

/** Drops the states' constraint and indexes, for a bulk load that rebuilds them after (`temporalIndexesSql`). */
export function dropTemporalIndexesSql(model: AnyModel): string {
  const t = tables(model)
  const names = [
    'current',
    'known',
    ...Object.entries(model.columns)
      .filter(([, column]) => column.index !== undefined)
      .map(([name]) => name),
  ]
  return `
ALTER TABLE ${t.states} DROP CONSTRAINT IF EXISTS ${model.name}_states_no_overlap;
${names.map((name) => `DROP INDEX IF EXISTS read_models.${model.name}_states_${name};`).join('\n')}
`
}

/** A state of an entity over a valid-time range, as the ledger knew it from `recordedFrom` on. */
export interface StateRow {
  id: string
  validFrom: string
  /** `infinity` while open. */
  validTo: string
  recordedFrom: string
  recordedTo: string
  view: Record<string, unknown>
}

/** An entity's states over valid time, from its events as known at one record time. */
export function segmentsOf<View extends Knowledge & { id: string }>(
  model: TemporalModel<View, Record<string, unknown>>,
  events: readonly CloudEvent[],
): Array<{ validFrom: string; validTo: string; view: Record<string, unknown> }> {
  const timeline = activeTimeline(
    events.map((event) => ({
      event,
      eventId: event.id,
      eventType: event.type,
      effectiveDate: event.effectivedate,
      streamVersion: event.streamversion,
    })),
  )
  const points: Array<{ on: string; view: View | undefined }> = []
  let view: View | undefined
  const lapseUntil = (date: string | undefined) => {
    for (let lapse = view && model.lapse?.(view); lapse && (date === undefined || lapse.on < date); ) {
      view = lapse.view
      points.push({ on: lapse.on, view })
      lapse = model.lapse?.(view)
    }
  }
  for (const entry of timeline) {
    lapseUntil(entry.effectiveDate)
    view = model.evolve(view, entry.event)
    const last = points.at(-1)
    if (last?.on === entry.effectiveDate) last.view = view
    else points.push({ on: entry.effectiveDate, view })
  }
  lapseUntil(undefined)
  const segments: Array<{ validFrom: string; validTo: string; view: Record<string, unknown> }> = []
  points.forEach((point, index) => {
    if (!point.view) return
    const { version: _version, lastRecordedAt: _recordedAt, ...stored } = point.view
    const state = JSON.parse(JSON.stringify(stored)) as Record<string, unknown>
    const validTo = points[index + 1]?.on ?? 'infinity'
    const previous = segments.at(-1)
    if (previous && previous.validTo === point.on && isDeepStrictEqual(previous.view, state)) previous.validTo = validTo
    else segments.push({ validFrom: point.on, validTo, view: state })
  })
  return segments
}

/**
 * How the open states change when the knowledge moves on at `recordedAt`: those that
 * still hold stay open, the others close there (or vanish, when they opened at the very
 * same instant and so were never the knowledge at any time), and the new ones open.
 */
export function nextStates(
  open: readonly StateRow[],
  segments: ReturnType<typeof segmentsOf>,
  id: string,
  recordedAt: string,
): { close: StateRow[]; remove: StateRow[]; open: StateRow[] } {
  const stays = (row: StateRow) =>
    segments.some(
      (segment) =>
        segment.validFrom === row.validFrom &&
        segment.validTo === row.validTo &&
        isDeepStrictEqual(segment.view, row.view),
    )
  const kept = open.filter(stays)
  const ending = open.filter((row) => !stays(row))
  return {
    close: ending.filter((row) => Date.parse(row.recordedFrom) < Date.parse(recordedAt)),
    remove: ending.filter((row) => Date.parse(row.recordedFrom) >= Date.parse(recordedAt)),
    open: segments
      .filter((segment) => !kept.some((row) => row.validFrom === segment.validFrom))
      .map((segment) => ({ id, ...segment, recordedFrom: recordedAt, recordedTo: 'infinity' })),
  }
}

export class StreamGapError extends Error {}

/**
 * Applies one event: stores it, folds the entity's timeline as now known, and moves
 * its states on. Applying it again changes nothing (its version is not ahead).
 */
export async function projectTemporal<View extends Knowledge & { id: string }>(
  client: pg.ClientBase,
  model: TemporalModel<View, Record<string, unknown>>,
  received: CloudEvent,
): Promise<void> {
  const event = upcastEvent(received)
  const t = tables(model)
  const id = event.subject
  await client.query(`INSERT INTO ${t.streams} (id, version) VALUES ($1, 0) ON CONFLICT DO NOTHING`, [id])
  const stream = await client.query<{ version: number; recorded_at: Date | null }>(
    `SELECT version, recorded_at FROM ${t.streams} WHERE id = $1 FOR UPDATE`,
    [id],
  )
  const storedVersion = stream.rows[0]?.version ?? 0
  if (event.streamversion <= storedVersion) return
  if (event.streamversion !== storedVersion + 1) {
    throw new StreamGapError(
      `${model.name} ${id} is at version ${storedVersion}; event ${event.id} is version ${event.streamversion}`,
    )
  }
  // Record time never runs back within an entity, so every range closes after it opened.
  const previous = stream.rows[0]?.recorded_at?.getTime() ?? Number.NEGATIVE_INFINITY
  const recordedAt = new Date(Math.max(Date.parse(event.time), previous)).toISOString()
  await client.query(
    `INSERT INTO ${t.events} (id, stream_version, effective_date, recorded_at, event) VALUES ($1, $2, $3, $4, $5)`,
    [id, event.streamversion, event.effectivedate, recordedAt, JSON.stringify(event)],
  )
  const history = await client.query<{ event: CloudEvent }>(
    `SELECT event FROM ${t.events} WHERE id = $1 ORDER BY stream_version`,
    [id],
  )
  const open = await client.query<{
    valid_from: string
    valid_to: string
    recorded_from: Date
    view: Record<string, unknown>
  }>(
    `SELECT valid_from::text, valid_to::text, recorded_from, view FROM ${t.states} WHERE id = $1 AND recorded_to = 'infinity'`,
    [id],
  )
  const change = nextStates(
    open.rows.map((row) => ({
      id,
      validFrom: row.valid_from,
      validTo: row.valid_to,
      recordedFrom: row.recorded_from.toISOString(),
      recordedTo: 'infinity',
      view: row.view,
    })),
    segmentsOf(
      model,
      history.rows.map((row) => row.event),
    ),
    id,
    recordedAt,
  )
  if (change.remove.length > 0) {
    await client.query(
      `DELETE FROM ${t.states} WHERE id = $1 AND recorded_to = 'infinity' AND valid_from = ANY ($2::date[])`,
      [id, change.remove.map((row) => row.validFrom)],
    )
  }
  if (change.close.length > 0) {
    await client.query(
      `UPDATE ${t.states} SET recorded_to = $3 WHERE id = $1 AND recorded_to = 'infinity' AND valid_from = ANY ($2::date[])`,
      [id, change.close.map((row) => row.validFrom), recordedAt],
    )
  }
  await insertStates(client, model, change.open)
  // The version reached, announced at commit: reads waiting for this write wake (LISTEN ree_read_models).
  await client.query(
    `WITH reached AS (UPDATE ${t.streams} SET version = $2, recorded_at = $3 WHERE id = $1 RETURNING id)
     SELECT pg_notify($4, $5) FROM reached`,
    [id, event.streamversion, recordedAt, READ_MODELS_CHANNEL, announcement(model.name, id, event.streamversion)],
  )
}

/** Writes states in one statement, their columns taken from each view by the model. */
export async function insertStates(client: Queryable, model: AnyModel, rows: readonly StateRow[]): Promise<void> {
  if (rows.length === 0) return
  const columns = Object.entries(model.columns)
  const records = rows.map((row) => ({
    id: row.id,
    valid_from: row.validFrom,
    valid_to: row.validTo,
    recorded_from: row.recordedFrom,
    recorded_to: row.recordedTo,
    ...Object.fromEntries(columns.map(([name, column]) => [name, column.of(row.view) ?? null])),
    view: row.view,
  }))
  const names = [
    'id',
    'valid_from',
    'valid_to',
    'recorded_from',
    'recorded_to',
    ...columns.map(([name]) => name),
    'view',
  ]
  const types = [
    'text',
    'date',
    'date',
    'timestamptz',
    'timestamptz',
    ...columns.map(([, column]) => column.type),
    'jsonb',
  ]
  await client.query(
    `INSERT INTO ${tables(model).states} (${names.join(', ')})
     SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${names.map((name, index) => `${name} ${types[index]}`).join(', ')})`,
    [JSON.stringify(records)],
  )
}

/** Every state row an entity's history makes, as the projection would write them one event at a time. */
export function statesOfHistory<View extends Knowledge & { id: string }>(
  model: TemporalModel<View, Record<string, unknown>>,
  events: readonly CloudEvent[],
): StateRow[] {
  const written: StateRow[] = []
  let open: StateRow[] = []
  let previous = Number.NEGATIVE_INFINITY
  const sorted = [...events].sort((a, b) => a.streamversion - b.streamversion)
  sorted.forEach((event, index) => {
    const recordedAt = new Date(Math.max(Date.parse(event.time), previous)).toISOString()
    previous = Date.parse(recordedAt)
    const change = nextStates(open, segmentsOf(model, sorted.slice(0, index + 1)), event.subject, recordedAt)
    const ending = new Set([...change.close, ...change.remove])
    for (const row of change.close) written.push({ ...row, recordedTo: recordedAt })
    open = [...open.filter((row) => !ending.has(row)), ...change.open]
  })
  return [...written, ...open]
}

// Reads.

export interface TemporalRead extends TemporalQuery {
  /** The valid date when `asOf` is absent: today. */
  today: string
}

function timeConditions(read: TemporalRead, values: unknown[], alias = 's'): string[] {
  values.push(read.asOf ?? read.today)
  const day = `$${values.length}::date`
  const conditions = [`${alias}.valid_from <= ${day}`, `${alias}.valid_to > ${day}`]
  if (read.recordedAsOf === undefined) {
    conditions.push(`${alias}.recorded_to = 'infinity'`)
  } else {
    values.push(read.recordedAsOf)
    conditions.push(
      `${alias}.recorded_from <= $${values.length}::timestamptz`,
      `${alias}.recorded_to > $${values.length}::timestamptz`,
    )
  }
  return conditions
}

/** The stream version and record time the answer is known at: now, or as of `recordedAsOf`. */
function knowledgeJoin(model: AnyModel, read: TemporalRead, values: unknown[]): string {
  const t = tables(model)
  if (read.recordedAsOf === undefined) return `JOIN ${t.streams} k ON k.id = s.id`
  values.push(read.recordedAsOf)
  return `CROSS JOIN LATERAL (
    SELECT e.stream_version AS version, e.recorded_at FROM ${t.events} e
    WHERE e.id = s.id AND e.recorded_at <= $${values.length}::timestamptz
    ORDER BY e.recorded_at DESC, e.stream_version DESC LIMIT 1) k`
}

interface StateResult {
  view: Record<string, unknown>
  version: number
  recorded_at: Date
}

function withKnowledge<View>(row: StateResult): View {
  return { ...row.view, version: row.version, lastRecordedAt: row.recorded_at.toISOString() } as View
}

/** One entity as of a valid date and as known at a time: one indexed lookup. */
export async function getState<View extends Knowledge & { id: string }>(
  db: Queryable,
  model: TemporalModel<View, Record<string, unknown>>,
  id: string,
  read: TemporalRead,
): Promise<View | undefined> {
  const values: unknown[] = [id]
  const conditions = ['s.id = $1', ...timeConditions(read, values)]
  const join = knowledgeJoin(model, read, values)
  const result = await db.query<StateResult>(
    `SELECT s.view, k.version, k.recorded_at FROM ${tables(model).states} s ${join} WHERE ${conditions.join(' AND ')}`,
    values,
  )
  const row = result.rows[0]
  return row ? withKnowledge<View>(row) : undefined
}

export interface ListRead<Filters> extends TemporalRead {
  filters: Partial<Filters>
  sort?: string
  limit: number
  cursor?: string | undefined
  /** Names the list in its cursors: a cursor from another list or other filters is refused. */
  list: string
  /** What the cursor is bound to in place of the filters, where a filter is computed from the query (ids). */
  bindAs?: Record<string, unknown>
}

const ListCursor = z.object({ b: z.string(), k: z.union([z.string(), z.null()]), id: z.string() })

/** A page of entities as of a valid date and as known at a time, filtered and sorted in SQL, by keyset. */
export async function listStates<View extends Knowledge & { id: string }, Filters extends Record<string, unknown>>(
  db: Queryable,
  model: TemporalModel<View, Filters>,
  read: ListRead<Filters>,
): Promise<{ items: View[]; nextCursor: string | null }> {
  const binding = bindingOf(read)
  const sort = read.sort === undefined ? undefined : model.sorts?.[read.sort]
  if (read.sort !== undefined && !sort) throw new Error(`unknown sort ${read.sort}`)
  const cursor = read.cursor ? decodeCursor(ListCursor, read.cursor) : undefined
  if (cursor && cursor.b !== binding) {
    throw new InvalidCursorError('cursor was issued for another list, other filters or another time')
  }
  const values: unknown[] = []
  const conditions = [...timeConditions(read, values), ...filterConditions(model, read.filters, values)]
  const key = sort?.key
  const direction = sort?.descending ? 'DESC' : 'ASC'
  if (cursor) {
    values.push(cursor.id)
    const idPlaceholder = `$${values.length}`
    if (key && sort) {
      if (cursor.k === null) throw new InvalidCursorError('cursor is not one this API returned')
      values.push(cursor.k)
      conditions.push(
        `(${key}, s.id) ${sort.descending ? '<' : '>'} ($${values.length}::${sort.cast}, ${idPlaceholder})`,
      )
    } else {
      conditions.push(`s.id > ${idPlaceholder}`)
    }
  }
  const join = knowledgeJoin(model, read, values)
  values.push(read.limit + 1)
  const result = await db
    .query<StateResult & { sort_key: string | null }>(
      `SELECT s.view, k.version, k.recorded_at, ${key ? `${key}::text` : 'NULL'} AS sort_key
     FROM ${tables(model).states} s ${join}
     WHERE ${conditions.join(' AND ')}
     ORDER BY ${key ? `${key} ${direction}, ` : ''}s.id ${direction} LIMIT $${values.length}`,
      values,
    )
    .catch((error: unknown) => {
      // A cursor key PostgreSQL cannot cast never came from this API.
      if ((error as { code?: string }).code === '22P02' || (error as { code?: string }).code === '22007') {
        throw new InvalidCursorError('cursor is not one this API returned')
      }
      throw error
    })
  const rows = result.rows.slice(0, read.limit)
  const last = rows.at(-1)
  return {
    items: rows.map((row) => withKnowledge<View>(row)),
    nextCursor:
      result.rows.length > read.limit && last
        ? encodeCursor({ b: binding, k: last.sort_key, id: String(last.view.id) })
        : null,
  }
}

/** Every entity that matches, as of a valid date and as known at a time: for aggregates. */
export async function allStates<View extends Knowledge & { id: string }, Filters extends Record<string, unknown>>(
  db: Queryable,
  model: TemporalModel<View, Filters>,
  read: TemporalRead & { filters: Partial<Filters> },
): Promise<View[]> {
  const values: unknown[] = []
  const conditions = [...timeConditions(read, values), ...filterConditions(model, read.filters, values)]
  const join = knowledgeJoin(model, read, values)
  const result = await db.query<StateResult>(
    `SELECT s.view, k.version, k.recorded_at FROM ${tables(model).states} s ${join}
     WHERE ${conditions.join(' AND ')} ORDER BY s.id`,
    values,
  )
  return result.rows.map((row) => withKnowledge<View>(row))
}

function filterConditions<Filters extends Record<string, unknown>>(
  model: { filters: { [Key in keyof Filters]-?: Filter } },
  filters: Partial<Filters>,
  values: unknown[],
): string[] {
  return Object.entries(filters).flatMap(([name, input]) => {
    if (input === undefined) return []
    const filter = model.filters[name as keyof Filters]
    if (!filter) throw new Error(`unknown filter ${name}`)
    values.push(filter.value ? filter.value(input as never) : input)
    return [filter.where(`$${values.length}`)]
  })
}

function bindingOf(read: ListRead<unknown>): string {
  return cursorBinding(read.list, {
    ...(read.bindAs ?? (read.filters as object)),
    sort: read.sort,
    asOf: read.asOf,
    recordedAsOf: read.recordedAsOf,
  })
}

/**
 * How many entities match the filters as of a valid date and as known at a time, by the
 * values of some columns (`id` among them; an array column counts an entity under each of its values).
 */
export async function countStates<View extends Knowledge & { id: string }, Filters extends Record<string, unknown>>(
  db: Queryable,
  model: TemporalModel<View, Filters>,
  read: TemporalRead & { filters: Partial<Filters>; by: readonly string[] },
): Promise<Array<{ key: Record<string, string | null>; count: number }>> {
  const values: unknown[] = []
  const conditions = [...timeConditions(read, values), ...filterConditions(model, read.filters, values)]
  const groups = read.by.map((name) => {
    if (name === 'id') return 's.id'
    const column = model.columns[identifier(name)]
    if (!column) throw new Error(`unknown column ${name}`)
    return column.type === 'text[]' ? `unnest(s.${name})` : `s.${name}`
  })
  const selected = groups.map((group, index) => `${group}::text AS g${index}`)
  const result = await db.query<Record<string, string | null> & { count: number }>(
    `SELECT ${[...selected, 'count(*)::int AS count'].join(', ')} FROM ${tables(model).states} s
     WHERE ${conditions.join(' AND ')}${groups.length ? ` GROUP BY ${groups.map((_, index) => `g${index}`).join(', ')} ORDER BY ${groups.map((_, index) => `g${index}`).join(', ')}` : ''}`,
    values,
  )
  return result.rows.map((row) => ({
    key: Object.fromEntries(read.by.map((name, index) => [name, row[`g${index}`] ?? null])),
    count: row.count,
  }))
}

/**
 * What a cursor is bound to: the list, its filters and its times. A cursor presented
 * with any other is refused, so a page never continues another list.
 */
export function cursorBinding(list: string, query: Record<string, unknown>): string {
  const bound = Object.entries(query)
    .filter(([name, value]) => value !== undefined && name !== 'cursor' && name !== 'limit')
    .sort(([a], [b]) => (a < b ? -1 : 1))
  return createHash('sha256')
    .update(JSON.stringify([list, bound]))
    .digest('base64url')
    .slice(0, 12)
}

/** The version the read model has reached for an entity (0 when unknown): for read-your-writes. */
export async function streamVersion(db: Queryable, model: AnyModel, id: string): Promise<number> {
  const result = await db.query<{ version: number }>(`SELECT version FROM ${tables(model).streams} WHERE id = $1`, [id])
  return result.rows[0]?.version ?? 0
}

const HistoryCursor = z.object({ b: z.string(), v: z.number().int() })

/** One entity's events in record order, as CloudEvents, optionally only those true by `asOf` and known by `recordedAsOf`. */
export async function eventPage(
  db: Queryable,
  model: AnyModel,
  id: string,
  query: TemporalQuery & { limit: number; cursor?: string | undefined },
): Promise<{ items: CloudEvent[]; nextCursor: string | null }> {
  const binding = cursorBinding(`${model.name}-history:${id}`, { asOf: query.asOf, recordedAsOf: query.recordedAsOf })
  const cursor = query.cursor ? decodeCursor(HistoryCursor, query.cursor) : undefined
  if (cursor && cursor.b !== binding)
    throw new InvalidCursorError('cursor was issued for another history or other times')
  const values: unknown[] = [id, cursor?.v ?? 0]
  const conditions = ['id = $1', 'stream_version > $2']
  if (query.asOf !== undefined) {
    values.push(query.asOf)
    conditions.push(`effective_date <= $${values.length}::date`)
  }
  if (query.recordedAsOf !== undefined) {
    values.push(query.recordedAsOf)
    conditions.push(`recorded_at <= $${values.length}::timestamptz`)
  }
  values.push(query.limit + 1)
  const result = await db.query<{ event: CloudEvent }>(
    `SELECT event FROM ${tables(model).events} WHERE ${conditions.join(' AND ')} ORDER BY stream_version LIMIT $${values.length}`,
    values,
  )
  const items = result.rows.slice(0, query.limit).map((row) => row.event)
  const last = items.at(-1)
  return {
    items,
    nextCursor: result.rows.length > query.limit && last ? encodeCursor({ b: binding, v: last.streamversion }) : null,
  }
}

/** Whether the read model knows any event of the entity (its history stays readable after a retraction). */
export async function hasEvents(db: Queryable, model: AnyModel, id: string): Promise<boolean> {
  const result = await db.query(`SELECT 1 FROM ${tables(model).events} WHERE id = $1 LIMIT 1`, [id])
  return result.rowCount === 1
}
