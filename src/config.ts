// The only reader of process.env and env/ files. Produces one validated, frozen Config, or fails
// naming every bad variable. Nothing else in src/ may read process.env.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { DEFAULT_RETENTION, type RetentionPolicy } from './privacy/ports.js';

export type Mode = 'local' | 'production';
export type AppType = 'SingleTenant' | 'UserAssignedMsi';
export type Language = 'nl' | 'en';

export interface BotAuth {
  appId: string;
  appType: AppType;
  tenantId: string;
  password?: string;
  certificateThumbprint?: string;
  certificatePrivateKey?: string;
  /** OpenID metadata of the Bot Framework channel tokens; unset: the public cloud's. */
  openIdMetadataUrl?: string;
  /** OAuth token endpoint for the bot's own calls to the connector (client secret); unset: Entra's, as botbuilder finds it. */
  tokenEndpoint?: string;
}

export interface GraphConfig {
  enabled: boolean;
  baseUrl: string;
  authorityHost: string;
  /** SHA-256 thumbprint of the certificate, when the bot signs in with one (msal needs SHA-256). */
  certificateThumbprintSha256?: string;
  /** TEAMS_APP_CATALOG_ID: the app's id in the tenant's app catalog; with it Cadans installs the app for survey recipients who lack it. */
  teamsAppCatalogId?: string;
}

export interface Config {
  mode: Mode;
  envName: string;
  rootDir: string;
  host: string;
  port: number;
  databaseUrl?: string;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logFile?: string;
  playground: { enabled: boolean; port: number };
  /** null in local mode: no authentication, as the Agents Playground expects. */
  botAuth: BotAuth | null;
  /** Entra object ids that are beheerder in every tenant this bot serves (production). */
  beheerders: readonly string[];
  defaultLanguage: Language;
  outbox: { tenantPerSecond: number; maxAttempts: number };
  graph: GraphConfig;
  maxBodyBytes: number;
  shutdownGraceMs: number;
  /** Signed download links (docs/exports.md). */
  exports: ExportsConfig;
  surveys: SurveysConfig;
  privacy: PrivacyConfig;
}

export interface PrivacyConfig {
  /** RETENTION_<KIND>_DAYS (docs/privacy.md); 0 keeps forever. */
  retention: Readonly<RetentionPolicy>;
  /** TENANT_DELETION_GRACE_DAYS: a tenant's data goes this long after its last installation was removed; 0: never by itself. */
  tenantDeletionGraceDays: number;
}

/** The environment variable of a retention kind: outboxSentDays → RETENTION_OUTBOX_SENT_DAYS. */
export function retentionVariable(kind: keyof RetentionPolicy): string {
  return `RETENTION_${kind.replace(/Days$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_DAYS`;
}
const RETENTION_KINDS = Object.keys(DEFAULT_RETENTION) as (keyof RetentionPolicy)[];
const days = z.coerce.number({ message: 'must be a number of days' }).int('must be a whole number of days').min(0, 'must be 0 (keep forever) or more days').max(36_500, 'must be at most 36500 days');

export interface SurveysConfig {
  /** SURVEY_SEAL_SECRET: the key that seals anonymous answers until a survey closes (docs/surveys.md); local mode: a key file in the data directory. */
  sealSecret?: string;
  /** SURVEY_SEND_HOURS: surveys and reminders go out on working days between these hours (Europe/Amsterdam); null ('always'): at any time. */
  sendWindow: { startHour: number; endHour: number } | null;
}

