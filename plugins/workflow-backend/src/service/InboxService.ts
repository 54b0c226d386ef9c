import type { AccessLocale, Page } from '@cocrm/plugin-access-common';
import {
  ApprovalCounts,
  BatchApproveResult,
  CcListItem,
  InstanceListItem,
  TaskListItem,
  batchApproveSchema,
  ccQuerySchema,
  doneQuerySchema,
  inboxQuerySchema,
  instancesQuerySchema,
  mineQuerySchema,
} from '@cocrm/plugin-workflow-common';
import { WorkflowError, parseInput } from '../errors';
import { ListStore } from '../database/ListStore';
import type { ApprovalEngine } from './ApprovalEngine';
import type { InstanceScope } from './InstanceAccess';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The portal inbox (待办 / 已办 / 我发起的 / 抄送我的 / 审批查询), the sidebar
 * counts and batch approval. Queries arrive unparsed: bad paging or filters
 * are a field-level 400 in the caller's language.
 */
export class InboxService {
  private readonly now: () => Date;

  constructor(private readonly deps: { lists: ListStore; engine: ApprovalEngine; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  todo(userRef: string, query: unknown): Promise<Page<TaskListItem>> {
    return this.deps.lists.inbox(userRef, parseInput(inboxQuerySchema, query));
  }

  done(userRef: string, query: unknown): Promise<Page<TaskListItem>> {
    return this.deps.lists.done(userRef, parseInput(doneQuerySchema, query));
  }

  mine(userRef: string, query: unknown): Promise<Page<InstanceListItem>> {
    return this.deps.lists.mine(userRef, parseInput(mineQuerySchema, query));
  }

  cc(userRef: string, query: unknown): Promise<Page<CcListItem>> {
    return this.deps.lists.cc(userRef, parseInput(ccQuerySchema, query));
  }

  instances(userRef: string, scope: InstanceScope, query: unknown): Promise<Page<InstanceListItem>> {
    return this.deps.lists.instances(userRef, scope, parseInput(instancesQuerySchema, query));
  }

  counts(userRef: string): Promise<ApprovalCounts> {
    return this.deps.lists.counts(userRef);
  }

  /** `id`: the CC row, or the instance (all of the user's copies of it). */
  async markCcRead(userRef: string, id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.deps.lists.markCcRead(userRef, id, this.now()))) throw new WorkflowError(404, 'ccNotFound');
  }

  markViewed(userRef: string, instanceId: string): Promise<void> {
    return this.deps.lists.markViewed(userRef, instanceId, this.now());
  }

  /**
   * 批量同意: each item is its own transition (one item losing a race does not
   * undo the others), one after the other; each answer carries the item's
   * status and, when it failed, the reason in the caller's language.
   */
  async batchApprove(actor: string, input: unknown, locale: AccessLocale): Promise<{ results: BatchApproveResult[] }> {
    const { items, comment } = parseInput(batchApproveSchema, input);
    const results: BatchApproveResult[] = [];
    for (const item of items) {
      try {
        if (!UUID.test(item.taskId)) throw new WorkflowError(404, 'taskNotFound');
        await this.deps.engine.approve(actor, item.taskId, item.version, comment);
        results.push({ taskId: item.taskId, ok: true, status: 204 });
      } catch (e) {
        if (!(e instanceof WorkflowError)) throw e;
        results.push({ taskId: item.taskId, ok: false, status: e.status, message: e.messageIn(locale) });
      }
    }
    return { results };
  }
}
