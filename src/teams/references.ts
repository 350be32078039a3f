// Conversation references: where Cadans can reach a person, channel or team proactively.
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { toBaseConversationId, toConversationKind, toTeamInfo, toTenantId } from './actor.js';

export type ReferenceScope = 'personal' | 'channel' | 'team' | 'groupChat';

export interface ReferenceRow {
  tenantId: string;
  scope: ReferenceScope;
  key: string;
  conversationId: string;
  serviceUrl: string;
  teamId?: string;
  aadGroupId?: string;
  name?: string;
  reference: Partial<ConversationReference>;
}

/** The references an activity tells us about: its conversation, and for a team also the team itself. */
export function toReferenceRows(activity: Activity): ReferenceRow[] {
  const tenantId = toTenantId(activity);
  if (!tenantId || !activity.conversation?.id || !activity.serviceUrl) return [];
  const ref = TurnContext.getConversationReference(activity);
  const base = toBaseConversationId(activity.conversation.id);
  const reference = { ...ref, conversation: { ...ref.conversation!, id: base }, activityId: undefined };
  const kind = toConversationKind(activity);
  const team = toTeamInfo(activity);
  const rows: ReferenceRow[] = [];
  if (kind === 'personal') {
    const aad = activity.from?.aadObjectId;
    if (aad) rows.push({ tenantId, scope: 'personal', key: aad, conversationId: base, serviceUrl: activity.serviceUrl, name: activity.from.name, reference });
  } else if (kind === 'channel') {
    const channelId = team.channelId ?? base;
    rows.push({ tenantId, scope: 'channel', key: channelId, conversationId: channelId, serviceUrl: activity.serviceUrl, teamId: team.teamId, name: team.channelName, reference });
    if (team.teamId) {
      // A team's General channel has the team's own id: that is where team-wide messages go.
      const teamRef = { ...reference, conversation: { ...reference.conversation, id: team.teamId } };
      rows.push({ tenantId, scope: 'team', key: team.teamId, conversationId: team.teamId, serviceUrl: activity.serviceUrl, teamId: team.teamId, aadGroupId: team.aadGroupId, name: team.teamName, reference: teamRef });
    }
  } else {
    rows.push({ tenantId, scope: 'groupChat', key: base, conversationId: base, serviceUrl: activity.serviceUrl, reference });
  }
  return rows;
}

/** What saveReferences compares: equal fingerprints, nothing to write. */
export function toReferenceFingerprint(r: ReferenceRow): string {
  return [r.tenantId, r.scope, r.key, r.conversationId, r.serviceUrl, r.teamId ?? '', r.aadGroupId ?? '', r.name ?? ''].join('\u0000');
}