export interface ExportsConfig {
  /** EXPORT_SIGNING_SECRET; in local mode, when unset, random per process (links die with it). */
  signingSecret: string;
  signingSecretIsEphemeral: boolean;
  /** PUBLIC_BASE_URL without a trailing slash: where browsers reach Cadans. */
  publicBaseUrl?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 (any free port) and 65535')
  .max(65535, 'must be between 0 (any free port) and 65535');

const raw = z.object({
  CADANS_MODE: z.enum(['local', 'production'], { message: "must be 'local' or 'production'" }).default('local'),
  CADANS_ENV: z.string().regex(/^[a-z0-9-]+$/, 'must be a short name like local or dev').optional(),
  HOST: z.string().min(1).optional(),
  PORT: port.default(3978),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  CADANS_DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FILE: z.string().min(1).optional(),
  PLAYGROUND: bool.optional(),
  PLAYGROUND_PORT: port.default(56150),
  MicrosoftAppId: z.string().uuid('must be the bot registration client id (a GUID)').optional(),
  MicrosoftAppType: z
    .enum(['SingleTenant', 'UserAssignedMsi', 'MultiTenant'], {
      message: 'must be SingleTenant or UserAssignedMsi',
    })
    .optional(),
  MicrosoftAppTenantId: z.string().uuid('must be the Entra tenant id (a GUID)').optional(),
  MicrosoftAppPassword: z.string().min(1).optional(),
  CertificateThumbprint: z.string().min(1).optional(),
  CertificatePrivateKey: z.string().min(1).optional(),
  BOT_OPENID_METADATA_URL: z.string().url('must be a URL').optional(),
  BOT_TOKEN_ENDPOINT: z.string().url('must be a URL').optional(),
  CADANS_BEHEERDERS: z.string().optional(),
  CADANS_DEFAULT_LANGUAGE: z.enum(['nl', 'en'], { message: "must be 'nl' or 'en'" }).default('nl'),
  OUTBOX_TENANT_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(50),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  GRAPH_ENABLED: bool.optional(),
  GRAPH_BASE_URL: z.string().url().default('https://graph.microsoft.com/v1.0'),
  ENTRA_AUTHORITY_HOST: z.string().url().default('https://login.microsoftonline.com'),
  TEAMS_APP_CATALOG_ID: z.string().uuid('must be the app id in the tenant app catalog (a GUID)').optional(),
  GRAPH_CERTIFICATE_THUMBPRINT_SHA256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters').optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(16_384).max(10_485_760).default(1_048_576),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  // exports (docs/exports.md)
  SURVEY_SEAL_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 48)').optional(),
  SURVEY_SEND_HOURS: z
    .string()
    .regex(/^(?:\d{1,2}-\d{1,2}|always)$/, "must be two hours like 8-18, or 'always'")
    .refine((v) => { if (v === 'always') return true; const [a, b] = v.split('-').map(Number); return a! >= 0 && b! <= 24 && a! < b!; }, 'must be two hours like 8-18, the first before the second')
    .default('8-18'),
  EXPORT_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 48)').optional(),
  PUBLIC_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http(s) address without query, like https://cadans.example.org')
    .optional(),
  // privacy (docs/privacy.md)
  ...Object.fromEntries(RETENTION_KINDS.map((k) => [retentionVariable(k), days.default(DEFAULT_RETENTION[k])])),
  TENANT_DELETION_GRACE_DAYS: days.default(30),
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads env/.env.<name> and env/.env.<name>.user (secrets, git-ignored); process variables win. */
export function readEnvFiles(rootDir: string, envName: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of [`.env.${envName}`, `.env.${envName}.user`]) {
    const p = path.join(rootDir, 'env', file);
    if (existsSync(p)) Object.assign(out, parseDotenv(readFileSync(p)));
  }
  return out;
}

