import { ResourceModel, permissionsOf } from '@cocrm/plugin-access-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { BasicPermission, ResourcePermission } from '@backstage/plugin-permission-common';

/**
 * 邮箱账户: a user's own mailboxes (owner = the user). Connecting one is a basic
 * permission; reading/updating/deleting others' accounts goes by data scope so
 * that admins can manage shared mailboxes (sales@, service@).
 */
export const MAIL_ACCOUNT_MODEL: ResourceModel = {
  pluginId: 'mail',
  resourceType: 'mail-account',
  permissionPrefix: 'mail.account',
  label: { 'zh-CN': '邮箱账户', en: 'Mail accounts' },
  actions: ['read', 'create', 'update', 'delete'],
  scoped: true,
  fields: [],
  defaults: {
    grants: [
      ...(['read', 'create', 'update', 'delete'] as const).map(action => ({ role: 'admin' as const, action, scope: 'all' as const })),
      ...(['sales', 'sales-manager', 'marketing', 'service', 'finance', 'general-manager'] as const).flatMap(role =>
        (['read', 'create', 'update', 'delete'] as const).map(action => ({ role, action, scope: 'own' as const })),
      ),
    ],
  },
};

/**
 * 邮件: synced messages. Owners always read their own mailboxes' mail; this
 * grants reading others' by data scope (routing into customer records adds
 * the customer's visibility on top, later in issue 5).
 */
export const MAIL_MESSAGE_MODEL: ResourceModel = {
  pluginId: 'mail',
  resourceType: 'mail-message',
  permissionPrefix: 'mail.message',
  label: { 'zh-CN': '邮件', en: 'Mail' },
  actions: ['read'],
  scoped: true,
  fields: [],
  defaults: {
    grants: [
      { role: 'admin', action: 'read', scope: 'all' },
      ...(['sales', 'sales-manager', 'marketing', 'service', 'finance', 'general-manager'] as const).map(role => ({
        role,
        action: 'read' as const,
        scope: 'own' as const,
      })),
    ],
  },
};

export const MAIL_MODELS: ResourceModel[] = [MAIL_ACCOUNT_MODEL, MAIL_MESSAGE_MODEL];

export const mailPermissions = MAIL_MODELS.flatMap(permissionsOf);

const find = (name: string) => {
  const p = mailPermissions.find(x => x.name === name);
  if (!p) throw new Error(`mail permission ${name} is not declared`);
  return p;
};

export const mailAccountCreatePermission = find('mail.account.create') as BasicPermission;
export const mailAccountReadPermission = find('mail.account.read') as ResourcePermission<'mail-account'>;
export const mailAccountUpdatePermission = find('mail.account.update') as ResourcePermission<'mail-account'>;
export const mailAccountDeletePermission = find('mail.account.delete') as ResourcePermission<'mail-account'>;
export const mailMessageReadPermission = find('mail.message.read') as ResourcePermission<'mail-message'>;

export type MailAccountPermission = typeof mailAccountReadPermission;

/**
 * Whether a decision is a plain ALLOW. Conditional decisions count as not
 * allowed until the mail plugin registers its rules (IS_OWNER, IN_DEPARTMENT).
 */
export function isAllowed(decision: { result: AuthorizeResult }): boolean {
  return decision.result === AuthorizeResult.ALLOW;
}
