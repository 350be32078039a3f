// Maps a Teams activity to who is acting and where. The only trusted source of identity.
import type { Activity } from 'botbuilder';
import type { Actor, ConversationKind } from '../routes.js';

/** Teams puts the tenant in conversation.tenantId and in channelData.tenant.id. */
export function toTenantId(activity: Partial<Activity>): string | undefined {
  const cd = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = typeof cd?.tenant?.id === 'string' ? cd.tenant.id : undefined;
  return activity.conversation?.tenantId ?? fromChannelData;
}

export function toLocale(activity: Partial<Activity>): string {
  if (typeof activity.locale === 'string' && activity.locale) return activity.locale;
  const info = activity.entities?.find((e) => e.type === 'clientInfo') as { locale?: unknown } | undefined;
  return typeof info?.locale === 'string' ? info.locale : '';
}

export function toConversationKind(activity: Partial<Activity>): ConversationKind {
  const t = activity.conversation?.conversationType;
  if (t === 'channel') return 'channel';
  if (t === 'groupChat') return 'groupChat';
  return 'personal';
}

export function toTeamInfo(activity: Partial<Activity>): { teamId?: string; teamName?: string; aadGroupId?: string; channelId?: string; channelName?: string } {
  const cd = activity.channelData as
    | { team?: { id?: string; name?: string; aadGroupId?: string }; channel?: { id?: string; name?: string } }
    | undefined;
  return { teamId: cd?.team?.id, teamName: cd?.team?.name, aadGroupId: cd?.team?.aadGroupId, channelId: cd?.channel?.id, channelName: cd?.channel?.name };
}

/** The channel or chat id without Teams' ";messageid=…" thread suffix. */
export function toBaseConversationId(id: string): string {
  const i = id.indexOf(';messageid=');
  return i === -1 ? id : id.slice(0, i);
}

/** null when the activity carries no Entra user (system events without a person). */
export function toActor(activity: Partial<Activity>): Actor | null {
  const tenantId = toTenantId(activity);
  const aadObjectId = activity.from?.aadObjectId;
  if (!tenantId || !aadObjectId || !activity.conversation?.id) return null;
  const team = toTeamInfo(activity);
  return {
    tenantId,
    aadObjectId,
    teamsUserId: activity.from?.id ?? '',
    name: activity.from?.name ?? '',
    locale: toLocale(activity),
    conversation: {
      id: activity.conversation.id,
      kind: toConversationKind(activity),
      serviceUrl: activity.serviceUrl ?? '',
      teamId: team.teamId,
      channelId: team.channelId,
    },
  };
}