export function loadConfig(
  processEnv: Record<string, string | undefined>,
  rootDir: string = process.cwd(),
): Readonly<Config> {
  const mode = processEnv.CADANS_MODE === 'production' ? 'production' : 'local';
  const envName = processEnv.CADANS_ENV ?? (mode === 'production' ? 'production' : 'local');
  const fileEnv = /^[a-z0-9-]+$/.test(envName) ? readEnvFiles(rootDir, envName) : {};
  const merged: Record<string, string | undefined> = { ...fileEnv };
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) merged[k] = v;
  // An empty variable counts as unset, as in most deployment tools.
  for (const k of Object.keys(merged)) if (merged[k] === '') delete merged[k];

  const parsed = raw.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    // Also name what production still lacks, so one start-up attempt shows everything to fix.
    if (merged.CADANS_MODE === 'production') {
      for (const key of ['MicrosoftAppId', 'MicrosoftAppType', 'MicrosoftAppTenantId', 'DATABASE_URL', 'CADANS_BEHEERDERS']) {
        if (!merged[key] && !problems.some((p) => p.startsWith(`${key}:`))) problems.push(`${key}: required in production`);
      }
      if (!merged.EXPORT_SIGNING_SECRET && !problems.some((p) => p.startsWith('EXPORT_SIGNING_SECRET:'))) problems.push('EXPORT_SIGNING_SECRET: required in production'); // exports
      if (!merged.PUBLIC_BASE_URL && !problems.some((p) => p.startsWith('PUBLIC_BASE_URL:'))) problems.push('PUBLIC_BASE_URL: required in production');
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const problems: string[] = [];

  const beheerders = (e.CADANS_BEHEERDERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const b of beheerders) {
    if (!GUID.test(b)) problems.push(`CADANS_BEHEERDERS: '${b}' is not an Entra object id (a GUID)`);
  }

  let botAuth: BotAuth | null = null;
  if (e.CADANS_MODE === 'production') {
    if (!e.MicrosoftAppId) problems.push('MicrosoftAppId: required in production (the bot registration client id)');
    if (!e.MicrosoftAppType) problems.push('MicrosoftAppType: required in production (SingleTenant or UserAssignedMsi)');
    if (e.MicrosoftAppType === 'MultiTenant') {
      problems.push('MicrosoftAppType: MultiTenant is not supported (new Azure bot registrations are single-tenant); use SingleTenant or UserAssignedMsi');
    }
    if (!e.MicrosoftAppTenantId) problems.push('MicrosoftAppTenantId: required in production (the Entra tenant id)');
    if (e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppPassword && !e.CertificateThumbprint) {
      problems.push('MicrosoftAppPassword: SingleTenant needs a client secret, or CertificateThumbprint + CertificatePrivateKey');
    }
    if (!!e.CertificateThumbprint !== !!e.CertificatePrivateKey) {
      problems.push('CertificatePrivateKey: CertificateThumbprint and CertificatePrivateKey go together');
    }
    if (!e.DATABASE_URL) problems.push('DATABASE_URL: required in production (no embedded database there)');
    if (e.PLAYGROUND === true) problems.push('PLAYGROUND: the Agents Playground runs in local mode only');
    if (beheerders.length === 0) {
      problems.push('CADANS_BEHEERDERS: name at least one beheerder (Entra object id) in production');
    }
    if (!e.SURVEY_SEAL_SECRET) problems.push('SURVEY_SEAL_SECRET: required in production (at least 32 characters, the same on every instance, kept outside the database; seals anonymous survey answers until the survey closes)');
    if (!e.EXPORT_SIGNING_SECRET) problems.push('EXPORT_SIGNING_SECRET: required in production (at least 32 characters, the same on every instance; signs download links)');
    if (!e.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL: required in production (the https:// address browsers reach Cadans on, e.g. https://cadans.example.org; download links start with it)');
    if (e.PUBLIC_BASE_URL && !e.PUBLIC_BASE_URL.startsWith('https://')) problems.push('PUBLIC_BASE_URL: must be an https:// address in production (download links carry their key)');
    if (e.BOT_TOKEN_ENDPOINT && !e.MicrosoftAppPassword) problems.push('BOT_TOKEN_ENDPOINT: works with MicrosoftAppPassword (a client secret) only');
    if (problems.length === 0) {
      botAuth = {
        appId: e.MicrosoftAppId!,
        appType: e.MicrosoftAppType as AppType,
        tenantId: e.MicrosoftAppTenantId!,
        password: e.MicrosoftAppPassword,
        certificateThumbprint: e.CertificateThumbprint,
        certificatePrivateKey: e.CertificatePrivateKey,
        openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
        tokenEndpoint: e.BOT_TOKEN_ENDPOINT,
      };
    }
  } else {
    if (e.HOST && e.HOST !== '127.0.0.1' && e.HOST !== 'localhost' && e.HOST !== '::1') {
      problems.push('HOST: local mode has no authentication and listens on 127.0.0.1 only; use CADANS_MODE=production to listen elsewhere');
    }
    if (e.MicrosoftAppId) {
      problems.push('MicrosoftAppId: local mode runs without authentication (for the Agents Playground); set CADANS_MODE=production to use a bot registration');
    }
  }
  const graphEnabled = e.GRAPH_ENABLED ?? false;
  if (graphEnabled && e.CADANS_MODE !== 'production') {
    problems.push('GRAPH_ENABLED: Microsoft Graph needs the bot registration credentials of production mode');
  }
  if (graphEnabled && e.CertificateThumbprint && !e.MicrosoftAppPassword && !e.GRAPH_CERTIFICATE_THUMBPRINT_SHA256) {
    problems.push('GRAPH_CERTIFICATE_THUMBPRINT_SHA256: Graph with a certificate needs its SHA-256 thumbprint');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(rootDir, e.CADANS_DATA_DIR);
  const config: Config = {
    mode: e.CADANS_MODE,
    envName,
    rootDir,
    host: e.HOST ?? (e.CADANS_MODE === 'production' ? '0.0.0.0' : '127.0.0.1'),
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    logLevel: e.LOG_LEVEL,
    logFile: e.LOG_FILE ?? (e.CADANS_MODE === 'local' ? path.join(dataDir, 'logs', 'cadans.log') : undefined),
    playground: { enabled: e.CADANS_MODE === 'local' && (e.PLAYGROUND ?? true), port: e.PLAYGROUND_PORT },
    botAuth,
    beheerders,
    defaultLanguage: e.CADANS_DEFAULT_LANGUAGE,
    outbox: { tenantPerSecond: e.OUTBOX_TENANT_PER_SECOND, maxAttempts: e.OUTBOX_MAX_ATTEMPTS },
    graph: {
      enabled: graphEnabled,
      baseUrl: e.GRAPH_BASE_URL,
      authorityHost: e.ENTRA_AUTHORITY_HOST,
      certificateThumbprintSha256: e.GRAPH_CERTIFICATE_THUMBPRINT_SHA256,
      ...(e.TEAMS_APP_CATALOG_ID ? { teamsAppCatalogId: e.TEAMS_APP_CATALOG_ID } : {}),
    },
    maxBodyBytes: e.MAX_BODY_BYTES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    surveys: {
      sealSecret: e.SURVEY_SEAL_SECRET,
      sendWindow: e.SURVEY_SEND_HOURS === 'always' ? null : { startHour: Number(e.SURVEY_SEND_HOURS.split('-')[0]), endHour: Number(e.SURVEY_SEND_HOURS.split('-')[1]) },
    },
    exports: {
      // Local mode without a secret: a random one per process; its links stop working on restart.
      signingSecret: e.EXPORT_SIGNING_SECRET ?? randomBytes(32).toString('base64url'),
      signingSecretIsEphemeral: !e.EXPORT_SIGNING_SECRET,
      publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    },
    privacy: {
      retention: Object.freeze(Object.fromEntries(RETENTION_KINDS.map((k) => [k, (e as unknown as Record<string, number>)[retentionVariable(k)]])) as unknown as RetentionPolicy),
      tenantDeletionGraceDays: e.TENANT_DELETION_GRACE_DAYS,
    },
  };
  return Object.freeze(config);
}
