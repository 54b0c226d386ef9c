import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import {
  MAX_ATTACHMENT_BYTES,
  contactCreateSchema,
  contactRelationCreateSchema,
  contactRelationUpdateSchema,
  contactUpdateSchema,
  contractCreateSchema,
  contractSubmitSchema,
  contractUpdateSchema,
  customerCreateSchema,
  customerUpdateSchema,
  localeFromAcceptLanguage,
  mailRoutingIdsSchema,
  mailRoutingMatchSchema,
  visitCreateSchema,
  visitUpdateSchema,
} from '@cocrm/plugin-crm-common';
import { crmErrorHandler, CrmError, parseInput } from './errors';
import {
  contactListQuerySchema,
  contractListQuerySchema,
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
import { ContractService } from './service/ContractService';
import { ContractApprovals } from './service/ContractApprovals';
import { MailRoutingService } from './service/MailRoutingService';
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
  contracts: ContractService;
  approvals: ContractApprovals;
  mailRouting: MailRoutingService;
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

const attachmentUploadQuerySchema = z.object({
  // an empty or missing name is refused by the service, which knows what a usable name is
  fileName: z.string().max(1000, 'tooLong').default(''),
});

/** The body of an upload is the file itself; the limit answers 413 before more is read. */
const rawUpload = express.raw({ type: () => true, limit: MAX_ATTACHMENT_BYTES });
const MAX_ATTACHMENT_MB = MAX_ATTACHMENT_BYTES / 1024 / 1024;

/**
 * HTTP API of the CRM. Each route parses its input, resolves who is calling
 * and hands over to one service method; services enforce permissions.
 */
export function createRouter(options: RouterOptions): express.Router {
  const { httpAuth, auditor } = options;
  const router = Router();

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

  // 合同附件上传: the file is the request body (any type), so this route comes before the JSON parser
  router.post(
    '/contracts/:id/attachments',
    async (req, _res, next) => {
      // who is calling before anything is read
      await ctx(req);
      id(req);
      next();
    },
    (req, res, next) =>
      rawUpload(req, res, (err?: { type?: string }) => {
        if (!err) next();
        else if (err.type === 'entity.too.large') next(new CrmError(413, 'attachmentTooLarge', { max: MAX_ATTACHMENT_MB }));
        else next(new CrmError(400, 'badRequest'));
      }),
    async (req, res) => {
      const c = await ctx(req);
      const { fileName } = parseInput(attachmentUploadQuerySchema, req.query);
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.status(201).json(await audited(req, 'contract-attachment-add', () => options.contracts.addAttachment(id(req), fileName, content, c)));
    },
  );

  router.use(express.json({ limit: '1mb' }));

  /** Only the access plugin drives 工作移交; users go through its API and permissions. */
  const fromAccessPlugin = async (req: Request): Promise<RequestContext> => {
    const c = await ctx(req);
    const principal = c.credentials.principal as { type: string; subject?: string };
    if (principal.type !== 'service' || principal.subject !== 'plugin:access') throw new CrmError(403, 'forbidden');
    return c;
  };

  /** Mail routing facts go to backend plugins (the mail plugin) only; users see mail through the mail plugin's permission checks. */
  const fromService = async (req: Request): Promise<void> => {
    const c = await ctx(req);
    if ((c.credentials.principal as { type: string }).type !== 'service') throw new CrmError(403, 'forbidden');
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
  router.get('/contracts/export', async (req, res) => {
    const c = await ctx(req);
    await sendXlsx(res, await options.exports.prepare('contract', parseInput(contractListQuerySchema, req.query), c));
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

  // 邮件路由, called by the mail plugin
  router.post('/mail-routing/match', async (req, res) => {
    await fromService(req);
    res.json(await options.mailRouting.match(parseInput(mailRoutingMatchSchema, req.body).addresses));
  });
  router.post('/mail-routing/customers', async (req, res) => {
    await fromService(req);
    res.json(await options.mailRouting.customers(parseInput(mailRoutingIdsSchema, req.body).ids));
  });
  router.post('/mail-routing/contacts', async (req, res) => {
    await fromService(req);
    res.json(await options.mailRouting.contacts(parseInput(mailRoutingIdsSchema, req.body).ids));
  });
  router.post('/mail-routing/contracts', async (req, res) => {
    await fromService(req);
    res.json(await options.mailRouting.contracts(parseInput(mailRoutingIdsSchema, req.body).ids));
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

  // 合同
  router.get('/contracts', async (req, res) => {
    res.json(await options.contracts.list(parseInput(contractListQuerySchema, req.query), await ctx(req)));
  });
  router.post('/contracts', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(contractCreateSchema, req.body);
    res.status(201).json(await audited(req, 'contract-create', () => options.contracts.create(input, c, Object.keys(req.body))));
  });
  router.get('/contracts/:id', async (req, res) => {
    res.json(await options.contracts.get(id(req), await ctx(req)));
  });
  router.patch('/contracts/:id', async (req, res) => {
    const c = await ctx(req);
    const input = parseInput(contractUpdateSchema, req.body);
    res.json(await audited(req, 'contract-update', () => options.contracts.update(id(req), input, c)));
  });
  router.delete('/contracts/:id', async (req, res) => {
    const c = await ctx(req);
    const { version } = parseInput(versionQuerySchema, req.query);
    await audited(req, 'contract-delete', () => options.contracts.remove(id(req), version, c));
    res.status(204).end();
  });
  router.post('/contracts/:id/restore', async (req, res) => {
    const c = await ctx(req);
    res.json(await audited(req, 'contract-restore', () => options.contracts.restore(id(req), c)));
  });
  // 提交审批 / 重新提交
  router.post('/contracts/:id/submit', async (req, res) => {
    const c = await ctx(req);
    const { version } = parseInput(contractSubmitSchema, req.body);
    res.json(await audited(req, 'contract-submit', () => options.approvals.submit(id(req), version, c)));
  });
  router.post('/contracts/:id/resubmit', async (req, res) => {
    const c = await ctx(req);
    const { version } = parseInput(contractSubmitSchema, req.body);
    res.json(await audited(req, 'contract-resubmit', () => options.approvals.resubmit(id(req), version, c)));
  });
  // 附件 (upload above, before the JSON parser)
  router.get('/contracts/:id/attachments/:attachmentId', async (req, res) => {
    const c = await ctx(req);
    const attachmentId = req.params.attachmentId;
    if (!uuid.safeParse(attachmentId).success) throw new CrmError(404, 'attachmentNotFound');
    const { attachment, content } = await options.contracts.attachmentContent(id(req), attachmentId, c);
    res.setHeader('Content-Type', attachment.contentType);
    res.setHeader('Content-Length', String(content.length));
    res.setHeader('Content-Disposition', attachmentDisposition(attachment.fileName));
    // a file is never rendered as part of the portal, whatever it contains
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    res.end(content);
  });
  router.delete('/contracts/:id/attachments/:attachmentId', async (req, res) => {
    const c = await ctx(req);
    const attachmentId = req.params.attachmentId;
    if (!uuid.safeParse(attachmentId).success) throw new CrmError(404, 'attachmentNotFound');
    await audited(req, 'contract-attachment-delete', () => options.contracts.removeAttachment(id(req), attachmentId, c));
    res.status(204).end();
  });

  router.use(crmErrorHandler);
  return router;
}
