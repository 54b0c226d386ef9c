import { createApiRef } from '@backstage/frontend-plugin-api';
import type { CompiledAccess, OrgView, Role } from '@cocrm/plugin-access-common';
import type { Delegation, DocumentTypeSpec, FlowDefinition, InstanceDetail } from '@cocrm/plugin-workflow-common';
import { SuiteApiError, SuiteHttp, toQueryString } from '@cocrm/suite-react';
import type { SuiteHttpOptions } from '@cocrm/suite-react';
import type {
  AddSignerInput,
  ApprovalCounts,
  ApprovalListQuery,
  BatchApproveItem,
  BatchApproveResult,
  CcListItem,
  CommentAttachment,
  DelegationInput,
  Flow,
  FlowCheckResult,
  FlowVersion,
  FlowVersionSummary,
  FlowWithCurrent,
  InstanceListItem,
  Page,
  ReportQueryInput,
  ReportResult,
  ReturnInput,
  TaskListItem,
  WorkflowErrorBody,
  WorkflowExport,
} from './types';

/** An HTTP error answered by the workflow backend, with its parsed body. */
export class WorkflowApiError extends SuiteApiError<WorkflowErrorBody> {
  constructor(status: number, body: WorkflowErrorBody) {
    super(status, body);
    this.name = 'WorkflowApiError';
  }

  /** why a flow cannot be published, in the UI language */
  get problems(): string[] {
    return this.body.error.problems ?? [];
  }

  /**
   * Someone acted first (409) or what was acted on is gone (410): the page
   * shows the backend's message and loads the current state again.
   */
  override get isStale(): boolean {
    return this.status === 409 || this.status === 410;
  }
}

/** Typed client of the workflow backend (`/api/workflow`). */
export interface WorkflowApi {
  // instances
  getInstance(id: string): Promise<InstanceDetail>;
  withdraw(instanceId: string, comment?: string): Promise<void>;
  remind(instanceId: string, comment?: string): Promise<void>;
  cc(instanceId: string, users: string[], comment?: string): Promise<void>;
  comment(instanceId: string, text: string, attachments?: CommentAttachment[]): Promise<void>;
  markCcRead(instanceId: string): Promise<void>;

  // task decisions; every one carries the task version the user saw
  approve(taskId: string, version: number, comment?: string): Promise<void>;
  reject(taskId: string, version: number, comment?: string): Promise<void>;
  returnTask(taskId: string, input: ReturnInput): Promise<void>;
  transfer(taskId: string, version: number, to: string, comment?: string): Promise<void>;
  addSigner(taskId: string, input: AddSignerInput): Promise<void>;
  recall(taskId: string, comment?: string): Promise<void>;
  batchApprove(items: BatchApproveItem[], comment?: string): Promise<BatchApproveResult[]>;

  // lists
  listTodo(query?: ApprovalListQuery): Promise<Page<TaskListItem>>;
  listDone(query?: ApprovalListQuery): Promise<Page<TaskListItem>>;
  listMine(query?: ApprovalListQuery): Promise<Page<InstanceListItem>>;
  listCc(query?: ApprovalListQuery): Promise<Page<CcListItem>>;
  /** 审批查询: every approval the caller may read by data scope */
  listInstances(query?: ApprovalListQuery): Promise<Page<InstanceListItem>>;
  getCounts(): Promise<ApprovalCounts>;

  // document types and flows
  listDocumentTypes(): Promise<DocumentTypeSpec[]>;
  listFlows(): Promise<Flow[]>;
  getFlow(id: string): Promise<FlowWithCurrent>;
  listFlowVersions(id: string): Promise<FlowVersionSummary[]>;
  /** one published version with its definition (the designer shows older ones read-only) */
  getFlowVersion(id: string, number: number): Promise<FlowVersion>;
  checkFlow(definition: FlowDefinition): Promise<FlowCheckResult>;
  createFlow(definition: FlowDefinition): Promise<Flow>;
  /** publishes a new version; `version` is the flow's row version the editor started from */
  publishFlow(id: string, version: number, definition: FlowDefinition): Promise<Flow>;
  deleteFlow(id: string, version: number): Promise<void>;

  // 委托
  listDelegations(): Promise<Delegation[]>;
  createDelegation(input: DelegationInput): Promise<Delegation>;
  revokeDelegation(id: string): Promise<void>;

  // reports
  getReport(query?: ReportQueryInput): Promise<ReportResult>;
  exportReport(query?: ReportQueryInput): Promise<WorkflowExport>;

  /** the org directory (users, departments) for names and user pickers, from the access plugin */
  getOrg(): Promise<OrgView>;
  /**
   * The signed-in user's own compiled permissions, from the access plugin:
   * the permission API cannot say whether someone holds a scoped permission
   * (workflow.instance.read) at all, without a record to ask about.
   */
  getOwnAccess(userRef: string): Promise<CompiledAccess>;
  /** the access plugin's roles, for the designer's role rule (needs the access settings read permission) */
  listRoles(): Promise<Role[]>;
}

export const workflowApiRef = createApiRef<WorkflowApi>({ id: 'plugin.workflow.api' });

export type WorkflowClientOptions = SuiteHttpOptions;

export class WorkflowClient implements WorkflowApi {
  private readonly http: SuiteHttp;

  constructor(options: WorkflowClientOptions) {
    this.http = new SuiteHttp(options, {
      pluginId: 'workflow',
      createError: (status, body) => new WorkflowApiError(status, body),
    });
  }

  private request<T>(method: string, path: string, body?: unknown, pluginId?: string): Promise<T> {
    return this.http.request<T>(method, path, body, { pluginId });
  }

