import {
  CustomerGraph,
  GraphEdge,
  GraphNode,
  crmContactReadPermission,
  crmCustomerReadPermission,
} from '@cocrm/plugin-crm-common';
import { ContactStore } from '../database/ContactStore';
import { CustomerStore } from '../database/CustomerStore';
import { RelationStore } from '../database/RelationStore';
import { CrmError } from '../errors';
import { Access } from './Access';
import { RequestContext } from './RequestContext';
import { FieldRules } from './FieldRules';

/**
 * 关系图 of one customer: its parent, group and subsidiaries, its contacts and
 * their relations (also to contacts of other customers the caller may see).
 * Everything passes the caller's data scope; an unseen neighbour is left out.
 */
export class GraphService {
  constructor(
    private readonly customers: CustomerStore,
    private readonly contacts: ContactStore,
    private readonly relations: RelationStore,
    private readonly access: Access,
    private readonly fieldRules: FieldRules,
  ) {}

  async forCustomer(id: string, ctx: RequestContext): Promise<CustomerGraph> {
    const customerFilter = await this.access.filter(crmCustomerReadPermission, ctx.credentials);
    const focus = await this.customers.get(id, customerFilter);
    if (!focus) throw new CrmError(404, 'customerNotFound');
    const fields = await this.fieldRules.forCaller(ctx);
    // a hidden parent or group must not show up as an edge either
    if (fields.isHidden('customer', 'parentId')) focus.parentId = null;
    if (fields.isHidden('customer', 'groupId')) focus.groupId = null;
    const contactNode = (c: { title?: string | null; keyDecisionMaker?: boolean }) => {
      const shown = fields.redact('contact', c);
      return { title: shown.title ?? null, keyDecisionMaker: shown.keyDecisionMaker };
    };
    const contactFilter = await this.access.filter(crmContactReadPermission, ctx.credentials).catch(e => {
      if (e instanceof CrmError && e.status === 403) return null;
      throw e;
    });

    const nodes = new Map<string, GraphNode>();
    const edges: GraphEdge[] = [];
    const customerNode = (c: { id: string; name: string; number: string }, isFocus = false) =>
      nodes.set(c.id, { id: c.id, kind: 'customer', label: c.name, subtitle: c.number, ...(isFocus ? { focus: true } : {}) });

    customerNode(focus, true);
    const neighbours = await this.customers.getMany(
      [focus.parentId, focus.groupId].filter((x): x is string => Boolean(x)),
      customerFilter,
    );
    for (const n of neighbours) {
      customerNode(n);
      if (n.id === focus.parentId) edges.push({ id: `parent:${focus.id}`, source: n.id, target: focus.id, kind: 'parent' });
      if (n.id === focus.groupId) edges.push({ id: `group:${focus.id}`, source: n.id, target: focus.id, kind: 'group' });
    }
    const children = fields.isHidden('customer', 'parentId') && fields.isHidden('customer', 'groupId') ? [] : await this.customers.related(focus.id, customerFilter);
    for (const child of children) {
      if (fields.isHidden('customer', 'parentId')) child.parentId = null;
      if (fields.isHidden('customer', 'groupId')) child.groupId = null;
      customerNode(child);
      if (child.parentId === focus.id) edges.push({ id: `parent:${child.id}`, source: focus.id, target: child.id, kind: 'parent' });
      if (child.groupId === focus.id) edges.push({ id: `group:${child.id}`, source: focus.id, target: child.id, kind: 'group' });
    }

    if (contactFilter !== null) {
      const own = (await this.customers.get(id, contactFilter)) ? await this.contacts.ofCustomer(id) : [];
      for (const c of own) {
        const shown = contactNode(c);
        nodes.set(c.id, { id: c.id, kind: 'contact', label: c.name, subtitle: shown.title, keyDecisionMaker: shown.keyDecisionMaker });
        edges.push({ id: `employs:${c.id}`, source: id, target: c.id, kind: 'employs' });
      }
      const relations = await this.relations.ofCustomer(id, contactFilter);
      const foreignIds = relations
        .flatMap(r => [r.fromContactId, r.toContactId])
        .filter(cid => !nodes.has(cid));
      for (const c of await this.contacts.getMany([...new Set(foreignIds)], contactFilter)) {
        const shown = contactNode(c);
        nodes.set(c.id, { id: c.id, kind: 'contact', label: c.name, subtitle: `${c.customerName}${shown.title ? ` · ${shown.title}` : ''}`, keyDecisionMaker: shown.keyDecisionMaker });
      }
      for (const r of relations) {
        if (nodes.has(r.fromContactId) && nodes.has(r.toContactId)) {
          edges.push({ id: r.id, source: r.fromContactId, target: r.toContactId, kind: r.type, strength: r.strength });
        }
      }
    }
    return { nodes: [...nodes.values()], edges };
  }
}
