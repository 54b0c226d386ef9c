import { randomUUID } from 'crypto';
import { Delegation, delegationCreateSchema } from '@cocrm/plugin-workflow-common';
import { WorkflowError, parseInput } from '../errors';
import { DelegationStore } from '../database/DelegationStore';

/**
 * 委托: while away, a user's new tasks go to a delegate (for all or some
 * document types, for a date range). Tasks keep whom they are for, and the
 * delegator can still act on them. Tasks created before the delegation stay
 * where they are (transfer them explicitly).
 */
export class DelegationService {
  constructor(private readonly deps: { delegations: DelegationStore; now?: () => Date }) {}

  async create(actor: string, input: { delegate: string; documentTypes?: string[] | null; startsAt: string; endsAt: string }): Promise<Delegation> {
    const d = parseInput(delegationCreateSchema, input);
    if (d.delegate === actor) throw new WorkflowError(400, 'delegationSelf');
    const startsAt = new Date(d.startsAt);
    const endsAt = new Date(d.endsAt);
    if (endsAt <= startsAt) throw new WorkflowError(400, 'delegationRange');
    const id = randomUUID();
    await this.deps.delegations.insert({
      id,
      delegator: actor,
      delegate: d.delegate,
      documentTypes: d.documentTypes?.length ? d.documentTypes : null,
      startsAt,
      endsAt,
      actor,
      now: this.deps.now?.() ?? new Date(),
    });
    return (await this.deps.delegations.listFor(actor)).find(x => x.id === id)!;
  }

  async revoke(actor: string, id: string): Promise<void> {
    if (!(await this.deps.delegations.revoke(id, actor, this.deps.now?.() ?? new Date()))) throw new WorkflowError(404, 'delegationNotFound');
  }

  list(actor: string): Promise<Delegation[]> {
    return this.deps.delegations.listFor(actor);
  }
}
