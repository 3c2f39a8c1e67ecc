import type { LoggerOptions } from 'pino'

/** pino options shared by every service: JSON lines, the service's name on each, no secrets. */
export function loggerOptions(service: string | undefined, level: string): LoggerOptions {
  return {
    level,
    base: service ? { service } : {},
    redact: { paths: ['req.headers.authorization', 'databaseUrl', '*.password'], censor: '[redacted]' },
  }
}
