import { createApiRef } from '@backstage/frontend-plugin-api';
import type { InstanceDetail } from '@cocrm/plugin-workflow-common';
import type {
  Attachment,
  Contact,
  ContactInput,
  ContactListQuery,
  ContactRelation,
  ContactRelationInput,
  ContactRelationType,
  Contract,
  ContractInput,
  ContractListQuery,
  CrmAccessView,
  CrmErrorBody,
  Customer,
  CustomerGraph,
  CustomerInput,
  CustomerListQuery,
  Page,
  PageQuery,
  RelationStrength,
  RoutedMailEntry,
  TimelinePage,
  Visit,
  VisitInput,
  VisitListQuery,
} from '@cocrm/plugin-crm-common';
import { SuiteApiError, SuiteHttp, toQueryString } from '@cocrm/suite-react';
import type { QueryValue, SuiteDownload, SuiteHttpOptions } from '@cocrm/suite-react';

/** An HTTP error answered by the CRM backend, with its parsed body. */
export class CrmApiError extends SuiteApiError<CrmErrorBody> {
  constructor(status: number, body: CrmErrorBody) {
    super(status, body);
    this.name = 'CrmApiError';
  }

  get existing() {
    return this.body.error.existing;
  }

  /** 409 because someone else saved first; a duplicate's 409 names the record that exists instead */
  override get isStale(): boolean {
    return this.status === 409 && !this.body.error.existing;
  }
}

export type Patch<T> = Partial<T> & { version: number };

/** A list's query for its Excel export: the filters and the order, never a page. */
export type ExportQuery<Q extends PageQuery> = Omit<Q, 'page' | 'pageSize'>;

/** A downloaded export, named as the server named it. */
export type CrmExport = SuiteDownload;

/** Typed client of the CRM backend (`/api/crm`). */
export interface CrmApi {
  /** What the signed-in user may do and which fields are hidden or read-only for them. */
  getAccess(): Promise<CrmAccessView>;

  listCustomers(query?: CustomerListQuery): Promise<Page<Customer>>;
  getCustomer(id: string): Promise<Customer>;
  createCustomer(input: CustomerInput): Promise<Customer>;
  updateCustomer(id: string, patch: Patch<CustomerInput>): Promise<Customer>;
  deleteCustomer(id: string, version: number): Promise<void>;
  restoreCustomer(id: string): Promise<Customer>;
  getTimeline(id: string, options?: { before?: string; limit?: number }): Promise<TimelinePage>;
  getGraph(id: string): Promise<CustomerGraph>;
  exportCustomers(query?: ExportQuery<CustomerListQuery>): Promise<CrmExport>;

  listContacts(query?: ContactListQuery): Promise<Page<Contact>>;
  getContact(id: string): Promise<Contact>;
  createContact(input: ContactInput): Promise<Contact>;
  updateContact(id: string, patch: Patch<Omit<ContactInput, 'customerId'>>): Promise<Contact>;
  deleteContact(id: string, version: number): Promise<void>;
  restoreContact(id: string): Promise<Contact>;
  exportContacts(query?: ExportQuery<ContactListQuery>): Promise<CrmExport>;

  listRelations(customerId: string): Promise<ContactRelation[]>;
  createRelation(input: ContactRelationInput): Promise<ContactRelation>;
  updateRelation(
    id: string,
    patch: { type?: ContactRelationType; strength?: RelationStrength; remark?: string | null; version: number },
  ): Promise<ContactRelation>;
  deleteRelation(id: string, version: number): Promise<void>;

  listVisits(query?: VisitListQuery): Promise<Page<Visit>>;
  getVisit(id: string): Promise<Visit>;
  createVisit(input: VisitInput): Promise<Visit>;
  updateVisit(id: string, patch: Patch<Omit<VisitInput, 'customerId'>>): Promise<Visit>;
  deleteVisit(id: string, version: number): Promise<void>;
  restoreVisit(id: string): Promise<Visit>;
  exportVisits(query?: ExportQuery<VisitListQuery>): Promise<CrmExport>;

