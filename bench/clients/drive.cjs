// Drives the third-party Lamernews clients installed by run.sh against one gateway and prints one line per check:
// PASS, FAIL (with the request and the answer) or SKIP (with why). Usage: node drive.cjs <base url> <work dir> <mode>
'use strict';
const path = require('path');
const fs = require('fs');
const [base, work, mode] = process.argv.slice(2);
const need = (name) => require(require.resolve(name, { paths: [work] }));
const results = [];
const report = (outcome, what, detail) => {
  results.push(outcome);
  console.log(`${outcome.padEnd(5)} [${mode}] ${what}${detail ? ': ' + detail : ''}`);
};
const short = (value) => { const text = typeof value === 'string' ? value : JSON.stringify(value); return text.length > 300 ? text.slice(0, 300) + '...' : text; };
const callback = (fn) => new Promise((resolve, reject) => fn((err, ...rest) => (err ? reject(err) : resolve(rest))));

async function api(method, route, form, auth) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (auth) headers.Cookie = 'auth=' + auth;
  const response = await fetch(base + route, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined });
  return response.json();
}

async function main() {
  const name = 'cl' + Math.random().toString(36).slice(2, 12);
  const password = 'client-password';
  const account = await api('POST', '/api/create_account', { username: name, password });
  if (account.status !== 'ok') { report('FAIL', 'create_account', short(account)); return; }
  const title = `Client check ${mode} ${Date.now()}`;
  let newsId = null;

  // bevacqua/lamernews-client: login is GET /api/login with the form in the body, then submit.
  const bevacqua = path.join(work, 'bevacqua', 'index.js');
  if (!fs.existsSync(bevacqua)) {
    report('SKIP', 'bevacqua/lamernews-client', 'not on the npm registry; give its repository as CLIENTS_BEVACQUA');
  } else {
    try {
      const client = require(bevacqua).createClient({ api: base });
      await callback((done) => client.login({ username: name, password }, done));
      const [body] = await callback((done) => client.submit({ title, url: `https://example.org/${Date.now()}` }, done));
      newsId = Number(body.news_id);
      report(newsId > 0 ? 'PASS' : 'FAIL', 'bevacqua/lamernews-client login (GET with a form body) + submit', short(body));
    } catch (e) {
      report('FAIL', 'bevacqua/lamernews-client', String(e && e.message || e));
    }
  }
  if (!newsId) {
    const submitted = await api('POST', '/api/submit', { apisecret: account.apisecret, news_id: '-1', title, url: `https://example.org/${Date.now()}`, text: '' }, account.auth);
    newsId = Number(submitted.news_id);
  }
  const comment = await api('POST', '/api/postcomment', { apisecret: account.apisecret, news_id: String(newsId), comment_id: '-1', parent_id: '-1', comment: 'A comment from the client check' }, account.auth);

  // sbruchmann/lamernews-api: getNews for latest and top.
  try {
    const LamernewsAPI = need('lamernews-api');
    const client = new LamernewsAPI(base + '/api/');
    for (const type of ['latest', 'top']) {
      const [body] = await callback((done) => client.getNews({ type, start: 0, count: 10 }, done));
      const listed = body.status === 'ok' && body.news.some((n) => String(n.id) === String(newsId));
      report(listed || type === 'top' ? 'PASS' : 'FAIL', `sbruchmann/lamernews-api getNews ${type}`, `${body.news ? body.news.length : 0} news, count ${body.count}`);
    }
  } catch (e) {
    report('FAIL', 'sbruchmann/lamernews-api', String(e && e.message || e));
  }

  // badsyntax/lamernews-api-client: the typed client generated from the OpenAPI description.
  try {
    const generated = await import(path.join(work, 'node_modules', 'lamernews-api-client', 'lib', 'index.js'));
    const news = new generated.NewsApi(new generated.Configuration({ basePath: base + '/api' }));
    const page = await news.getNews({ sort: 'latest', start: 0, count: 10 });
    report('PASS', 'badsyntax/lamernews-api-client getNews', short(page.news && page.news[0]));
  } catch (e) {
    const message = String(e && e.message || e).split('\n')[0];
    // The published package does not load on Node: its ES modules import './runtime' without the '.js' Node requires.
    const broken = /Cannot find module .*lamernews-api-client\/lib\//.test(message);
    report(broken ? 'SKIP' : 'FAIL', 'badsyntax/lamernews-api-client (npm 0.0.2)', (broken ? 'the package itself does not load on Node: ' : '') + message);
  }

  // The OpenAPI description: every answer of the routes it describes, validated against its response schema.
  const schemaFile = path.join(work, 'schema', 'api', 'lamernews-schema.yml');
  if (!fs.existsSync(schemaFile)) {
    report('SKIP', 'OpenAPI validation', 'api/lamernews-schema.yml is not in the npm package; give the repository as CLIENTS_SCHEMA_REPO');
  } else {
    const doc = need('js-yaml').load(fs.readFileSync(schemaFile, 'utf8'));
    const Ajv = need('ajv');
    const ajv = new (Ajv.default || Ajv)({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'lamernews', components: doc.components });
    // Differences that are not ours to fix: fields where the schema disagrees with what Lamernews itself answers
    // (it echoes postcomment's news_id and parent_id and votecomment's comment_id as sent: strings), and, with the
    // default numbers, the news items' numbers (the decisions table; Lamernews__StringFields=true answers strings).
    const known = {
      PostCommentResponse: mode === 'strings' ? ['/parent_id', '/news_id'] : [],
      VoteCommentResponse: ['/comment_id'],
      GetNewsResponse: mode === 'numbers' ? ['/id', '/up', '/down', '/ctime', '/comments'] : [],
    };
    const check = (what, schema, body) => {
      const validate = ajv.getSchema('lamernews#/components/schemas/' + schema);
      if (validate(body)) { report('PASS', `OpenAPI ${what} is a ${schema}`); return; }
      const expected = known[schema] || [];
      const explained = validate.errors.every((e) => expected.some((field) => e.instancePath.endsWith(field)));
      report(explained ? 'KNOWN' : 'FAIL', `OpenAPI ${what} is a ${schema}`, ajv.errorsText(validate.errors) + ' in ' + short(body)
        + (explained ? ' (as Lamernews answers, or the documented decision)' : ''));
    };
    const login = await (await fetch(`${base}/api/login?username=${name}&password=${password}`)).json();
    check('GET /api/login', 'LoginResponse', login);
    check('GET /api/getnews/latest/0/10', 'GetNewsResponse', await (await fetch(base + '/api/getnews/latest/0/10')).json());
    check('GET /api/getnews/top/0/10', 'GetNewsResponse', await (await fetch(base + '/api/getnews/top/0/10')).json());
    check(`GET /api/getcomments/${newsId}`, 'GetCommentsResponse', await (await fetch(`${base}/api/getcomments/${newsId}`)).json());
    check('POST /api/postcomment', 'PostCommentResponse', comment);
    const other = await api('POST', '/api/create_account', { username: name + 'b', password });
    check('POST /api/votenews', 'VoteNewsResponse', await api('POST', '/api/votenews', { apisecret: other.apisecret, news_id: String(newsId), vote_type: 'up' }, other.auth));
    check('POST /api/votecomment', 'VoteCommentResponse', await api('POST', '/api/votecomment', { apisecret: other.apisecret, comment_id: `${newsId}-${comment.comment_id}`, vote_type: 'up' }, other.auth));
    check('POST /api/submit', 'SubmitResponse', await api('POST', '/api/submit', { apisecret: other.apisecret, news_id: '-1', title: title + ' b', url: `https://example.org/b${Date.now()}`, text: '' }, other.auth));
  }

  // An RSS reader on /rss.
  try {
    const Parser = need('rss-parser');
    const feed = await new Parser().parseURL(base + '/rss');
    const found = feed.items.some((i) => i.title === title);
    report(found ? 'PASS' : 'FAIL', 'rss-parser on /rss', `${feed.items.length} items, channel "${feed.title}"`);
  } catch (e) {
    report('FAIL', 'rss-parser on /rss', String(e && e.message || e));
  }
}

main().then(() => {
  const count = (o) => results.filter((r) => r === o).length;
  console.log(`[${mode}] ${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped, ${count('KNOWN')} known differences`);
  process.exit(count('FAIL') > 0 ? 1 : 0);
}, (e) => { console.error(e); process.exit(1); });
