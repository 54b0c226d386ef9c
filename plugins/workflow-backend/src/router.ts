import express from 'express';
import Router from 'express-promise-router';
import { BackstageCredentials, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import type { AccessLocale } from '@cocrm/plugin-access-common';
import { addSignerSchema, ccSchema, commentSchema, decisionSchema, delegationCreateSchema, flowPublishSchema, resubmitSchema, returnSchema, transferSchema, userRefSchema, workflowFlowCreatePermission, workflowFlowDeletePermission, workflowFlowReadPermission, workflowFlowUpdatePermission } from '@cocrm/plugin-workflow-common';
import { localeFromAcceptLanguage } from '@cocrm/plugin-access-common';
import { z } from 'zod';
import { WorkflowError, parseInput, workflowErrorHandler } from './errors';
import type { Workflow } from './createWorkflow';
import { InstanceAccess } from './service/InstanceAccess';
import { createListRoutes } from './routes/lists';
import { createReportRoutes } from './routes/reports';

/** Who is calling, as the services need it. */
export interface RequestContext {
  credentials: BackstageCredentials;
  /** user entity ref, or `service:<subject>` for plugin-to-plugin calls */
  actor: string;
  locale: AccessLocale;
}

const resubmitOnBehalfSchema = resubmitSchema.extend({ applicant: userRefSchema.optional() });
const optionalComment = z.object({ comment: z.string().trim().max(2000, 'tooLong').optional() });
const versionNumber = z.object({ number: z.coerce.number('invalidValue').int('invalidValue').positive('invalidValue') });
const deleteQuery = z.object({ version: z.coerce.number('required').int('invalidValue') });
const outcomeQuery = z.object({ documentType: z.string('required').min(1, 'required'), documentId: z.string('required').min(1, 'required') });

/**
 * The workflow HTTP API: parse, resolve the caller, one service call.
 * Decisions on tasks and the applicant's actions are checked by the engine
 * (your task / your request); flows need the workflow.flow permissions;
 * reading an instance needs participation or workflow.instance.read.
 */
export async function createRouter(deps: { workflow: Workflow; httpAuth: HttpAuthService; permissions: PermissionsService }) {
  const { workflow, httpAuth, permissions } = deps;
  const { engine, flows, delegations } = workflow;
  const access = new InstanceAccess(permissions, workflow.lists);
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  const ctx = async (req: express.Request, allowService = false): Promise<RequestContext> => {
    const credentials = allowService
      ? await httpAuth.credentials(req, { allow: ['user', 'service'] })
      : await httpAuth.credentials(req, { allow: ['user'] });
    const principal = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
    const actor = principal.type === 'user' ? principal.userEntityRef! : `service:${principal.subject ?? 'unknown'}`;
    return { credentials, actor, locale: localeFromAcceptLanguage(req.get('accept-language')) };
  };

  const require = async (c: RequestContext, permission: BasicPermission) => {
    const [d] = await permissions.authorize([{ permission }], { credentials: c.credentials });
    if (d.result !== AuthorizeResult.ALLOW) throw new WorkflowError(403, 'forbidden');
  };

  // the lists first: `/instances/mine` is not an instance id
  router.use(createListRoutes({ inbox: workflow.inbox, access, ctx }), createReportRoutes({ reports: workflow.reports, ctx, authorize: require }));

  // ---- instances
  router.post('/instances', async (req, res) => {
    const c = await ctx(req, true);
    res.status(201).json(await engine.submit(c.actor, req.body));
  });

  /** The instance with its timeline, for participants and holders of the read permission; others get 404 so ids do not leak. */
  const visibleDetail = async (c: RequestContext, id: string) => {
    const detail = await engine.detail(id);
    const participant =
      detail.instance.applicant === c.actor ||
      detail.tasks.some(t => t.assignee === c.actor || t.onBehalfOf === c.actor) ||
      detail.cc.some(x => x.user === c.actor);
    if (!participant && !(await access.canRead(c.credentials, detail.instance.id))) throw new WorkflowError(404, 'instanceNotFound');
    return detail;
  };

  router.get('/instances/:id', async (req, res) => {
    const c = await ctx(req);
    const detail = await visibleDetail(c, req.params.id);
    // 首次查看 for the reports: the assignee opened it while their task waits
    await workflow.inbox.markViewed(c.actor, detail.instance.id);
    res.json(detail);
  });

  // the applicant, or the owning plugin on the applicant's behalf (WorkflowClient.resubmit sends `applicant`)
  router.post('/instances/:id/resubmit', async (req, res) => {
    const c = await ctx(req, true);
    res.json(await engine.resubmit(c.actor, req.params.id, parseInput(resubmitOnBehalfSchema, req.body)));
  });
  router.post('/instances/:id/withdraw', async (req, res) => {
    const c = await ctx(req);
    await engine.withdraw(c.actor, req.params.id, parseInput(optionalComment, req.body).comment);
    res.status(204).end();
  });
  router.post('/instances/:id/remind', async (req, res) => {
    const c = await ctx(req);
    res.json(await engine.remind(c.actor, req.params.id, parseInput(optionalComment, req.body).comment));
  });
  router.post('/instances/:id/cc', async (req, res) => {
    const c = await ctx(req);
    const body = parseInput(ccSchema, req.body);
    await engine.cc(c.actor, req.params.id, body.users, body.comment);
    res.status(204).end();
  });
  router.post('/instances/:id/comments', async (req, res) => {
    const c = await ctx(req);
    const body = parseInput(commentSchema, req.body);
    await engine.comment(c.actor, req.params.id, body.text, body.attachments);
    res.status(204).end();
  });

  /** The recoverable status query: plugins ask where their document's approval stands. */
  router.get('/outcome', async (req, res) => {
    const c = await ctx(req, true);
    const q = parseInput(outcomeQuery, req.query);
    const outcome = await engine.outcome(q.documentType, q.documentId);
    if (!outcome) throw new WorkflowError(404, 'instanceNotFound');
    // plugins ask for their documents; a person only about an approval they may see
    if (!c.actor.startsWith('service:')) await visibleDetail(c, outcome.instanceId);
    res.json(outcome);
  });

  // ---- tasks
  router.post('/tasks/:taskId/approve', async (req, res) => {
    const c = await ctx(req);
    const b = parseInput(decisionSchema, req.body);
    await engine.approve(c.actor, req.params.taskId, b.version, b.comment);
    res.status(204).end();
  });
  router.post('/tasks/:taskId/reject', async (req, res) => {
    const c = await ctx(req);
    const b = parseInput(decisionSchema, req.body);
    await engine.reject(c.actor, req.params.taskId, b.version, b.comment);
    res.status(204).end();
  });
  router.post('/tasks/:taskId/return', async (req, res) => {
    const c = await ctx(req);
    const b = parseInput(returnSchema, req.body);
    await engine.return(c.actor, req.params.taskId, b.version, { to: b.to, policy: b.policy, comment: b.comment });
    res.status(204).end();
  });
  router.post('/tasks/:taskId/transfer', async (req, res) => {
    const c = await ctx(req);
    const b = parseInput(transferSchema, req.body);
    await engine.transfer(c.actor, req.params.taskId, b.version, b.to, b.comment);
    res.status(204).end();
  });
  router.post('/tasks/:taskId/add-signer', async (req, res) => {
    const c = await ctx(req);
    const b = parseInput(addSignerSchema, req.body);
    await engine.addSigner(c.actor, req.params.taskId, b.version, { position: b.position, users: b.users, comment: b.comment });
    res.status(204).end();
  });
  router.post('/tasks/:taskId/recall', async (req, res) => {
    const c = await ctx(req);
    await engine.recall(c.actor, req.params.taskId, parseInput(optionalComment, req.body).comment);
    res.status(204).end();
  });

  // ---- flows
  router.get('/flows', async (req, res) => {
    await require(await ctx(req), workflowFlowReadPermission);
    res.json({ items: await flows.list() });
  });
  router.post('/flows/check', async (req, res) => {
    await require(await ctx(req), workflowFlowReadPermission);
    res.json({ problems: flows.check(req.body).problems });
  });
  router.get('/flows/:id', async (req, res) => {
    await require(await ctx(req), workflowFlowReadPermission);
    res.json(await flows.get(req.params.id));
  });
  router.get('/flows/:id/versions', async (req, res) => {
    await require(await ctx(req), workflowFlowReadPermission);
    res.json({ items: await flows.versions(req.params.id) });
  });
  router.get('/flows/:id/versions/:number', async (req, res) => {
    await require(await ctx(req), workflowFlowReadPermission);
    res.json(await flows.version(req.params.id, parseInput(versionNumber, req.params).number));
  });
  router.post('/flows', async (req, res) => {
    const c = await ctx(req);
    await require(c, workflowFlowCreatePermission);
    res.status(201).json(await flows.create(c.actor, req.body));
  });
  router.put('/flows/:id', async (req, res) => {
    const c = await ctx(req);
    await require(c, workflowFlowUpdatePermission);
    const b = parseInput(flowPublishSchema, req.body);
    res.json(await flows.publish(c.actor, req.params.id, b.version, b.definition));
  });
  router.delete('/flows/:id', async (req, res) => {
    const c = await ctx(req);
    await require(c, workflowFlowDeletePermission);
    await flows.remove(c.actor, req.params.id, parseInput(deleteQuery, req.query).version);
    res.status(204).end();
  });

  // ---- delegations (one's own)
  router.get('/delegations', async (req, res) => {
    const c = await ctx(req);
    res.json({ items: await delegations.list(c.actor) });
  });
  router.post('/delegations', async (req, res) => {
    const c = await ctx(req);
    res.status(201).json(await delegations.create(c.actor, parseInput(delegationCreateSchema, req.body)));
  });
  router.delete('/delegations/:id', async (req, res) => {
    const c = await ctx(req);
    await delegations.revoke(c.actor, req.params.id);
    res.status(204).end();
  });

  router.use(workflowErrorHandler);
  return router;
}
