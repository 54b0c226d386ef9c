import { Knex } from 'knex';
import { FlowStore } from './database/FlowStore';
import { InstanceStore } from './database/InstanceStore';
import { DelegationStore } from './database/DelegationStore';
import { ApprovalEngine } from './service/ApprovalEngine';
import { FlowService, DocumentTypeRegistry } from './service/FlowService';
import { DelegationService } from './service/DelegationService';
import { OrgSource, RoleMembers, RoutePlanner } from './service/RoutePlanner';

/** Builds the workflow services on a migrated database; the plugin and the tests wire through this one place. */
export function createWorkflow(deps: { knex: Knex; org: OrgSource; roles: RoleMembers; documentTypes: DocumentTypeRegistry; now?: () => Date }) {
  const flows = new FlowStore(deps.knex);
  const instances = new InstanceStore(deps.knex);
  const delegations = new DelegationStore(deps.knex);
  const planner = new RoutePlanner({ org: deps.org, roles: deps.roles });
  return {
    engine: new ApprovalEngine({ knex: deps.knex, flows, instances, delegations, planner, now: deps.now }),
    flows: new FlowService({ knex: deps.knex, flows, documentTypes: deps.documentTypes, now: deps.now }),
    delegations: new DelegationService({ delegations, now: deps.now }),
  };
}

export type Workflow = ReturnType<typeof createWorkflow>;
