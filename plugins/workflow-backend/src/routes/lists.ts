import express from 'express';
import Router from 'express-promise-router';
import type { RequestContext } from '../router';
import type { InboxService } from '../service/InboxService';
import type { InstanceAccess } from '../service/InstanceAccess';

/**
 * The portal inbox's API: 待办 `GET /inbox`, 已办 `GET /tasks/done`, 我发起的
 * `GET /instances/mine`, 抄送我的 `GET /cc` (+ `POST /cc/:id/read`), 审批查询
 * `GET /instances` (by `workflow.instance.read` and its data scope, plus the
 * caller's own), the sidebar badge `GET /counts` and 批量同意
 * `POST /tasks/batch-approve`. Each list is the caller's own; mounted before
 * `/instances/:id` so that `mine` is not taken for an id.
 */
export function createListRoutes(deps: { inbox: InboxService; access: InstanceAccess; ctx: (req: express.Request) => Promise<RequestContext> }) {
  const { inbox, access, ctx } = deps;
  const router = Router();

  router.get('/inbox', async (req, res) => {
    res.json(await inbox.todo((await ctx(req)).actor, req.query));
  });
  router.get('/tasks/done', async (req, res) => {
    res.json(await inbox.done((await ctx(req)).actor, req.query));
  });
  router.get('/instances/mine', async (req, res) => {
    res.json(await inbox.mine((await ctx(req)).actor, req.query));
  });
  router.get('/instances', async (req, res) => {
    const c = await ctx(req);
    res.json(await inbox.instances(c.actor, await access.scope(c.credentials), req.query));
  });
  router.get('/cc', async (req, res) => {
    res.json(await inbox.cc((await ctx(req)).actor, req.query));
  });
  router.post('/cc/:id/read', async (req, res) => {
    await inbox.markCcRead((await ctx(req)).actor, req.params.id);
    res.status(204).end();
  });
  router.get('/counts', async (req, res) => {
    res.json(await inbox.counts((await ctx(req)).actor));
  });
  router.post('/tasks/batch-approve', async (req, res) => {
    const c = await ctx(req);
    res.json(await inbox.batchApprove(c.actor, req.body, c.locale));
  });
  return router;
}
