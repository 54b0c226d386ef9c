import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { HandoverItem, HandoverItemType, HandoverKind, Label, ResourceModel } from '@cocrm/plugin-access-common';

/** Plugins declare their resource types (actions, fields) so grants and field rules can name them. */
export interface AccessModelExtensionPoint {
  addResourceModels(...models: ResourceModel[]): void;
}

export const accessModelExtensionPoint = createExtensionPoint<AccessModelExtensionPoint>({
  id: 'access.model',
});

/** The plan a provider receives: exactly which items go to whom. */
export interface HandoverPlan {
  handoverId: string;
  kind: HandoverKind;
  /** user ref (employee) or group ref (department) */
  from: string;
  items: Array<Pick<HandoverItem, 'type' | 'id' | 'receiver'>>;
  /** for employee handovers: each receiving user's primary department (records' 归属部门 follow the receiver) */
  receiverDepartments: Record<string, string | null>;
  actor: string;
}

/**
 * One plugin's part of 工作移交. The access plugin asks every provider for
 * its items, assigns receivers, checks them, then executes provider after
 * provider; when one fails it reverts the ones that already moved, so a
 * handover is all-or-nothing across plugins. A provider moves its own items
 * in one transaction, writes one audit entry per record, and must refuse
 * (throw) when an item no longer belongs to `from`.
 */
export interface HandoverProvider {
  /** plugin id, e.g. `crm` */
  id: string;
  label: Label;
  itemTypes: HandoverItemType[];
  /** the items `from` would hand over, in a stable order, without receivers */
  listItems(request: { kind: HandoverKind; from: string }): Promise<Array<Omit<HandoverItem, 'receiver'>>>;
  execute(plan: HandoverPlan): Promise<{ counts: Record<string, number> }>;
  /** undoes `execute` of that handover; a no-op when nothing of it was applied */
  revert(handoverId: string, actor: string): Promise<void>;
}

export interface AccessHandoverExtensionPoint {
  addProvider(provider: HandoverProvider): void;
}

export const accessHandoverExtensionPoint = createExtensionPoint<AccessHandoverExtensionPoint>({
  id: 'access.handover',
});