  private id(id: string) {
    return encodeURIComponent(id);
  }

  private list<T>(path: string, query: ApprovalListQuery = {}) {
    return this.request<Page<T>>('GET', `${path}${toQueryString({ ...query })}`);
  }

  // ---- instances
  getInstance(id: string) {
    return this.request<InstanceDetail>('GET', `/instances/${this.id(id)}`);
  }
  withdraw(instanceId: string, comment?: string) {
    return this.request<void>('POST', `/instances/${this.id(instanceId)}/withdraw`, { comment });
  }
  async remind(instanceId: string, comment?: string) {
    await this.request<unknown>('POST', `/instances/${this.id(instanceId)}/remind`, { comment });
  }
  cc(instanceId: string, users: string[], comment?: string) {
    return this.request<void>('POST', `/instances/${this.id(instanceId)}/cc`, { users, comment });
  }
  comment(instanceId: string, text: string, attachments?: CommentAttachment[]) {
    return this.request<void>('POST', `/instances/${this.id(instanceId)}/comments`, {
      text,
      ...(attachments?.length ? { attachments } : {}),
    });
  }
  async markCcRead(instanceId: string) {
    await this.request<unknown>('POST', `/cc/${this.id(instanceId)}/read`);
  }

  // ---- tasks
  approve(taskId: string, version: number, comment?: string) {
    return this.request<void>('POST', `/tasks/${this.id(taskId)}/approve`, { version, comment });
  }
  reject(taskId: string, version: number, comment?: string) {
    return this.request<void>('POST', `/tasks/${this.id(taskId)}/reject`, { version, comment });
  }
  returnTask(taskId: string, input: ReturnInput) {
    return this.request<void>('POST', `/tasks/${this.id(taskId)}/return`, input);
  }
  transfer(taskId: string, version: number, to: string, comment?: string) {
    return this.request<void>('POST', `/tasks/${this.id(taskId)}/transfer`, { version, to, comment });
  }
  addSigner(taskId: string, input: AddSignerInput) {
    return this.request<void>('POST', `/tasks/${this.id(taskId)}/add-signer`, input);
  }
  recall(taskId: string, comment?: string) {
    return this.request<void>('POST', `/tasks/${this.id(taskId)}/recall`, { comment });
  }
  async batchApprove(items: BatchApproveItem[], comment?: string) {
    const res = await this.request<{ results: BatchApproveResult[] }>('POST', '/tasks/batch-approve', {
      items,
      ...(comment ? { comment } : {}),
    });
    return res.results;
  }

  // ---- lists
  listTodo(query?: ApprovalListQuery) {
    return this.list<TaskListItem>('/inbox', query);
  }
  listDone(query?: ApprovalListQuery) {
    return this.list<TaskListItem>('/tasks/done', query);
  }
  listMine(query?: ApprovalListQuery) {
    return this.list<InstanceListItem>('/instances/mine', query);
  }
  listCc(query?: ApprovalListQuery) {
    return this.list<CcListItem>('/cc', query);
  }
  listInstances(query?: ApprovalListQuery) {
    return this.list<InstanceListItem>('/instances', query);
  }
  getCounts() {
    return this.request<ApprovalCounts>('GET', '/counts');
  }

  // ---- document types and flows
  async listDocumentTypes() {
    return (await this.request<{ items: DocumentTypeSpec[] }>('GET', '/document-types')).items;
  }
  async listFlows() {
    return (await this.request<{ items: Flow[] }>('GET', '/flows')).items;
  }
  getFlow(id: string) {
    return this.request<FlowWithCurrent>('GET', `/flows/${this.id(id)}`);
  }
  async listFlowVersions(id: string) {
    return (await this.request<{ items: FlowVersionSummary[] }>('GET', `/flows/${this.id(id)}/versions`)).items;
  }
  getFlowVersion(id: string, number: number) {
    return this.request<FlowVersion>('GET', `/flows/${this.id(id)}/versions/${number}`);
  }
  checkFlow(definition: FlowDefinition) {
    return this.request<FlowCheckResult>('POST', '/flows/check', definition);
  }
  createFlow(definition: FlowDefinition) {
    return this.request<Flow>('POST', '/flows', definition);
  }
  publishFlow(id: string, version: number, definition: FlowDefinition) {
    return this.request<Flow>('PUT', `/flows/${this.id(id)}`, { version, definition });
  }
  deleteFlow(id: string, version: number) {
    return this.request<void>('DELETE', `/flows/${this.id(id)}${toQueryString({ version })}`);
  }

  // ---- delegations
  async listDelegations() {
    return (await this.request<{ items: Delegation[] }>('GET', '/delegations')).items;
  }
  createDelegation(input: DelegationInput) {
    return this.request<Delegation>('POST', '/delegations', input);
  }
  revokeDelegation(id: string) {
    return this.request<void>('DELETE', `/delegations/${this.id(id)}`);
  }

  // ---- reports
  getReport(query: ReportQueryInput = {}) {
    return this.request<ReportResult>('GET', `/reports${toQueryString({ ...query })}`);
  }
  exportReport(query: ReportQueryInput = {}): Promise<WorkflowExport> {
    const day = new Date().toISOString().slice(0, 10);
    return this.http.download(`/reports/export${toQueryString({ ...query })}`, `approval-report-${day}.xlsx`);
  }

  // ---- org
  getOrg() {
    return this.request<OrgView>('GET', '/org', undefined, 'access');
  }
  getOwnAccess(userRef: string) {
    return this.request<CompiledAccess>('GET', `/users/${this.id(userRef)}/compiled`, undefined, 'access');
  }
  listRoles() {
    return this.request<Role[]>('GET', '/roles', undefined, 'access');
  }
}