  listContracts(query?: ContractListQuery): Promise<Page<Contract>>;
  getContract(id: string): Promise<Contract>;
  createContract(input: ContractInput): Promise<Contract>;
  updateContract(id: string, patch: Patch<Omit<ContractInput, 'customerId'>>): Promise<Contract>;
  deleteContract(id: string, version: number): Promise<void>;
  restoreContract(id: string): Promise<Contract>;
  exportContracts(query?: ExportQuery<ContractListQuery>): Promise<CrmExport>;
  /** 提交审批, for the version the user saw */
  submitContract(id: string, version: number): Promise<Contract>;
  /** 重新提交 after 退回 */
  resubmitContract(id: string, version: number): Promise<Contract>;
  uploadContractAttachment(id: string, file: Blob, fileName: string): Promise<Attachment>;
  downloadContractAttachment(id: string, attachmentId: string): Promise<CrmExport>;
  deleteContractAttachment(id: string, attachmentId: string): Promise<void>;
  /** An approval (审批单) with its nodes, tasks and history, from the workflow plugin, as the signed-in user may see it. */
  getApproval(instanceId: string): Promise<InstanceDetail>;
  /** Mail routed to a contact, from the mail plugin, as far as the signed-in user may read it (newest first). */
  listContactMail(contactId: string, query?: { page?: number; pageSize?: number }): Promise<Page<RoutedMailEntry>>;
}

export const crmApiRef = createApiRef<CrmApi>({ id: 'plugin.crm.api' });

/** An export has every matching row, so a page from the list's state must not narrow it. */
function exportQueryString(query: object): string {
  const { page: _page, pageSize: _pageSize, ...rest } = query as Record<string, QueryValue>;
  return toQueryString(rest);
}

export type CrmClientOptions = SuiteHttpOptions;

export class CrmClient implements CrmApi {
  private readonly http: SuiteHttp;

  constructor(options: CrmClientOptions) {
    this.http = new SuiteHttp(options, {
      pluginId: 'crm',
      createError: (status, body) => new CrmApiError(status, body),
    });
  }

  private request<T>(method: string, path: string, body?: unknown, options: { file?: Blob; pluginId?: string } = {}): Promise<T> {
    return this.http.request<T>(method, path, body, options);
  }

  private download(path: string, fallbackName: string, accept?: string): Promise<CrmExport> {
    return this.http.download(path, fallbackName, { accept });
  }

  private id(id: string) {
    return encodeURIComponent(id);
  }

  getAccess() {
    return this.request<CrmAccessView>('GET', '/access');
  }

  listCustomers(query: CustomerListQuery = {}) {
    return this.request<Page<Customer>>('GET', `/customers${toQueryString(query as Record<string, QueryValue>)}`);
  }
  getCustomer(id: string) {
    return this.request<Customer>('GET', `/customers/${this.id(id)}`);
  }
  createCustomer(input: CustomerInput) {
    return this.request<Customer>('POST', '/customers', input);
  }
  updateCustomer(id: string, patch: Patch<CustomerInput>) {
    return this.request<Customer>('PATCH', `/customers/${this.id(id)}`, patch);
  }
  deleteCustomer(id: string, version: number) {
    return this.request<void>('DELETE', `/customers/${this.id(id)}${toQueryString({ version })}`);
  }
  restoreCustomer(id: string) {
    return this.request<Customer>('POST', `/customers/${this.id(id)}/restore`);
  }
  getTimeline(id: string, options: { before?: string; limit?: number } = {}) {
    return this.request<TimelinePage>(
      'GET',
      `/customers/${this.id(id)}/timeline${toQueryString({ before: options.before, limit: options.limit ?? 20 })}`,
    );
  }
  getGraph(id: string) {
    return this.request<CustomerGraph>('GET', `/customers/${this.id(id)}/graph`);
  }
  exportCustomers(query: ExportQuery<CustomerListQuery> = {}) {
    return this.download(`/customers/export${exportQueryString(query)}`, 'customers.xlsx');
  }

  listContacts(query: ContactListQuery = {}) {
    return this.request<Page<Contact>>('GET', `/contacts${toQueryString(query as Record<string, QueryValue>)}`);
  }
  getContact(id: string) {
    return this.request<Contact>('GET', `/contacts/${this.id(id)}`);
  }
  createContact(input: ContactInput) {
    return this.request<Contact>('POST', '/contacts', input);
  }
  updateContact(id: string, patch: Patch<Omit<ContactInput, 'customerId'>>) {
    return this.request<Contact>('PATCH', `/contacts/${this.id(id)}`, patch);
  }
  deleteContact(id: string, version: number) {
    return this.request<void>('DELETE', `/contacts/${this.id(id)}${toQueryString({ version })}`);
  }
  restoreContact(id: string) {
    return this.request<Contact>('POST', `/contacts/${this.id(id)}/restore`);
  }
  exportContacts(query: ExportQuery<ContactListQuery> = {}) {
    return this.download(`/contacts/export${exportQueryString(query)}`, 'contacts.xlsx');
  }

