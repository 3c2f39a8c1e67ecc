import { type Logger, type LoggerOptions, pino } from 'pino'
import pretty from 'pino-pretty'

/** pino options shared by every service: JSON lines, the service's name on each, no secrets. */
export function loggerOptions(service: string | undefined, level: string): LoggerOptions {
  return {
    level,
    base: service ? { service } : {},
    redact: { paths: ['req.headers.authorization', 'databaseUrl', '*.password'], censor: '[redacted]' },
  }
}

/** `json` when asked, or when stdout is not a terminal (a log collector reads it); else readable `text`. */
export function logFormat(asked: 'json' | 'text' | undefined): 'json' | 'text' {
  return asked ?? (process.stdout.isTTY ? 'text' : 'json')
}

/** The service's logger: JSON lines, or for a person at a terminal, readable lines on stderr. */
export function createLogger(
  service: string | undefined,
  config: { LOG_LEVEL: string; LOG_FORMAT?: 'json' | 'text' | undefined },
): Logger {
  const options = loggerOptions(service, config.LOG_LEVEL)
  if (logFormat(config.LOG_FORMAT) === 'json') return pino(options)
  return pino(options, pretty({ destination: 2, sync: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' }))
}
