import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import {
  contactCreateSchema,
  contactRelationCreateSchema,
  contactRelationUpdateSchema,
  contactUpdateSchema,
  customerCreateSchema,
  customerUpdateSchema,
  localeFromAcceptLanguage,
  visitCreateSchema,
  visitUpdateSchema,
} from '@cocrm/plugin-crm-common';
import { crmErrorHandler, CrmError, parseInput } from './errors';
import {
  contactListQuerySchema,
  customerListQuerySchema,
  relationListQuerySchema,
  timelineQuerySchema,
  versionQuerySchema,
  visitListQuerySchema,
} from './queries';
import { RequestContext } from './service/RequestContext';
import { CustomerService } from './service/CustomerService';
import { ContactService } from './service/ContactService';
import { RelationService } from './service/RelationService';
import { VisitService } from './service/VisitService';
import { TimelineService } from './service/TimelineService';
import { GraphService } from './service/GraphService';
import { ExportService } from './service/ExportService';
import { AuditService } from './service/AuditService';
import { HandoverService } from './service/HandoverService';
import { FieldRules } from './service/FieldRules';
import { auditQuerySchema } from '@cocrm/plugin-access-common';
import { attachmentDisposition } from '@cocrm/plugin-access-node';
import { Writable } from 'node:stream';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  customers: CustomerService;
  contacts: ContactService;
  relations: RelationService;
  visits: VisitService;
  timeline: TimelineService;
  graph: GraphService;
  exports: ExportService;
  audit: AuditService;
  handover: HandoverService;
  fieldRules: FieldRules;
}

const handoverItemsQuerySchema = z.object({
  kind: z.enum(['employee', 'department'], 'invalidValue'),
  from: z.string('required').min(1, 'required').max(200, 'tooLong'),
});
const handoverPlanSchema = z.object({
  handoverId: z.string('required').uuid('invalidValue'),
  kind: z.enum(['employee', 'department'], 'invalidValue'),
  from: z.string('required').min(1, 'required').max(200, 'tooLong'),
  items: z.array(z.object({ type: z.string(), id: z.string().uuid('invalidValue'), receiver: z.string().min(1).max(200) })).max(100_000),
  receiverDepartments: z.record(z.string(), z.string().nullable()),
  actor: z.string('required').min(1, 'required').max(200, 'tooLong'),
});
const handoverRevertSchema = z.object({ handoverId: z.string('required').uuid('invalidValue'), actor: z.string('required').min(1).max(200) });

/** Sends an .xlsx produced by `write` with a UTF-8 file name (RFC 5987). */
async function sendXlsx(res: express.Response, prepared: { filename: string; write: (out: Writable) => Promise<void> }) {
  res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('Content-Disposition', attachmentDisposition(prepared.filename));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  await prepared.write(res);
  res.end();
}

const uuid = z.string().uuid();

/**
 * HTTP API of the CRM. Each route parses its input, resolves who is calling
 * and hands over to one service method; services enforce permissions.
 */
