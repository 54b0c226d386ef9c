import { Knex } from 'knex';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CONTRACT_FORMAT_LABELS,
  CONTRACT_TYPE_LABELS,
  Contract,
  ContractStatus,
} from '@cocrm/plugin-crm-common';
import { INSTANCE_STATUSES } from '@cocrm/plugin-workflow-common';
import type { DocumentSubmission, InstanceOutcome, InstanceStatus, WorkflowInstance } from '@cocrm/plugin-workflow-common';
import { WorkflowRequestError } from '@cocrm/plugin-workflow-node';
import type { ResubmitRequest, WorkflowStatusEvent } from '@cocrm/plugin-workflow-node';
import { ContractStore } from '../database/ContractStore';
import { CrmError, passableStatus } from '../errors';
import { AuditAction, writeAudit } from './Audit';
import { ContractService, SUBMIT_MARKER_TTL_MS } from './ContractService';
import { RequestContext } from './RequestContext';

/** The document type contracts are approved as (registered by workflowModuleCrm). */
export const CONTRACT_DOCUMENT_TYPE = 'crm.contract';

/** Who changes a contract when an approval moves on its own (a decision, a withdrawal). */
export const WORKFLOW_ACTOR = 'service:plugin:workflow';

/** The part of WorkflowClient the CRM uses (tests give a fake). */
export interface WorkflowGateway {
  submit(submission: DocumentSubmission, locale?: string): Promise<WorkflowInstance>;
  resubmit(instanceId: string, request: ResubmitRequest, locale?: string): Promise<WorkflowInstance>;
  outcome(documentType: string, documentId: string): Promise<InstanceOutcome | null>;
}

const STATUS_OF: Record<InstanceStatus, ContractStatus> = {
  running: 'in_approval',
  returned: 'returned',
  approved: 'approved',
  rejected: 'rejected',
  withdrawn: 'withdrawn',
};
/** An approval that reached one of these is over; nothing later about it can change the contract. */
const FINAL: ReadonlySet<ContractStatus> = new Set(['approved', 'rejected', 'withdrawn']);

/** What an approval says about a contract: which instance, where it stands, and how new that news is. */
export interface ApprovalUpdate {
  instanceId: string;
  status: InstanceStatus;
  /** the instance's version; null when the source does not tell (the outcome query) */
  version: number | null;
}

const isUuid = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

/** A status event of the workflow plugin about a contract, or undefined for anything else on the topic. */
export function contractEventOf(payload: unknown): (ApprovalUpdate & { contractId: string }) | undefined {
  const e = payload as Partial<WorkflowStatusEvent> | null;
  if (!e || typeof e !== 'object' || e.kind !== 'status' || e.documentType !== CONTRACT_DOCUMENT_TYPE) return undefined;
  if (!isUuid(e.documentId) || typeof e.instanceId !== 'string' || !e.instanceId) return undefined;
  if (!(INSTANCE_STATUSES as readonly string[]).includes(e.status as string)) return undefined;
  if (typeof e.version !== 'number' || !Number.isInteger(e.version)) return undefined;
  return { contractId: e.documentId, instanceId: e.instanceId, status: e.status as InstanceStatus, version: e.version };
}

/**
 * 合同审批: 提交审批 and 重新提交 through the workflow plugin, and the way its
 * outcome reaches the contract — status events as they happen, and the
 * outcome query for every open approval at start and every few minutes, so
 * nothing is lost while the CRM backend was down. Applying is idempotent:
 * news older than what the contract holds changes nothing.
 */
