import { Knex } from 'knex';
import type { AccessLocale } from '@cocrm/plugin-access-common';
import { toIso } from '@cocrm/plugin-access-node';
import { WorkflowError, instanceStatusLabel, taskStatusLabel } from '../errors';
import type { InstanceStore } from '../database/InstanceStore';
import { TaskRow, instanceFromRow } from '../database/rows';
import type { ApprovalEngine } from '../service/ApprovalEngine';
import type { DocumentTypeRegistry } from '../service/FlowService';
import { DocumentSummary, summarize } from './documentSummary';
import { MailDecision, MailTokenRow, MailTokenStore, hashMailToken, newMailToken } from './MailTokenStore';
import type { PeopleDirectory } from './people';
import type { TextKey } from './texts';

/** Where links in mails point. */
export interface MailLinks {
  /** the instance's page in the portal */
  portal(instanceId: string): string;
  /** the confirmation page of a mail token (the workflow backend's external URL) */
  action(token: string): Promise<string>;
}

/** A mail link that cannot (or can no longer) act, with the status its page answers. */
export class MailActionError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410,
    readonly key: TextKey,
    /** the engine's refusal, written in the page's language */
    readonly refusal?: WorkflowError,
    /** the token was used up by this attempt: the page says the link is spent */
    readonly spent = false,
    readonly instanceId?: string,
  ) {
    super(refusal?.message ?? key);
    this.name = 'MailActionError';
  }
}

/** What the confirmation and result pages show. */
export interface MailActionView {
  decision: MailDecision;
  instanceId: string;
  portalUrl: string;
  nodeName: string;
  /** the approver the mail's recipient acts for (委托), by name */
  onBehalfOf: string | null;
  summary: DocumentSummary;
}

export const MAIL_COMMENT_MAX = 2000;

/**
 * 邮件审批: single-use approve / reject links. A token is bound to one task,
 * its assignee, the task's version when the mail was written and a decision;
 * only its SHA-256 is stored. Looking at a link changes nothing (mail
 * scanners open links); confirming it first uses the token up, atomically,
 * then decides through the engine as the approver — the engine's own checks
 * (task still pending, same version, instance still running) decide whether
 * it counts.
 */
export class MailApprovalService {
  private readonly now: () => Date;

  constructor(
    private readonly deps: {
      knex: Knex;
      tokens: MailTokenStore;
      instances: InstanceStore;
      engine: ApprovalEngine;
      documentTypes: DocumentTypeRegistry;
      people: PeopleDirectory;
      links: MailLinks;
      ttlHours: number;
      now?: () => Date;
    },
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  /** New approve and reject links for a pending task's assignee. */
  async issue(task: TaskRow): Promise<{ approve: string; reject: string; expiresAt: Date }> {
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.deps.ttlHours * 3600_000);
    const made = (['approve', 'reject'] as const).map(decision => ({ decision, ...newMailToken() }));
    const rows: MailTokenRow[] = made.map(m => ({
      token_hash: m.hash,
      task_id: task.id,
      instance_id: task.instance_id,
      approver: task.assignee,
      task_version: Number(task.version),
      decision: m.decision,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
    }));
    await this.deps.tokens.insert(rows);
    const [approve, reject] = await Promise.all(made.map(m => this.deps.links.action(m.token)));
    return { approve, reject, expiresAt };
  }

  /** For the confirmation page: what the link would do, or why it cannot. Reads only. */
  async inspect(token: string, locale: AccessLocale): Promise<MailActionView> {
    const row = await this.usable(token);
    const task = await this.deps.instances.task(this.deps.knex, row.task_id);
    if (!task) throw new MailActionError(404, 'tokenUnknown');
    const instance = await this.deps.instances.get(task.instance_id);
    if (instance && instance.status !== 'running') {
      throw new MailActionError(410, 'pageErrorTitle', new WorkflowError(410, 'taskGone', { status: instanceStatusLabel(instance.status) }), false, instance.id);
    }
    if (task.status !== 'pending') {
      throw new MailActionError(409, 'pageErrorTitle', new WorkflowError(409, 'taskNotPending', { status: taskStatusLabel(task.status) }), false, task.instance_id);
    }
    if (Number(task.version) !== Number(row.task_version)) {
      throw new MailActionError(409, 'pageErrorTitle', new WorkflowError(409, 'staleTask'), false, task.instance_id);
    }
    return this.view(row, locale);
  }

  /** The confirmed decision: uses the token up, then acts as the approver on the task version the mail showed. */
  async act(token: string, comment: string | undefined, locale: AccessLocale): Promise<MailActionView> {
    const note = comment?.trim() || undefined;
    if (note && note.length > MAIL_COMMENT_MAX) throw new MailActionError(400, 'commentTooLong');
    const hash = hashMailToken(token);
    if (!hash) throw new MailActionError(404, 'tokenUnknown');
    if (!(await this.deps.tokens.consume(hash, this.now()))) {
      await this.usable(token);
      // usable a moment ago yet not consumable: another request used it in between
      throw new MailActionError(410, 'tokenUsed');
    }
    const row = (await this.deps.tokens.find(hash))!;
    const version = Number(row.task_version);
    try {
      if (row.decision === 'approve') await this.deps.engine.approve(row.approver, row.task_id, version, note);
      else await this.deps.engine.reject(row.approver, row.task_id, version, note);
    } catch (e) {
      if (e instanceof WorkflowError) throw new MailActionError(e.status, 'pageErrorTitle', e, true, row.instance_id);
      throw e;
    }
    return this.view(row, locale);
  }

  /** The token's row if the link may still be used; otherwise the page's error. */
  private async usable(token: string): Promise<MailTokenRow> {
    const hash = hashMailToken(token);
    const row = hash ? await this.deps.tokens.find(hash) : undefined;
    if (!row) throw new MailActionError(404, 'tokenUnknown');
    if (row.used_at !== null && row.used_at !== undefined) throw new MailActionError(410, 'tokenUsed', undefined, false, row.instance_id);
    if (new Date(toIso(row.expires_at)).getTime() <= this.now().getTime()) throw new MailActionError(410, 'tokenExpired', undefined, false, row.instance_id);
    return row;
  }

  private async view(row: MailTokenRow, locale: AccessLocale): Promise<MailActionView> {
    const instanceRow = (await this.deps.instances.get(row.instance_id))!;
    const task = (await this.deps.instances.task(this.deps.knex, row.task_id))!;
    const node = await this.deps.instances.node(this.deps.knex, task.node_id);
    const name = await this.deps.people.names();
    const instance = instanceFromRow(instanceRow);
    return {
      decision: row.decision,
      instanceId: instance.id,
      portalUrl: this.deps.links.portal(instance.id),
      nodeName: node?.name ?? '',
      onBehalfOf: task.on_behalf_of ? name(task.on_behalf_of) : null,
      summary: summarize(instance, this.deps.documentTypes.get(instance.documentType), name, locale),
    };
  }

  portalUrl(instanceId: string): string {
    return this.deps.links.portal(instanceId);
  }
}
