import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ACTION_LABELS,
  HandoverItem,
  HandoverItemType,
  HandoverPreview,
  HandoverRecord,
  HandoverRequest,
  Label,
  Page,
  handoverCreatePermission,
  handoverReadPermission,
} from '@cocrm/plugin-access-common';
import { HandoverPlan, HandoverProvider, OrgDirectory, OrgSnapshot, primaryDepartmentOf } from '@cocrm/plugin-access-node';
import { AccessError, FieldError, label } from '../errors';
import { writeAudit } from '../database/AuditStore';
import { HandoverStore } from '../database/HandoverStore';
import { Guard } from './Guard';
import { ModelRegistry } from './ModelRegistry';
import { RequestContext } from './RequestContext';
import { UserAccessService } from './UserAccessService';

type Problem = HandoverPreview['problems'][number];

/** A preview with what execution needs besides: which provider owns which item. */
interface Plan {
  preview: HandoverPreview;
  byProvider: Array<{ provider: HandoverProvider; items: HandoverItem[] }>;
  org: OrgSnapshot;
}

/**
 * 工作移交: what a leaving employee (or a dissolved department) owns across
 * every plugin, who takes each item, and moving it all-or-nothing: providers
 * execute one after the other, and when one fails the ones before are
 * reverted, newest first.
 */
export class HandoverService {
  constructor(
    private readonly knex: Knex,
    private readonly store: HandoverStore,
    private readonly providers: HandoverProvider[],
    private readonly org: OrgDirectory,
    private readonly models: ModelRegistry,
    private readonly access: UserAccessService,
    private readonly guard: Guard,
    private readonly logger: LoggerService,
  ) {}

  async preview(request: HandoverRequest, ctx: RequestContext): Promise<HandoverPreview> {
    await this.guard.require(handoverReadPermission, ctx);
    return (await this.plan(request)).preview;
  }

  async list(request: { page: number; pageSize: number }, ctx: RequestContext): Promise<Page<HandoverRecord>> {
    await this.guard.require(handoverReadPermission, ctx);
    return this.store.list(request);
  }

  async execute(request: HandoverRequest, ctx: RequestContext): Promise<HandoverRecord> {
    await this.guard.require(handoverCreatePermission, ctx);
    const { preview, byProvider, org } = await this.plan(request);
    if (preview.problems.length) throw new AccessError(409, 'handoverBlocked', {}, { problems: preview.problems.map(p => p.message) });

    // overrides may name receivers beyond the spread list; the record names everyone who received
    const receivers = [...new Set([...request.receivers, ...preview.items.map(i => i.receiver)])];
    // Written before anything moves, as failed-until-proven-otherwise: should this
    // process die half-way, the record does not claim a success that never happened.
    const record: HandoverRecord = {
      id: randomUUID(),
      kind: request.kind,
      from: request.from,
      receivers,
      reason: request.reason || null,
      status: 'failed',
      counts: {},
      error: 'interrupted',
      createdBy: ctx.actor,
      createdAt: new Date().toISOString(),
    };
    await this.store.insert(record);

    // records' 归属部门 follow the receiver: a user's primary department, or the receiving department itself
    const receiverDepartments = Object.fromEntries(
      receivers.map(r => [r, request.kind === 'department' ? r : primaryDepartmentOf(org, r)]),
    );
    const executed: HandoverProvider[] = [];
    const counts: Record<string, number> = {};
    for (const { provider, items } of byProvider) {
      const plan: HandoverPlan = {
        handoverId: record.id,
        kind: request.kind,
        from: request.from,
        items: items.map(({ type, id, receiver }) => ({ type, id, receiver })),
        receiverDepartments,
        actor: ctx.actor,
      };
      executed.push(provider);
      try {
        const result = await provider.execute(plan);
        for (const [type, n] of Object.entries(result.counts)) counts[type] = (counts[type] ?? 0) + n;
      } catch (error) {
        await this.rollBack(record, executed, provider, error as Error, ctx);
      }
    }
    const done = { ...record, status: 'completed' as const, counts, error: null };
    await this.knex.transaction(async tx => {
      await this.store.finish(tx, record.id, done, new Date());
      await writeAudit(tx, {
        recordType: 'handover',
        recordId: record.id,
        action: 'completed',
        actor: ctx.actor,
        at: new Date(),
        summary: `${request.from} → ${receivers.join(', ')}`,
        changes: Object.entries(counts).map(([type, n]) => ({ field: type, from: null, to: n })),
      });
    });
    return done;
  }

  /**
   * Undoes what moved, newest first. The failing provider is asked too: its
   * revert is a no-op when its own transaction rolled back, and it repairs
   * whatever it did apply when it did not. Always throws.
   */
  private async rollBack(record: HandoverRecord, executed: HandoverProvider[], failed: HandoverProvider, error: Error, ctx: RequestContext): Promise<never> {
    this.logger.warn(`handover ${record.id}: ${failed.id} failed: ${error.message}`);
    const reason = `${failed.label['zh-CN']}: ${error.message}`;
    const notReverted: HandoverProvider[] = [];
    for (const provider of [...executed].reverse()) {
      try {
        await provider.revert(record.id, ctx.actor);
      } catch (revertError) {
        this.logger.error(`handover ${record.id}: revert of ${provider.id} failed: ${(revertError as Error).message}`);
        notReverted.push(provider);
      }
    }
    const stored = notReverted.length ? `${reason}; not reverted: ${notReverted.map(p => p.id).join(', ')}` : reason;
    await this.knex.transaction(async tx => {
      await this.store.finish(tx, record.id, { status: 'failed', counts: {}, error: stored }, new Date());
      await writeAudit(tx, {
        recordType: 'handover',
        recordId: record.id,
        action: 'failed',
        actor: ctx.actor,
        at: new Date(),
        summary: `${record.from} → ${record.receivers.join(', ')}`,
        changes: [{ field: 'error', from: null, to: stored }],
      });
    });
    if (notReverted.length) {
      throw new AccessError(409, 'handoverRevertFailed', { provider: { 'zh-CN': notReverted.map(p => p.label['zh-CN']).join('、'), en: notReverted.map(p => p.label.en).join(', ') }, reason: error.message });
    }
    throw new AccessError(409, 'handoverFailed', { reason: { 'zh-CN': `${failed.label['zh-CN']}：${error.message}`, en: `${failed.label.en}: ${error.message}` } });
  }

