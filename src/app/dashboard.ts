import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

const STATIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../static/dashboard');
// chart.js exports no subpaths: find its dist folder from the package entry, serve the UMD build.
const CHART_JS = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/**
 * `/dashboard`: a static page (HTML, CSS, one script, Chart.js from node_modules) that signs in with
 * a pasted token (or `?token=`, dropped from the address at once) and reads only the public GraphQL
 * API. No data passes through this route; the page holds the token in sessionStorage.
 */
export function dashboardRouter(): express.Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set({
      'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    next();
  });
  router.get('/', (_req, res) => res.sendFile(path.join(STATIC_DIR, 'index.html')));
  router.get('/vendor/chart.umd.min.js', (_req, res) => res.sendFile(CHART_JS));
  router.use(express.static(STATIC_DIR, { index: false, redirect: false }));
  return router;
}