export function createRouter(options: RouterOptions): express.Router {
  const { httpAuth, auditor } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  const ctx = async (req: Request): Promise<RequestContext> => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const principal = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
    return {
      credentials,
      actor: principal.userEntityRef ?? `service:${principal.subject ?? 'unknown'}`,
      locale: localeFromAcceptLanguage(req.get('accept-language')),
    };
  };
  const id = (req: Request, name = 'id') => {
    const value = req.params[name];
    if (!uuid.safeParse(value).success) throw new CrmError(404, 'notFound');
    return value;
  };
  /** Mutations also go to Backstage's auditor, next to the record history. */
  const audited = async <T>(req: Request, eventId: string, fn: () => Promise<T>): Promise<T> => {
    const event = await auditor.createEvent({ eventId, request: req, severityLevel: 'medium' });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  };

  /** Only the access plugin drives 工作移交; users go through its API and permissions. */
  const fromAccessPlugin = async (req: Request): Promise<RequestContext> => {
    const c = await ctx(req);
    const principal = c.credentials.principal as { type: string; subject?: string };
    if (principal.type !== 'service' || principal.subject !== 'plugin:access') throw new CrmError(403, 'forbidden');
    return c;
  };

  // what the caller may do and see, for the UI
  router.get('/access', async (req, res) => {
    res.json(await options.fieldRules.view(await ctx(req)));
  });

  // 导出 (before /:id routes)
  router.get('/customers/export', async (req, res) => {
    const c = await ctx(req);
    await sendXlsx(res, await options.exports.prepare('customer', parseInput(customerListQuerySchema, req.query), c));
  });
  router.get('/contacts/export', async (req, res) => {
    const c = await ctx(req);
    await sendXlsx(res, await options.exports.prepare('contact', parseInput(contactListQuerySchema, req.query), c));
  });
  router.get('/visits/export', async (req, res) => {
    const c = await ctx(req);
    await sendXlsx(res, await options.exports.prepare('visit', parseInput(visitListQuerySchema, req.query), c));
  });

  // 审计日志 (the suite's audit contract)
  router.get('/audit', async (req, res) => {
    res.json(await options.audit.list(parseInput(auditQuerySchema, req.query), await ctx(req)));
  });
  router.get('/audit/export', async (req, res) => {
    const c = await ctx(req);
    await sendXlsx(res, await options.audit.prepareExport(parseInput(auditQuerySchema, req.query), c));
  });

  // 工作移交, called by the access plugin
  router.get('/handover/items', async (req, res) => {
    await fromAccessPlugin(req);
    const { kind, from } = parseInput(handoverItemsQuerySchema, req.query);
    res.json(await options.handover.listItems(kind, from));
  });
  router.post('/handover/execute', async (req, res) => {
    await fromAccessPlugin(req);
    res.json(await options.handover.execute(parseInput(handoverPlanSchema, req.body)));
  });
  router.post('/handover/revert', async (req, res) => {
    await fromAccessPlugin(req);
    const { handoverId, actor } = parseInput(handoverRevertSchema, req.body);
    await options.handover.revert(handoverId, actor);
    res.status(204).end();
  });

  // 客户
  router.get('/customers', async (req, res) => {
    res.json(await options.customers.list(parseInput(customerListQuerySchema, req.query), await ctx(req)));
  });
  router.post('/customers', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(customerCreateSchema, req.body);
    res.status(201).json(await audited(req, 'customer-create', () => options.customers.create(input, c, Object.keys(req.body))));
  });
  router.get('/customers/:id', async (req, res) => {
    res.json(await options.customers.get(id(req), await ctx(req)));
  });
  router.patch('/customers/:id', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(customerUpdateSchema, req.body);
    res.json(await audited(req, 'customer-update', () => options.customers.update(id(req), input, c)));
  });
  router.delete('/customers/:id', async (req, res) => {
    const c = await ctx(req);
    const { version } = parseInput(versionQuerySchema, req.query);
    await audited(req, 'customer-delete', () => options.customers.remove(id(req), version, c));
    res.status(204).end();
  });
  router.post('/customers/:id/restore', async (req, res) => {
    const c = await ctx(req);
    res.json(await audited(req, 'customer-restore', () => options.customers.restore(id(req), c)));
  });
  router.get('/customers/:id/timeline', async (req, res) => {
    const { before, limit } = parseInput(timelineQuerySchema, req.query);
    res.json(await options.timeline.list(id(req), before, limit, await ctx(req)));
  });
  router.get('/customers/:id/graph', async (req, res) => {
    res.json(await options.graph.forCustomer(id(req), await ctx(req)));
  });

  // 联系人
  router.get('/contacts', async (req, res) => {
    res.json(await options.contacts.list(parseInput(contactListQuerySchema, req.query), await ctx(req)));
  });
  router.post('/contacts', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(contactCreateSchema, req.body);
    res.status(201).json(await audited(req, 'contact-create', () => options.contacts.create(input, c, Object.keys(req.body))));
  });
  router.get('/contacts/:id', async (req, res) => {
    res.json(await options.contacts.get(id(req), await ctx(req)));
  });
  router.patch('/contacts/:id', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(contactUpdateSchema, req.body);
    res.json(await audited(req, 'contact-update', () => options.contacts.update(id(req), input, c)));
  });
  router.delete('/contacts/:id', async (req, res) => {
    const c = await ctx(req);
    const { version } = parseInput(versionQuerySchema, req.query);
    await audited(req, 'contact-delete', () => options.contacts.remove(id(req), version, c));
    res.status(204).end();
  });
  router.post('/contacts/:id/restore', async (req, res) => {
    const c = await ctx(req);
    res.json(await audited(req, 'contact-restore', () => options.contacts.restore(id(req), c)));
  });

  // 关系
  router.get('/relations', async (req, res) => {
    const { customerId } = parseInput(relationListQuerySchema, req.query);
    res.json(await options.relations.ofCustomer(customerId, await ctx(req)));
  });
  router.post('/relations', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(contactRelationCreateSchema, req.body);
    res.status(201).json(await audited(req, 'relation-create', () => options.relations.create(input, c)));
  });
  router.patch('/relations/:id', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(contactRelationUpdateSchema, req.body);
    res.json(await audited(req, 'relation-update', () => options.relations.update(id(req), input, c)));
  });
  router.delete('/relations/:id', async (req, res) => {
    const c = await ctx(req);
    const { version } = parseInput(versionQuerySchema, req.query);
    await audited(req, 'relation-delete', () => options.relations.remove(id(req), version, c));
    res.status(204).end();
  });

  // 拜访
  router.get('/visits', async (req, res) => {
    res.json(await options.visits.list(parseInput(visitListQuerySchema, req.query), await ctx(req)));
  });
  router.post('/visits', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(visitCreateSchema, req.body);
    res.status(201).json(await audited(req, 'visit-create', () => options.visits.create(input, c, Object.keys(req.body))));
  });
  router.get('/visits/:id', async (req, res) => {
    res.json(await options.visits.get(id(req), await ctx(req)));
  });
  router.patch('/visits/:id', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(visitUpdateSchema, req.body);
    res.json(await audited(req, 'visit-update', () => options.visits.update(id(req), input, c)));
  });
  router.delete('/visits/:id', async (req, res) => {
    const c = await ctx(req);
    const { version } = parseInput(versionQuerySchema, req.query);
    await audited(req, 'visit-delete', () => options.visits.remove(id(req), version, c));
    res.status(204).end();
  });
  router.post('/visits/:id/restore', async (req, res) => {
    const c = await ctx(req);
    res.json(await audited(req, 'visit-restore', () => options.visits.restore(id(req), c)));
  });

  router.use(crmErrorHandler);
  return router;
}