  /** Checks the request, asks every provider for its items and assigns each a receiver. */
  private async plan(request: HandoverRequest): Promise<Plan> {
    const org = await this.org.snapshot();
    this.validate(request, org);
    const excluded = new Set(request.excludeTypes ?? []);
    const itemTypes: HandoverItemType[] = this.providers.flatMap(p => p.itemTypes);
    const problems: Problem[] = [];
    const listed: Array<{ provider: HandoverProvider; items: Array<Omit<HandoverItem, 'receiver'>> }> = [];
    for (const provider of this.providers) {
      try {
        const items = await provider.listItems({ kind: request.kind, from: request.from });
        listed.push({ provider, items: items.filter(i => !excluded.has(i.type)) });
      } catch (error) {
        this.logger.warn(`handover: ${provider.id} could not list items: ${(error as Error).message}`);
        throw new AccessError(503, 'handoverProviderUnavailable', { provider: provider.label });
      }
    }

    const receivers = [...new Set(request.receivers)];
    let turn = 0;
    const receiverOf = (item: Omit<HandoverItem, 'receiver'>) => {
      if (request.kind === 'department') return receivers[0];
      const chosen = request.receiverByItem?.[item.id] ?? request.receiverByType?.[item.type];
      if (chosen) return chosen;
      return receivers[turn++ % receivers.length];
    };
    const byProvider = listed.map(({ provider, items }) => ({ provider, items: items.map(i => ({ ...i, receiver: receiverOf(i) })) }));
    const items = byProvider.flatMap(p => p.items);
    const counts: Record<string, number> = {};
    for (const item of items) counts[item.type] = (counts[item.type] ?? 0) + 1;

    if (request.kind === 'employee') problems.push(...(await this.receiverProblems(items, itemTypes, org)));
    if (!items.length) problems.push({ message: label('handoverNothing') });
    return { preview: { itemTypes, items, counts, problems }, byProvider: byProvider.filter(p => p.items.length), org };
  }

  /** Each receiver must already hold, in any scope, the permission an item type requires. */
  private async receiverProblems(items: HandoverItem[], itemTypes: HandoverItemType[], org: OrgSnapshot): Promise<Problem[]> {
    const problems: Problem[] = [];
    const typeOf = new Map(itemTypes.map(t => [t.type, t]));
    const pairs = new Set(items.map(i => `${i.receiver}\u0000${i.type}`));
    for (const pair of pairs) {
      const [receiver, type] = pair.split('\u0000');
      const itemType = typeOf.get(type);
      if (!itemType) continue;
      const compiled = await this.access.compiledFor(receiver);
      if (compiled?.permissions[itemType.requiredPermission]) continue;
      problems.push({
        receiver,
        type,
        message: label('handoverReceiverLacksPermission', {
          receiver: org.users.get(receiver)?.displayName ?? receiver,
          permission: this.permissionLabel(itemType.requiredPermission),
          type: itemType.label,
        }),
      });
    }
    return problems;
  }

  private permissionLabel(name: string): Label | string {
    const found = this.models.byPermission(name);
    if (!found) return name;
    const action = ACTION_LABELS[found.action];
    return { 'zh-CN': `${action['zh-CN']}${found.model.label['zh-CN']}`, en: `${action.en} ${found.model.label.en}` };
  }

  /** Input errors are answered at once (400), per field; problems of the org's data come back in the preview. */
  private validate(request: HandoverRequest, org: OrgSnapshot): void {
    const problems: FieldError[] = [];
    const employee = request.kind === 'employee';
    const exists = (ref: string) => (employee ? org.users.has(ref) : org.departments.has(ref));
    const notFound = employee ? ('userNotFound' as const) : ('departmentNotFound' as const);
    if (!exists(request.from)) problems.push({ path: 'from', key: notFound, vars: { ref: request.from } });
    if (!request.receivers.length) problems.push({ path: 'receivers', key: 'handoverNoReceiver' });
    else if (!employee && new Set(request.receivers).size !== 1) problems.push({ path: 'receivers', key: 'handoverDepartmentReceiver' });
    const check = (path: string, ref: string) => {
      if (ref === request.from) problems.push({ path, key: 'handoverSelf' });
      else if (!exists(ref)) problems.push({ path, key: notFound, vars: { ref } });
    };
    request.receivers.forEach((ref, i) => check(`receivers.${i}`, ref));
    if (employee) {
      for (const [type, ref] of Object.entries(request.receiverByType ?? {})) check(`receiverByType.${type}`, ref);
      for (const [id, ref] of Object.entries(request.receiverByItem ?? {})) check(`receiverByItem.${id}`, ref);
    }
    if (problems.length) throw AccessError.fields(problems);
  }
}
