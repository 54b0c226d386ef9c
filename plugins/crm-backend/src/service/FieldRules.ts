import type { CompiledAccess } from '@cocrm/plugin-access-common';
import {
  CRM_CONTACT_MODEL,
  CRM_CONTRACT_MODEL,
  CRM_CUSTOMER_MODEL,
  CRM_VISIT_MODEL,
  CrmAccessView,
  CrmResourceKind,
  DERIVED_FIELDS,
} from '@cocrm/plugin-crm-common';
import { CrmError } from '../errors';
import { RequestContext } from './RequestContext';

/** Where a user's compiled access comes from (the access plugin, through AccessClient). */
export interface CompiledAccessSource {
  compiled(userRef: string): Promise<CompiledAccess>;
}

const MODELS = { customer: CRM_CUSTOMER_MODEL, contact: CRM_CONTACT_MODEL, visit: CRM_VISIT_MODEL, contract: CRM_CONTRACT_MODEL } as const;
const KINDS = Object.keys(MODELS) as CrmResourceKind[];

type Change = { field: string; from: unknown; to: unknown };

/**
 * The field rules of one caller: what the backend must leave out of every
 * answer (lists, details, exports, search, timeline, graph) and which fields
 * the caller may not write. Service principals have no field rules.
 */
export class CallerFields {
  private readonly hiddenSets: Record<CrmResourceKind, Set<string>>;
  private readonly readOnlySets: Record<CrmResourceKind, Set<string>>;

  constructor(compiled?: CompiledAccess) {
    const sets = (mode: 'hidden' | 'readOnly') =>
      Object.fromEntries(
        KINDS.map(kind => {
          const names = compiled?.fields[MODELS[kind].resourceType]?.[mode] ?? [];
          return [kind, new Set(names.flatMap(n => [n, ...(DERIVED_FIELDS[n] ?? [])]))];
        }),
      ) as Record<CrmResourceKind, Set<string>>;
    this.hiddenSets = sets('hidden');
    this.readOnlySets = sets('readOnly');
  }

  isHidden(kind: CrmResourceKind, field: string): boolean {
    return this.hiddenSets[kind].has(field);
  }

  hidden(kind: CrmResourceKind): string[] {
    return [...this.hiddenSets[kind]];
  }

  readOnly(kind: CrmResourceKind): string[] {
    return [...this.readOnlySets[kind]];
  }

  /** The record without its hidden fields (a copy; the keys are gone, not nulled). */
  redact<T extends object>(kind: CrmResourceKind, record: T): T {
    const hidden = this.hiddenSets[kind];
    if (hidden.size === 0) return record;
    const copy = { ...record } as Record<string, unknown>;
    for (const field of hidden) delete copy[field];
    return copy as T;
  }

  redactAll<T extends object>(kind: CrmResourceKind, records: T[]): T[] {
    return this.hiddenSets[kind].size === 0 ? records : records.map(r => this.redact(kind, r));
  }

  redactChanges(kind: CrmResourceKind, changes: Change[]): Change[] {
    const hidden = this.hiddenSets[kind];
    return hidden.size === 0 ? changes : changes.filter(c => !hidden.has(c.field));
  }

  /**
   * Refuses a write that touches a field the caller may not change: any
   * hidden field (even with its current value, which would confirm a guess),
   * or a read-only field whose value differs from `before` (forms send
   * unchanged values back).
   */
  assertWritable(kind: CrmResourceKind, input: Record<string, unknown>, before?: Record<string, unknown>): void {
    for (const [field, value] of Object.entries(input)) {
      if (value === undefined) continue;
      if (this.hiddenSets[kind].has(field)) throw CrmError.field(field, 'fieldNotWritable', {}, 403);
      if (this.readOnlySets[kind].has(field)) {
        const current = before ? (before[field] ?? null) : null;
        if (JSON.stringify(value ?? null) !== JSON.stringify(current)) throw CrmError.field(field, 'fieldNotWritable', {}, 403);
      }
    }
  }

  /** Sorting or filtering by a hidden field would reveal its values through the order or the count. */
  assertQueryable(kind: CrmResourceKind, fields: Array<string | undefined>): void {
    for (const field of fields) {
      if (field && this.hiddenSets[kind].has(field)) throw CrmError.field(field, 'fieldNotQueryable', {}, 403);
    }
  }
}

const NONE = new CallerFields();

/** Looks up the caller's field rules (cached briefly by the access client). */
export class FieldRules {
  constructor(private readonly source: CompiledAccessSource) {}

  async forCaller(ctx: RequestContext): Promise<CallerFields> {
    const compiled = await this.compiledFor(ctx);
    return compiled ? new CallerFields(compiled) : NONE;
  }

  /** What the UI needs to know: which actions the caller has, and which fields are hidden or read-only. */
  async view(ctx: RequestContext): Promise<CrmAccessView> {
    const compiled = await this.compiledFor(ctx);
    const fields = compiled ? new CallerFields(compiled) : NONE;
    const can = {} as CrmAccessView['can'];
    const visibleFields = {} as CrmAccessView['fields'];
    for (const kind of KINDS) {
      const model = MODELS[kind];
      can[kind] = Object.fromEntries(
        model.actions.map(action => [action, compiled ? Boolean(compiled.permissions[`${model.permissionPrefix}.${action}`]) : true]),
      );
      visibleFields[kind] = { hidden: fields.hidden(kind), readOnly: fields.readOnly(kind) };
    }
    return { can, fields: visibleFields };
  }

  private async compiledFor(ctx: RequestContext): Promise<CompiledAccess | undefined> {
    const principal = ctx.credentials.principal as { type: string; userEntityRef?: string };
    if (principal.type !== 'user' || !principal.userEntityRef) return undefined;
    return this.source.compiled(principal.userEntityRef);
  }
}
