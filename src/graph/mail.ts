// Email through Microsoft Graph, for people Cadans cannot reach in Teams (parents in the
// participation council, external supervisors): POST /users/{id}/sendMail from a chair's mailbox,
// application permission Mail.Send (limited by the tenant admin to the chairs' mailboxes). Graph
// answers 202 Accepted: the message is queued, not yet delivered. Not kept in Sent Items
// (saveToSentItems: false): the chair's mailbox is not filled with Cadans' prep mails.
// Source (Microsoft Learn): user-sendmail.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import { assertBodyHtml, assertLine, assertUserId, checkRecipients, invalidInput, send } from './request.js';

export interface MailInput {
  to: { email: string; name: string }[];
  subject: string;
  bodyHtml: string;
}

export interface GraphMail {
  /** Sends an HTML mail from `fromUserId`'s mailbox to `to` (1 to 500 addresses, each once). */
  sendMail(fromUserId: string, mail: MailInput): Promise<void>;
}

/** Exchange Online's limit of recipients per message. */
const MAX_RECIPIENTS = 500;
const MAX_SUBJECT_LENGTH = 255;

export function createMailer(options: { client: Client; logger: Logger }): GraphMail {
  const { client, logger } = options;
  return {
    async sendMail(fromUserId, mail) {
      assertUserId('fromUserId', fromUserId);
      if (typeof mail !== 'object' || mail === null) throw invalidInput('sendMail needs a mail');
      const to = checkRecipients('to', mail.to, 1, MAX_RECIPIENTS);
      assertLine('subject', mail.subject, MAX_SUBJECT_LENGTH);
      assertBodyHtml('bodyHtml', mail.bodyHtml);
      await send(client.api(`/users/${encodeURIComponent(fromUserId)}/sendMail`), 'post', {
        message: {
          subject: mail.subject,
          body: { contentType: 'HTML', content: mail.bodyHtml },
          toRecipients: to.map((r) => ({ emailAddress: { address: r.email, name: r.name } })),
        },
        saveToSentItems: false,
      });
      // Who it went to is personal data: the count is enough in a log.
      logger.info({ fromUserId, recipients: to.length }, 'graph: sent a mail');
    },
  };
}