export class ContractApprovals {
  constructor(
    private readonly deps: {
      knex: Knex;
      store: ContractStore;
      contracts: ContractService;
      workflow: WorkflowGateway;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** 提交审批: starts an approval of the contract as the caller saw it (`version`). */
  async submit(id: string, version: number, ctx: RequestContext): Promise<Contract> {
    const contract = await this.deps.contracts.loadForUpdate(id, ctx);
    if (contract.version !== version) throw new CrmError(409, 'staleVersion');
    this.assertSubmittable(contract.status);
    const applicant = this.applicantOf(ctx);
    const startedAt = this.now();
    await this.deps.knex.transaction(async tx => {
      const state = await this.deps.store.lockApproval(tx, id);
      if (!state || state.deleted) throw new CrmError(404, 'contractNotFound');
      if (state.version !== version) throw new CrmError(409, 'staleVersion');
      this.assertSubmittable(state.status);
      if (state.submitStartedAt && startedAt.getTime() - Date.parse(state.submitStartedAt) < SUBMIT_MARKER_TTL_MS) {
        throw new CrmError(409, 'contractSubmitting');
      }
      await this.deps.store.markSubmitting(tx, id, startedAt);
    });
    let instance: WorkflowInstance;
    try {
      instance = await this.deps.workflow.submit(
        { type: CONTRACT_DOCUMENT_TYPE, id, applicant, department: contract.ownerDepartment, ...this.snapshot(contract) },
        ctx.locale,
      );
    } catch (e) {
      const error = await this.failed(e, id, true, ctx.actor);
      if (error) throw error;
      return this.deps.contracts.get(id, ctx);
    }
    await this.apply(id, { instanceId: instance.id, status: instance.status, version: instance.version }, ctx.actor);
    return this.deps.contracts.get(id, ctx);
  }

  /** 重新提交 after 退回: the same approval continues with the contract as edited since. */
  async resubmit(id: string, version: number, ctx: RequestContext): Promise<Contract> {
    const contract = await this.deps.contracts.loadForUpdate(id, ctx);
    if (contract.version !== version) throw new CrmError(409, 'staleVersion');
    if (contract.status !== 'returned' || !contract.workflowInstanceId) throw new CrmError(409, 'contractNotReturned');
    const applicant = this.applicantOf(ctx);
    let instance: WorkflowInstance;
    try {
      instance = await this.deps.workflow.resubmit(contract.workflowInstanceId, { applicant, ...this.snapshot(contract) }, ctx.locale);
    } catch (e) {
      throw (await this.failed(e, id, false, ctx.actor)) ?? new CrmError(502, 'workflowUnavailable');
    }
    await this.apply(id, { instanceId: instance.id, status: instance.status, version: instance.version }, ctx.actor);
    return this.deps.contracts.get(id, ctx);
  }

  /** A status event from the workflow plugin; anything not about a contract is ignored. */
  async onEvent(payload: unknown): Promise<void> {
    const event = contractEventOf(payload);
    if (!event) return;
    const { contractId, ...update } = event;
    await this.apply(contractId, update, WORKFLOW_ACTOR);
  }

  /**
   * Asks the workflow plugin where every open approval stands and applies
   * it: what events missed while the CRM was down (or lost in between) is
   * caught up here. A marker of a 提交审批 that never heard back is resolved
   * too: the approval it started is adopted, or the marker is cleared.
   */
  async reconcile(): Promise<{ checked: number; changed: number }> {
    let afterId: string | null = null;
    let checked = 0;
    let changed = 0;
    for (;;) {
      const batch = await this.deps.store.openApprovals(afterId, 100);
      if (batch.length === 0) break;
      for (const { id, submitting } of batch) {
        checked++;
        let outcome: InstanceOutcome | null;
        try {
          outcome = await this.deps.workflow.outcome(CONTRACT_DOCUMENT_TYPE, id);
        } catch (e) {
          // the workflow plugin is unreachable: the next run tries again
          this.deps.logger.warn(`contract approvals: outcome query failed, stopping this run: ${(e as Error).message}`);
          return { checked, changed };
        }
        if (outcome && (await this.apply(id, { instanceId: outcome.instanceId, status: outcome.status, version: outcome.version }, WORKFLOW_ACTOR))) {
          changed++;
        }
        if (submitting) await this.clearStaleMarker(id);
      }
      afterId = batch[batch.length - 1].id;
    }
    if (changed) this.deps.logger.info(`contract approvals: ${changed} of ${checked} open approvals caught up`);
    return { checked, changed };
  }

  /**
   * Applies where an approval stands to its contract, in one transaction with
   * the contract's row locked; true when the contract changed. News about the
   * approval the contract holds is applied when it is newer (by instance
   * version, or by status when no version is known) and never after a final
   * outcome; news about another approval only while a 提交审批 is waiting
   * for it (that is the approval it started) — from the workflow's side only
   * once that 提交审批 has given up, so that the submitter records it.
   */
  async apply(contractId: string, update: ApprovalUpdate, actor: string): Promise<boolean> {
    const next = STATUS_OF[update.status];
    if (!next) return false;
    const now = this.now();
    return this.deps.knex.transaction(async tx => {
      const state = await this.deps.store.lockApproval(tx, contractId);
      if (!state || state.deleted) return false;
      const sameApproval = state.workflowInstanceId === update.instanceId;
      if (sameApproval) {
        if (FINAL.has(state.status)) return false;
        if (update.version !== null && state.workflowVersion !== null && update.version <= state.workflowVersion) return false;
        if (update.version === null && state.status === next) return false;
      } else if (!state.submitStartedAt) {
        // late news of an earlier approval, or of one this contract never started
        return false;
      } else if (actor === WORKFLOW_ACTOR && now.getTime() - Date.parse(state.submitStartedAt) < SUBMIT_MARKER_TTL_MS) {
        // 提交审批 is still waiting for its answer and records it (with who submitted); should it
        // never get there, recovery adopts the approval once the marker is stale
        return false;
      }
      const workflowVersion = update.version ?? (sameApproval ? state.workflowVersion : null);
      if (sameApproval && state.status === next) {
        // the same status again at a newer version (e.g. a node decided): remember the version only
        await tx('crm_contracts').where({ id: contractId }).update({ workflow_version: workflowVersion });
        return false;
      }
      await tx('crm_contracts')
        .where({ id: contractId })
        .update({
          status: next,
          workflow_instance_id: update.instanceId,
          workflow_version: workflowVersion,
          submit_started_at: null,
          version: state.version + 1,
          updated_at: now,
          updated_by: actor,
        });
      // straight from the row: the customer may be in the recycle bin (with a draft whose submission just arrived)
      const contract: { number: string; name: string; customer_id: string; amount: number | string; currency: string } = await tx('crm_contracts')
        .where({ id: contractId })
        .first('number', 'name', 'customer_id', 'amount', 'currency');
      const amount = { amount: Number(contract.amount), currency: contract.currency };
      const entry = (action: AuditAction, from: ContractStatus, to: ContractStatus, at: Date, by: string) =>
        writeAudit(tx, {
          recordType: 'contract',
          recordId: contractId,
          customerId: contract.customer_id,
          action,
          actor: by,
          at,
          summary: `${contract.number} ${contract.name}`,
          changes: [{ field: 'approvalStatus', from, to }],
          detail: { amount },
        });
      if (!sameApproval) {
        // a new approval: 提交审批 first, then (when it finished at once) its outcome a moment later
        await entry('submitted', state.status, 'in_approval', now, actor);
        if (next !== 'in_approval') await entry(next as AuditAction, 'in_approval', next, new Date(now.getTime() + 1), WORKFLOW_ACTOR);
      } else if (next === 'in_approval') {
        await entry(state.status === 'returned' ? 'resubmitted' : 'submitted', state.status, next, now, actor);
      } else {
        await entry(next as AuditAction, state.status, next, now, actor);
      }
      return true;
    });
  }

  // ------------------------------------------------------------ internals

  /** What the approver reads: the contract's fields as they are at submit time. */
  private snapshot(c: Contract): Pick<DocumentSubmission, 'title' | 'amount' | 'currency' | 'fields'> {
    return {
      title: c.name,
      amount: c.amount?.amount ?? null,
      currency: c.amount?.currency ?? 'CNY',
      fields: {
        number: c.number,
        contractType: c.contractType ? CONTRACT_TYPE_LABELS[c.contractType]['zh-CN'] : null,
        format: c.format ? CONTRACT_FORMAT_LABELS[c.format]['zh-CN'] : null,
        customerName: c.customerName,
        customerId: c.customerId,
        paymentTerms: c.paymentTerms ?? null,
        standard: c.standard ?? null,
        keyTerms: c.keyTerms ?? null,
        remark: c.remark ?? null,
        owner: c.owner,
        startDate: c.startDate ?? null,
        endDate: c.endDate ?? null,
        signedAt: c.signedAt ?? null,
      },
    };
  }

  private assertSubmittable(status: ContractStatus) {
    if (status === 'in_approval') throw new CrmError(409, 'contractAlreadyInApproval');
    if (status === 'approved') throw new CrmError(409, 'contractAlreadyApproved');
    if (status === 'returned') throw new CrmError(409, 'contractReturnedUseResubmit');
  }

  /** The workflow plugin takes a person as applicant; a plugin calling the CRM has none to offer. */
  private applicantOf(ctx: RequestContext): string {
    if (!ctx.actor.startsWith('user:')) throw new CrmError(403, 'forbidden');
    return ctx.actor;
  }

  /**
   * The error for the caller when the workflow plugin did not start (or
   * continue) the approval. Its refusal (4xx) reaches the user as it is and
   * nothing changed. Anything else may or may not have reached it: for a
   * submission the outcome query decides at once (undefined: the approval did
   * start and the contract now shows it), else the marker stays for recovery.
   */
  private async failed(e: unknown, id: string, submitting: boolean, actor: string): Promise<CrmError | undefined> {
    if (WorkflowRequestError.is(e) && e.status >= 400 && e.status < 500) {
      if (submitting) await this.deps.store.markSubmitting(this.deps.knex, id, null);
      return new CrmError(passableStatus(e.status), 'workflowRefused', { message: e.message });
    }
    this.deps.logger.warn(`contract ${id}: the workflow plugin did not answer: ${(e as Error)?.message}`);
    if (submitting) {
      try {
        const outcome = await this.deps.workflow.outcome(CONTRACT_DOCUMENT_TYPE, id);
        const started =
          outcome !== null &&
          (await this.apply(id, { instanceId: outcome.instanceId, status: outcome.status, version: outcome.version }, actor));
        await this.clearStaleMarker(id, true);
        if (started) return undefined;
      } catch {
        // still unreachable: the marker stays and the scheduled recovery finds out
      }
    }
    return new CrmError(502, 'workflowUnavailable');
  }

  /**
   * Clears a 提交审批 marker that no approval followed: older than the time a
   * submission may take, or at once when the caller has just seen it fail.
   */
  private async clearStaleMarker(id: string, now = false) {
    await this.deps.knex.transaction(async tx => {
      const state = await this.deps.store.lockApproval(tx, id);
      if (!state?.submitStartedAt) return;
      if (now || this.now().getTime() - Date.parse(state.submitStartedAt) >= SUBMIT_MARKER_TTL_MS) {
        await this.deps.store.markSubmitting(tx, id, null);
      }
    });
  }
}
