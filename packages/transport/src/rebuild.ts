import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { readAll, START_OF_STORE, type GlobalCheckpoint } from '@ree/event-store'
import pg from 'pg'
import type { Logger } from 'pino'
import { takeReadModelsLock } from './readModelsLock.ts'
import type { EventHandler, EventSource } from './transport.ts'

const LIVE = 'read_models'
const NEXT = 'read_models_next'

export interface RebuildOptions {
  /** The database of the read models (and of the event stores they are built from). */
  databaseUrl: string
  sources: readonly EventSource[]
  /** The read models' DDL, written against the `read_models` schema (it is run against a scratch one too). */
  schemaSql: string
  /** Creates the read models in an empty database (their migration). */
  migrate: (pool: pg.Pool) => Promise<unknown>
  /** Applies one event to the read models (the projection's handler). */
  handler: EventHandler
  /** The tables to switch: those whose name starts with one of these prefixes (`deposit_`), or every one. */
  tablePrefixes?: readonly string[]
  logger: Pick<Logger, 'info' | 'warn'>
  onProgress?: (progress: RebuildProgress) => void
  batchSize?: number
}

export interface RebuildProgress {
  phase: 'replaying' | 'copying' | 'switching' | 'done'
  events: number
  failed: number
  eventsPerSecond: number
  tables: string[]
}

