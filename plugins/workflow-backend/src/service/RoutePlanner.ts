import { OrgSnapshot, primaryDepartmentOf, supervisorChain } from '@cocrm/plugin-access-node';
import {
  ApproverRule,
  DocumentSubmission,
  EmptyApproverPolicy,
  FlowDefinition,
  Step,
  selectBranch,
} from '@cocrm/plugin-workflow-common';
import { WorkflowError } from '../errors';
import type { InstancePlan, RouteNode } from '../database/rows';

/** Who holds a role of the access plugin. Production: the access API (AccessClient.roleHolders); tests: a fake. */
export interface RoleMembers {
  usersWithRole(roleKey: string): Promise<string[]>;
}

/** The org as approver resolution needs it (OrgDirectory satisfies it). */
export interface OrgSource {
  snapshot(): Promise<OrgSnapshot>;
}

const unique = (refs: string[]) => [...new Set(refs)];

/**
 * Turns a definition and a submission into the route the instance follows:
 * branches chosen by the document's fields, approvers resolved on the org as
 * it is at submit (so the applicant sees who will approve), empty results
 * handled by the policies.
 */
export class RoutePlanner {
  constructor(private readonly deps: { org: OrgSource; roles: RoleMembers }) {}

  async plan(def: FlowDefinition, doc: DocumentSubmission): Promise<InstancePlan> {
    const org = await this.deps.org.snapshot();
    const department = doc.department ?? primaryDepartmentOf(org, doc.applicant);
    const route: RouteNode[] = [];
    const missing = (field: string): never => {
      throw new WorkflowError(400, 'conditionFieldMissing', { field });
    };
    const walk = async (steps: Step[]) => {
      for (const step of steps) {
        if (step.kind === 'branch') {
          const branch = selectBranch(step, { ...doc, department }, missing);
          if (branch) await walk(branch.steps);
        } else if (step.kind === 'cc') {
          const users = await this.resolveAll(step.recipients, org, doc, department, step.id, step.name);
          route.push({ stepId: step.id, name: step.name, kind: 'cc', mode: null, ratio: null, users });
        } else {
          let users = await this.resolveAll(step.approvers, org, doc, department, step.id, step.name);
          const node: RouteNode = { stepId: step.id, name: step.name, kind: 'approval', mode: step.mode, ratio: step.ratio ?? null, users };
          if (step.timeLimit) node.timeLimit = step.timeLimit;
          if (users.length === 0) {
            const policy: EmptyApproverPolicy = step.emptyApprover ?? def.policies.emptyApprover;
            node.emptyHandledBy = policy.kind;
            if (policy.kind === 'admin') users = await this.deps.roles.usersWithRole('admin');
            else if (policy.kind === 'user') users = [policy.user];
            // no administrator either: passing is better than a flow nobody can move
            node.users = unique(users);
          }
          route.push(node);
        }
      }
    };
    await walk(def.steps);
    return { policies: def.policies, route, department };
  }

  private async resolveAll(
    rules: ApproverRule[],
    org: OrgSnapshot,
    doc: DocumentSubmission,
    department: string | null,
    stepId: string,
    stepName: string,
  ): Promise<string[]> {
    const out: string[] = [];
    for (const rule of rules) out.push(...(await this.resolve(rule, org, doc, department, stepId, stepName)));
    return unique(out);
  }

  private async resolve(
    rule: ApproverRule,
    org: OrgSnapshot,
    doc: DocumentSubmission,
    department: string | null,
    stepId: string,
    stepName: string,
  ): Promise<string[]> {
    switch (rule.kind) {
      case 'users':
        return rule.users;
      case 'role':
        return this.deps.roles.usersWithRole(rule.role);
      case 'departmentLeader': {
        // a leader does not approve their own request: the next department up with another leader does
        let cur = department;
        const seen = new Set<string>();
        while (cur && !seen.has(cur)) {
          seen.add(cur);
          const d = org.departments.get(cur);
          if (d?.leader && d.leader !== doc.applicant) return [d.leader];
          cur = d?.parent ?? null;
        }
        return [];
      }
      case 'supervisor': {
        const chain = supervisorChain(org, doc.applicant);
        return chain[rule.level - 1] ? [chain[rule.level - 1]] : [];
      }
      case 'supervisorChain':
        return supervisorChain(org, doc.applicant).slice(0, rule.upToLevel);
      case 'applicantChoice': {
        const chosen = doc.chosenApprovers?.[stepId] ?? [];
        if (chosen.length === 0) throw new WorkflowError(400, 'approverChoiceRequired', { node: stepName });
        return chosen;
      }
      case 'documentField': {
        const v = doc.fields[rule.field];
        if (typeof v === 'string' && v) return [v];
        if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x.length > 0);
        return [];
      }
      default:
        return [];
    }
  }
}
