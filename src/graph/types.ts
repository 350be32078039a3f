import type { Logger } from 'pino';
import type { GraphCalendar } from './calendar.js';
import type { GraphMail } from './mail.js';

export type GraphCredentials =
  | { kind: 'secret'; tenantId: string; clientId: string; clientSecret: string }
  | {
      kind: 'certificate';
      tenantId: string;
      clientId: string;
      /** Hex SHA-256 thumbprint of the X.509 certificate registered on the app. */
      thumbprintSha256: string;
      /** PKCS#8 PEM (-----BEGIN PRIVATE KEY-----). */
      privateKeyPem: string;
      /** PEM certificate chain, sent as the x5c header (subject-name/issuer auth). */
      x5c?: string;
    }
  | { kind: 'managedIdentity'; clientId?: string };

export interface GraphOptions {
  credentials: GraphCredentials;
  /** Default https://login.microsoftonline.com. Must be https (msal-node refuses http authorities). */
  authorityHost?: string;
  /**
   * OpenID metadata JSON for the authority (offline, test or sovereign use). When set, msal uses it
   * instead of discovery and trusts `authorityHost` without instance discovery.
   */
  authorityMetadataJson?: string;
  /** Default https://graph.microsoft.com/v1.0. The token scope is this URL's origin + `/.default`. */
  graphBaseUrl?: string;
  logger: Logger;
  /** Retries of a Graph request answered 429, 503 or 504. Default 3. */
  maxRetries?: number;
  /** Bound on one HTTP request (Graph or token endpoint), body included. Default 10000. */
  fetchTimeoutMs?: number;
  /** Longest single wait between retries; a longer Retry-After is clamped to it. Default 30000. */
  maxRetryWaitMs?: number;
  /** Budget for all retry waits of one request; a retry that would exceed it is not made. Default 60000. */
  maxTotalRetryWaitMs?: number;
  /** Page size asked of Graph ($top). Default 999 (Graph's maximum for members); calendarView pages take at most 100. */
  pageSize?: number;
  /** How retry waits are slept; tests pass a recorder. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface TeamMember {
  aadObjectId: string;
  displayName: string;
  email?: string;
  userPrincipalName?: string;
  jobTitle?: string;
  preferredLanguage?: string;
}

/** Also the calendar (Calendars.ReadWrite) and mail (Mail.Send) calls: see calendar.ts and mail.ts. */
export interface Graph extends GraphCalendar, GraphMail {
  /**
   * All members of a Microsoft 365 group (a team) that are users, following @odata.nextLink.
   * Devices, groups, service principals and other non-user members are skipped.
   */
  listTeamMembers(groupId: string): Promise<TeamMember[]>;
  /**
   * Installs the Teams app (its id in the tenant's app catalog) for a user, so a 1:1 chat with the
   * bot can be created; 'alreadyInstalled' when Graph answers 409.
   */
  installAppForUser(userId: string, catalogAppId: string): Promise<'installed' | 'alreadyInstalled'>;
  getAccessToken(): Promise<string>;
}