  listRelations(customerId: string) {
    return this.request<ContactRelation[]>('GET', `/relations${toQueryString({ customerId })}`);
  }
  createRelation(input: ContactRelationInput) {
    return this.request<ContactRelation>('POST', '/relations', input);
  }
  updateRelation(
    id: string,
    patch: { type?: ContactRelationType; strength?: RelationStrength; remark?: string | null; version: number },
  ) {
    return this.request<ContactRelation>('PATCH', `/relations/${this.id(id)}`, patch);
  }
  deleteRelation(id: string, version: number) {
    return this.request<void>('DELETE', `/relations/${this.id(id)}${toQueryString({ version })}`);
  }

  listVisits(query: VisitListQuery = {}) {
    return this.request<Page<Visit>>('GET', `/visits${toQueryString(query as Record<string, QueryValue>)}`);
  }
  getVisit(id: string) {
    return this.request<Visit>('GET', `/visits/${this.id(id)}`);
  }
  createVisit(input: VisitInput) {
    return this.request<Visit>('POST', '/visits', input);
  }
  updateVisit(id: string, patch: Patch<Omit<VisitInput, 'customerId'>>) {
    return this.request<Visit>('PATCH', `/visits/${this.id(id)}`, patch);
  }
  deleteVisit(id: string, version: number) {
    return this.request<void>('DELETE', `/visits/${this.id(id)}${toQueryString({ version })}`);
  }
  restoreVisit(id: string) {
    return this.request<Visit>('POST', `/visits/${this.id(id)}/restore`);
  }
  exportVisits(query: ExportQuery<VisitListQuery> = {}) {
    return this.download(`/visits/export${exportQueryString(query)}`, 'visits.xlsx');
  }

  listContracts(query: ContractListQuery = {}) {
    return this.request<Page<Contract>>('GET', `/contracts${toQueryString(query as Record<string, QueryValue>)}`);
  }
  getContract(id: string) {
    return this.request<Contract>('GET', `/contracts/${this.id(id)}`);
  }
  createContract(input: ContractInput) {
    return this.request<Contract>('POST', '/contracts', input);
  }
  updateContract(id: string, patch: Patch<Omit<ContractInput, 'customerId'>>) {
    return this.request<Contract>('PATCH', `/contracts/${this.id(id)}`, patch);
  }
  deleteContract(id: string, version: number) {
    return this.request<void>('DELETE', `/contracts/${this.id(id)}${toQueryString({ version })}`);
  }
  restoreContract(id: string) {
    return this.request<Contract>('POST', `/contracts/${this.id(id)}/restore`);
  }
  exportContracts(query: ExportQuery<ContractListQuery> = {}) {
    return this.download(`/contracts/export${exportQueryString(query)}`, 'contracts.xlsx');
  }
  submitContract(id: string, version: number) {
    return this.request<Contract>('POST', `/contracts/${this.id(id)}/submit`, { version });
  }
  resubmitContract(id: string, version: number) {
    return this.request<Contract>('POST', `/contracts/${this.id(id)}/resubmit`, { version });
  }
  uploadContractAttachment(id: string, file: Blob, fileName: string) {
    return this.request<Attachment>('POST', `/contracts/${this.id(id)}/attachments${toQueryString({ fileName })}`, undefined, { file });
  }
  downloadContractAttachment(id: string, attachmentId: string) {
    return this.download(`/contracts/${this.id(id)}/attachments/${this.id(attachmentId)}`, 'attachment', '*/*');
  }
  deleteContractAttachment(id: string, attachmentId: string) {
    return this.request<void>('DELETE', `/contracts/${this.id(id)}/attachments/${this.id(attachmentId)}`);
  }
  getApproval(instanceId: string) {
    return this.request<InstanceDetail>('GET', `/instances/${this.id(instanceId)}`, undefined, { pluginId: 'workflow' });
  }
  listContactMail(contactId: string, query: { page?: number; pageSize?: number } = {}) {
    return this.request<Page<RoutedMailEntry>>(
      'GET',
      `/routed/contacts/${this.id(contactId)}${toQueryString({ page: query.page ?? 0, pageSize: query.pageSize ?? 10 })}`,
      undefined,
      { pluginId: 'mail' },
    );
  }
}
