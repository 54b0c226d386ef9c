import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import {
  DefinitionProblem,
  DocumentTypeSpec,
  FlowDefinition,
  flowDefinitionSchema,
  validateDefinition,
} from '@cocrm/plugin-workflow-common';
import { WorkflowError, isUniqueViolation, parseInput } from '../errors';
import { Flow, FlowStore, FlowVersion } from '../database/FlowStore';

/** The document types other plugins register through workflow-node's extension point. */
export interface DocumentTypeRegistry {
  get(type: string): DocumentTypeSpec | undefined;
}

/**
 * 流程管理: a flow per document type, published in immutable versions. A new
 * version only affects instances submitted after it; running instances keep
 * theirs. Nothing invalid is ever published.
 */
export class FlowService {
  constructor(
    private readonly deps: { knex: Knex; flows: FlowStore; documentTypes: DocumentTypeRegistry; now?: () => Date },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** Schema and tree checks together: what the designer shows before "发布". */
  check(input: unknown): { definition?: FlowDefinition; problems: DefinitionProblem[] } {
    const definition = parseInput(flowDefinitionSchema, input);
    return { definition, problems: validateDefinition(definition, this.deps.documentTypes.get(definition.documentType)) };
  }

  private publishable(input: unknown): FlowDefinition {
    const { definition, problems } = this.check(input);
    if (problems.length) {
      throw new WorkflowError(400, 'definitionInvalid', { count: problems.length }, problems.map(p => p.message));
    }
    return definition!;
  }

  async create(actor: string, input: unknown): Promise<Flow> {
    const definition = this.publishable(input);
    const id = randomUUID();
    const now = this.now();
    try {
      await this.deps.knex.transaction(async trx => {
        await this.deps.flows.insertFlow(trx, { id, documentType: definition.documentType, name: definition.name, actor, now });
        await this.deps.flows.insertVersion(trx, { id: randomUUID(), flowId: id, number: 1, definition, actor, now });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new WorkflowError(409, 'flowExists', { type: definition.documentType });
      throw e;
    }
    return (await this.deps.flows.get(id))!;
  }

  /** Publishes a new version; `expectedVersion` is the flow's row version the editor started from. */
  async publish(actor: string, flowId: string, expectedVersion: number, input: unknown): Promise<Flow> {
    const definition = this.publishable(input);
    const flow = await this.deps.flows.get(flowId);
    if (!flow) throw new WorkflowError(404, 'flowNotFound');
    if (definition.documentType !== flow.documentType) throw new WorkflowError(400, 'documentTypeMismatch');
    const now = this.now();
    await this.deps.knex.transaction(async trx => {
      if (!(await this.deps.flows.bumpVersion(trx, flowId, expectedVersion, { name: definition.name, actor, now }))) {
        throw new WorkflowError(409, 'staleFlow');
      }
      await this.deps.flows.insertVersion(trx, { id: randomUUID(), flowId, number: flow.currentVersion + 1, definition, actor, now });
    });
    return (await this.deps.flows.get(flowId))!;
  }

  async remove(actor: string, flowId: string, expectedVersion: number): Promise<void> {
    if (!(await this.deps.flows.get(flowId))) throw new WorkflowError(404, 'flowNotFound');
    if (!(await this.deps.flows.softDelete(this.deps.knex, flowId, expectedVersion, actor, this.now()))) {
      throw new WorkflowError(409, 'staleFlow');
    }
  }

  async get(flowId: string): Promise<{ flow: Flow; current: FlowVersion }> {
    const flow = await this.deps.flows.get(flowId);
    const current = flow && (await this.deps.flows.version(flowId, flow.currentVersion));
    if (!flow || !current) throw new WorkflowError(404, 'flowNotFound');
    return { flow, current };
  }

  list() {
    return this.deps.flows.list();
  }

  /** Versions with how many instances run (or ran) on each. */
  versions(flowId: string) {
    return this.deps.flows.versions(flowId);
  }

  /** One published version, e.g. the one an older instance runs on. */
  async version(flowId: string, number: number): Promise<FlowVersion> {
    const version = await this.deps.flows.version(flowId, number);
    if (!version) throw new WorkflowError(404, 'flowNotFound');
    return version;
  }
}