/**
 * Builds the read models afresh from the event stores beside the live ones and
 * switches readers over atomically; reads never fail while it runs.
 *
 * 1. Every event is applied, with the projection's own handler, to the read models
 *    of a scratch database (the handler writes `read_models.*`, so it gets a database
 *    of its own), and the rows are copied into `read_models_next` beside the live tables.
 * 2. The read-models lock is then taken exclusively: projection batches wait. Every
 *    transaction that was running is waited out, the events appended since are
 *    applied, the entities they touched are copied again, and in the same
 *    transaction each live table is dropped and its rebuilt twin moved into its
 *    place. Readers queue behind that lock for an instant and then read the new
 *    table. The rebuilt tables are at or ahead of the projection's positions, and
 *    the projection's version check makes the events it then delivers again change nothing.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildProgress> {
  const { logger, sources } = options
  const batchSize = options.batchSize ?? 1000
  const live = new pg.Pool({ connectionString: options.databaseUrl, max: 4 })
  live.on('error', (error) => logger.warn({ error: error.message }, 'rebuild connection failed'))
  const scratchName = `ree_rebuild_${randomUUID().replaceAll('-', '')}`
  await live.query(`CREATE DATABASE ${scratchName}`)
  const scratchUrl = new URL(options.databaseUrl)
  scratchUrl.pathname = `/${scratchName}`
  const scratch = new pg.Pool({ connectionString: scratchUrl.toString(), max: 4 })
  scratch.on('error', (error) => logger.warn({ error: error.message }, 'rebuild scratch connection failed'))
  const positions = new Map<string, GlobalCheckpoint>(sources.map((source) => [source.schema, START_OF_STORE]))
  const progress: RebuildProgress = { phase: 'replaying', events: 0, failed: 0, eventsPerSecond: 0, tables: [] }
  const started = performance.now()
  const report = () => {
    progress.eventsPerSecond = Math.round(progress.events / ((performance.now() - started) / 1000))
    options.onProgress?.({ ...progress })
  }

  /** Applies the events after the positions reached; returns the entities they touched. */
  async function replay(reader: pg.Pool | pg.ClientBase): Promise<Set<string>> {
    const touched = new Set<string>()
    for (const source of sources) {
      for (;;) {
        const after = positions.get(source.schema) ?? START_OF_STORE
        const events = await readAll(reader, { schema: source.schema, source: source.source, after, limit: batchSize })
        if (events.length === 0) break
        const client = await scratch.connect()
        try {
          await client.query('BEGIN')
          for (const stored of events) {
            await client.query('SAVEPOINT event')
            try {
              await options.handler(client, stored.event)
              await client.query('RELEASE SAVEPOINT event')
            } catch (error) {
              // As in the live projection, an event that cannot be applied is left out.
              await client.query('ROLLBACK TO SAVEPOINT event')
              progress.failed += 1
              logger.warn(
                { error: (error as Error).message, event: stored.event.id },
                'rebuild could not apply an event',
              )
            }
            touched.add(stored.event.subject)
          }
          await client.query('COMMIT')
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined)
          throw error
        } finally {
          client.release()
        }
        const last = events.at(-1)
        if (last)
          positions.set(source.schema, { transactionId: last.transactionId, globalPosition: last.globalPosition })
        progress.events += events.length
        report()
      }
    }
    return touched
  }

  try {
    await options.migrate(scratch)
    await replay(live)

    progress.phase = 'copying'
    report()
    await live.query(`DROP SCHEMA IF EXISTS ${NEXT} CASCADE`)
    await live.query(options.schemaSql.replaceAll(/\bread_models\b/g, NEXT))
    const tables = await tablesOf(live, NEXT, options.tablePrefixes)
    progress.tables = tables.map((table) => table.name)
    for (const table of tables) await copyRows(scratch, live, table.name)

    progress.phase = 'switching'
    report()
    const client = await live.connect()
    try {
      await client.query('BEGIN')
      await takeReadModelsLock(client)
      await waitForRunningTransactions(client)
      const touched = [...(await replay(client))]
      for (const table of tables) {
        if (table.keyed) {
          await client.query(`DELETE FROM ${NEXT}.${table.name} WHERE id = ANY ($1::text[])`, [touched])
          await copyRows(scratch, client, table.name, touched)
        } else {
          await client.query(`DELETE FROM ${NEXT}.${table.name}`)
          await copyRows(scratch, client, table.name)
        }
      }
      for (const table of tables) {
        await client.query(`DROP TABLE IF EXISTS ${LIVE}.${table.name}`)
        await client.query(`ALTER TABLE ${NEXT}.${table.name} SET SCHEMA ${LIVE}`)
      }
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
    progress.phase = 'done'
    progress.eventsPerSecond = Math.round(progress.events / ((performance.now() - started) / 1000))
    logger.info({ ...progress }, 'read models rebuilt and switched')
    return { ...progress }
  } finally {
    await live.query(`DROP SCHEMA IF EXISTS ${NEXT} CASCADE`).catch(() => undefined)
    await scratch.end()
    await live.query(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`).catch(() => undefined)
    await live.end()
  }
}

/** The tables of a schema to switch, and whether each is keyed by entity (`id`). */
async function tablesOf(db: pg.Pool, schema: string, prefixes: readonly string[] | undefined) {
  const result = await db.query<{ name: string; keyed: boolean }>(
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'id' AND NOT a.attisdropped) AS keyed
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname`,
    [schema],
  )
  return result.rows.filter(
    (table) => table.name !== 'layout' && (!prefixes || prefixes.some((prefix) => table.name.startsWith(prefix))),
  )
}

/** Copies a table's rows (or those of some entities) from the scratch read models into `read_models_next`. */
async function copyRows(from: pg.Pool, to: pg.Pool | pg.ClientBase, table: string, ids?: string[]): Promise<void> {
  const chunk = 2000
  for (let offset = 0; ; offset += chunk) {
    const rows = await from.query<{ row: unknown }>(
      `SELECT to_jsonb(t) AS row FROM ${LIVE}.${table} t ${ids ? 'WHERE id = ANY ($3::text[])' : ''}
       ORDER BY ctid LIMIT $1 OFFSET $2`,
      ids ? [chunk, offset, ids] : [chunk, offset],
    )
    if (rows.rows.length === 0) return
    await to.query(
      `INSERT INTO ${NEXT}.${table} SELECT * FROM jsonb_populate_recordset(NULL::${NEXT}.${table}, $1::jsonb)`,
      [JSON.stringify(rows.rows.map((row) => row.row))],
    )
    if (rows.rows.length < chunk) return
  }
}

/** Waits until every transaction running now has ended, so that no event committed before now is still invisible. */
async function waitForRunningTransactions(client: pg.ClientBase): Promise<void> {
  const now = await client.query<{ xmax: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax')
  const xmax = now.rows[0]?.xmax ?? '0'
  for (;;) {
    // This transaction has written nothing yet, so it has no id of its own to hold the horizon back.
    const horizon = await client.query<{ passed: boolean }>(
      'SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8 AS passed',
      [xmax],
    )
    if (horizon.rows[0]?.passed) return
    await sleep(10)
  }
}
