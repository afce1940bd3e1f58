// The site's only script: forms and votes through /api/*, live updates through /ws, keyboard navigation.
// User text is only ever put into the page with textContent, never as HTML.
(function () {
  'use strict';
  var secret = document.body.dataset.apisecret || null;
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };

  function post(url, params) {
    var body = new URLSearchParams(params);
    if (secret) body.set('apisecret', secret);
    return fetch(url, { method: 'POST', body: body, credentials: 'same-origin' }).then(function (r) {
      var position = Number(r.headers.get('X-Event-Position') || 0);
      return r.json().then(function (json) { json.position = position; return json; });
    });
  }
  function postJson(url, payload) {
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload || {}) })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (j) { j.httpStatus = r.status; return j; }); });
  }
  function showError(form, message) {
    var box = form && form.nextElementSibling && form.nextElementSibling.classList.contains('errormsg') ? form.nextElementSibling : $('.errormsg');
    if (box) box.textContent = message;
  }

  // ---- forms ----
  var login = $('#loginform');
  if (login) login.addEventListener('submit', function (e) {
    e.preventDefault();
    var register = $('#register').checked;
    var params = { username: $('#username').value, password: $('#password').value };
    post(register ? '/api/create_account' : '/api/login', params).then(function (r) {
      // The gateway set the (HttpOnly) auth cookie with the answer.
      if (r.status === 'ok') window.location.href = '/'; else showError(login, r.error);
    });
  });
  var reset = $('#resetform');
  if (reset) reset.addEventListener('submit', function (e) {
    e.preventDefault();
    var query = new URLSearchParams({ username: $('#username').value, email: $('#email').value });
    fetch('/api/reset-password?' + query, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (r) {
      if (r.status === 'ok') window.location.href = '/reset-password-ok'; else showError(reset, r.error);
    });
  });
  var submit = $('#submitform');
  if (submit) submit.addEventListener('submit', function (e) {
    e.preventDefault();
    post('/api/submit', { news_id: '-1', title: $('#title').value, url: $('#url').value, text: $('#text').value }).then(function (r) {
      if (r.status === 'ok') window.location.href = '/news/' + r.news_id; else showError(submit, r.error);
    });
  });
  var profile = $('#profileform');
  if (profile) profile.addEventListener('submit', function (e) {
    e.preventDefault();
    post('/api/updateprofile', { email: $('#email').value, password: $('#password').value, about: $('#about').value }).then(function (r) {
      // A new password ends every session; the answer's cookie keeps this browser signed in with the new token.
      if (r.status === 'ok') window.location.reload(); else showError(profile, r.error);
    });
  });
  $$('.commentform').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var newsId = form.dataset.newsId;
      post('/api/postcomment', { news_id: newsId, comment_id: form.dataset.commentId || '-1', parent_id: form.dataset.parentId, comment: form.comment.value })
        .then(function (r) {
          if (r.status !== 'ok') { showError(form, r.error); return; }
          if (form.dataset.commentId || form.dataset.parentId !== '-1') window.location.href = '/news/' + newsId;
          else { form.comment.value = ''; seen[r.position] = true; window.location.reload(); }
        });
    });
  });
  var logout = $('#logout');
  if (logout) logout.addEventListener('click', function (e) {
    e.preventDefault();
    post('/api/logout', {}).then(function () { window.location.href = '/'; });
  });
  var editNews = $('#editnewsform');
  if (editNews) editNews.addEventListener('submit', function (e) {
    e.preventDefault();
    var newsId = editNews.dataset.newsId;
    var request = $('#del').checked ? post('/api/delnews', { news_id: newsId })
      : post('/api/submit', { news_id: newsId, title: $('#title').value, url: $('#url').value, text: $('#text').value });
    request.then(function (r) {
      if (r.status === 'ok') window.location.href = r.news_id === -1 ? '/' : '/news/' + newsId; else showError(editNews, r.error);
    });
  });

  // ---- accounts ----
  function minor(text) { var n = Math.round(parseFloat(String(text).replace(',', '.')) * 100); return isFinite(n) ? n : NaN; }
  function money(m) { return (m / 100).toFixed(2); }
  $$('.moneyform').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var op = e.submitter ? e.submitter.value : 'deposit';
      postJson('/api/accounts/' + form.dataset.accountId + '/' + op, { amount: minor(form.amount.value) }).then(function (r) {
        if (r.httpStatus >= 400) $('.errormsg').textContent = r.detail || r.title || 'Refused.';
        else { $('.errormsg').textContent = ''; form.amount.value = ''; setBalance(form.dataset.accountId, r.balance); }
      });
    });
  });
  var open = $('#openaccount');
  if (open) open.addEventListener('click', function () { postJson('/api/accounts', { currency: 'EUR' }).then(function () { window.location.reload(); }); });
  var transfer = $('#transferform');
  if (transfer) transfer.addEventListener('submit', function (e) {
    e.preventDefault();
    var id = 't' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    postJson('/api/transfers', { id: id, from: transfer.from.value, to: transfer.to.value.trim(), amount: minor(transfer.amount.value) }).then(function (r) {
      var box = $('.transfermsg');
      if (r.httpStatus >= 400) box.textContent = r.detail || r.title || 'Refused.';
      else box.textContent = 'Transfer ' + r.status + (r.reason ? ': ' + r.reason : '') + '.';
    });
  });
  function setBalance(accountId, balance) {
    if (typeof balance !== 'number') return;
    $$('[data-account-id="' + accountId + '"] .balance, .balance[data-account-id="' + accountId + '"]').forEach(function (el) { el.textContent = money(balance); });
  }

  // ---- votes ----
  var seen = {};   // positions already shown (own writes), so their pushes are not counted twice
  function bump(el, by) { if (el) el.textContent = String(Number(el.textContent) + by); }
  document.addEventListener('click', function (e) {
    var arrow = e.target.closest ? e.target.closest('.uparrow, .downarrow') : null;
    if (!arrow) return;
    e.preventDefault();
    vote(arrow);
  });
  function vote(arrow) {
    if (!secret) { window.location.href = '/login'; return; }
    if (arrow.classList.contains('voted') || arrow.classList.contains('disabled')) return;
    var up = arrow.classList.contains('uparrow');
    var comment = arrow.closest('.comment');
    var article = arrow.closest('article');
    var request = comment
      ? post('/api/votecomment', { comment_id: comment.dataset.commentId, vote_type: up ? 'up' : 'down' })
      : post('/api/votenews', { news_id: article.dataset.newsId, vote_type: up ? 'up' : 'down' });
    request.then(function (r) {
      if (r.status !== 'ok') { alert(r.error); return; }
      seen[r.position] = true;
      arrow.classList.add('voted');
      // The push of this very vote may have come in before the reply did: then the count already has it.
      var shown = Object.keys(lastPosition).some(function (c) { return r.position && lastPosition[c] >= r.position; });
      var other = $(up ? '.downarrow' : '.uparrow', comment ? $('.info', comment) : article);
      if (other) other.classList.add('disabled');
      if (shown) return;
      if (comment) bumpPoints(comment, up ? 1 : -1);
      else bump($(up ? '.upvotes' : '.downvotes', article), 1);
    });
  }
  function bumpPoints(comment, by) {
    var points = $('.points', comment);
    if (!points) return;
    var n = parseInt(points.textContent, 10) + by;
    points.textContent = n + ' point' + (Math.abs(n) > 1 ? 's' : '');
  }

  // ---- live updates over /ws ----
  var channels = (document.body.dataset.channels || '').split(' ').filter(Boolean);
  var lastPosition = {};
  function connect() {
    if (!channels.length || !window.WebSocket) return;
    var ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    var next = 1, confirmed = 0;
    function subscribe(c) { ws.send(JSON.stringify({ event: 'subscribe', data: { channel: c }, id: next++ })); }
    ws.onopen = function () { channels.forEach(subscribe); };
    ws.onmessage = function (m) {
      var msg; try { msg = JSON.parse(m.data); } catch (err) { return; }
      if (msg.event === 'overflow') { window.location.reload(); return; }
      // "Live" once the server has confirmed every channel of the page (ids 1..n): from then on nothing is missed.
      if (msg.event === 'ok' && msg.id <= channels.length && ++confirmed === channels.length) {
        $('#live') && $('#live').classList.add('on');
      }
      if (!msg.channel) return;
      // The front page is a snapshot and then diffs, each applied exactly once in rev order (never skipped by position:
      // counts in it are absolute, so a diff carrying one's own vote cannot count it twice).
      if (msg.channel === 'news.top' || msg.channel === 'news.trending') {
        if (msg.position > (lastPosition[msg.channel] || 0)) lastPosition[msg.channel] = msg.position;
        if (!onTop(msg)) subscribe(msg.channel);
        return;
      }
      if (msg.position && msg.position <= (lastPosition[msg.channel] || 0)) return;
      if (msg.position) lastPosition[msg.channel] = msg.position;
      if (seen[msg.position]) return;
      onPush(msg);
    };
    ws.onclose = function () { $('#live') && $('#live').classList.remove('on'); setTimeout(connect, 2000); };
  }
  function articleOf(newsId) { return $('#newslist article[data-news-id="' + newsId + '"]'); }
  function flash(el) { if (!el) return; el.classList.add('flash'); setTimeout(function () { el.classList.remove('flash'); }, 1200); }
  function onPush(msg) {
    var d = msg.data || {};
    switch (msg.event) {
      case 'news.upvoted': bump($('.upvotes', articleOf(d.news_id)), 1); flash(articleOf(d.news_id)); break;
      case 'news.downvoted': bump($('.downvotes', articleOf(d.news_id)), 1); flash(articleOf(d.news_id)); break;
      case 'news.submitted': if (msg.channel === 'news.latest' && !articleOf(d.news_id)) prependNews(d); break;
      case 'news.edited': var a = articleOf(d.news_id); if (a) $('h2 a', a).textContent = d.title; break;
      case 'news.deleted': var gone = articleOf(d.news_id); if (gone && msg.channel === 'news.latest') gone.remove(); break;
      case 'news.comment-posted': addComment(d); break;
      case 'news.comment-edited': var c = commentOf(d); if (c) $('pre', c).textContent = d.body; break;
      case 'news.comment-deleted': var dc = commentOf(d); if (dc) { $('pre', dc).textContent = ''; $('.info', dc).textContent = '[comment deleted]'; } break;
      case 'news.comment-upvoted': var cu = commentOf(d); if (cu) { bumpPoints(cu, 1); flash(cu); } break;
      case 'news.comment-downvoted': var cd = commentOf(d); if (cd) { bumpPoints(cd, -1); flash(cd); } break;
      default:
        if (msg.channel.indexOf('account.') === 0) setBalance(msg.channel.slice(8), d.balance);
    }
  }
  function commentOf(d) { return $('.comment[data-comment-id="' + d.news_id + '-' + d.comment_id + '"]'); }
  function newsArticle(n) {
    var article = document.createElement('article');
    article.dataset.newsId = n.id;
    var up = document.createElement('a'); up.href = '#up'; up.className = 'uparrow'; up.textContent = '\u25B2';
    var h2 = document.createElement('h2'); var link = document.createElement('a');
    var text = String(n.url).indexOf('text://') === 0;
    link.href = text ? '/news/' + n.id : n.url; link.rel = 'nofollow'; link.textContent = n.title; h2.appendChild(link);
    var down = document.createElement('a'); down.href = '#down'; down.className = 'downarrow'; down.textContent = '\u25BC';
    var p = document.createElement('p');
    var ups = document.createElement('span'); ups.className = 'upvotes'; ups.textContent = n.up || 0;
    var downs = document.createElement('span'); downs.className = 'downvotes'; downs.textContent = n.down || 0;
    var user = document.createElement('a'); user.href = '/user/' + encodeURIComponent(n.username); user.textContent = n.username;
    var comments = document.createElement('a'); comments.href = '/news/' + n.id; comments.className = 'commentcount';
    comments.textContent = (n.comments || 0) + ' comment' + (n.comments === 1 ? '' : 's');
    p.append(ups, ' up and ', downs, ' down, posted by ', user, ' ', comments);
    article.append(up, ' ', h2, ' ', down, p);
    return article;
  }
  // ---- the front page: news.top-snapshot, then news.top-changed diffs {rev, base, set, removed} ----
  // news.trending is the same protocol (news.trending-snapshot, news.trending-changed), its items with an activity count.
  var lists = {};  // channel -> {rev, items: [{id, rank, title, url, up, down, comments, username, ...}] by rank}
  function onTop(msg) {
    var d = msg.data || {}, top = lists[msg.channel];
    if (msg.event === msg.channel + '-snapshot') { top = lists[msg.channel] = { rev: d.rev, items: d.news || [] }; renderTop(top.items); return true; }
    if (msg.event !== msg.channel + '-changed' || !top) return true;
    if (d.rev <= top.rev) return true;          // older than what is shown (a re-sent snapshot overtook it)
    if (d.base !== top.rev) { lists[msg.channel] = null; return false; }  // a gap: ask for a new snapshot, ignore diffs until it comes
    top = lists[msg.channel] = { rev: d.rev, items: applyTopDiff(top.items, d) };
    renderTop(top.items);
    return true;
  }
  function applyTopDiff(items, d) {
    var byId = {};
    items.forEach(function (n) { byId[n.id] = n; });
    (d.removed || []).forEach(function (id) { delete byId[id]; });
    (d.set || []).forEach(function (u) { byId[u.id] = Object.assign({}, byId[u.id] || {}, u); });
    return Object.keys(byId).map(function (k) { return byId[k]; }).sort(function (a, b) { return a.rank - b.rank; });
  }
  function renderTop(items) {
    var list = $('#newslist');
    if (!list) return;
    items.forEach(function (n, i) {
      var article = articleOf(n.id) || newsArticle(n);
      var ups = $('.upvotes', article), downs = $('.downvotes', article);
      var changed = ups && (ups.textContent !== String(n.up) || downs.textContent !== String(n.down));
      if (ups) ups.textContent = n.up;
      if (downs) downs.textContent = n.down;
      var count = $('.commentcount', article); if (count) count.textContent = n.comments + ' comment' + (n.comments === 1 ? '' : 's');
      if (n.activity !== undefined) {
        var activity = $('.activity', article);
        if (!activity) { activity = document.createElement('span'); activity.className = 'activity'; $('p', article).append(' ', activity); }
        if (activity.textContent !== n.activity + ' in the last hour') { activity.textContent = n.activity + ' in the last hour'; changed = true; }
      }
      if (list.children[i] !== article) { list.insertBefore(article, list.children[i] || null); changed = true; }
      if (changed) flash(article);
    });
    var keep = {}; items.forEach(function (n) { keep[n.id] = true; });
    $$('article', list).forEach(function (a) { if (!keep[a.dataset.newsId]) a.remove(); });
  }
  function prependNews(d) {
    var list = $('#newslist');
    if (!list) return;
    var article = newsArticle({ id: d.news_id, title: d.title, url: d.url, username: d.username, up: 1, down: 0, comments: 0 });
    list.insertBefore(article, list.firstChild);
    flash(article);
  }
  function addComment(d) {
    var box = $('#comments');
    if (!box || commentOf(d)) return;
    var parent = d.parent_id === -1 ? null : $('.comment[data-comment-id="' + d.news_id + '-' + d.parent_id + '"]');
    var level = parent ? Number(parent.dataset.level) + 1 : 0;
    var el = document.createElement('article');
    el.className = 'comment'; el.dataset.commentId = d.news_id + '-' + d.comment_id; el.dataset.parentId = d.parent_id; el.dataset.level = level;
    el.style.marginLeft = (level * 60) + 'px';
    var info = document.createElement('span'); info.className = 'info';
    var user = document.createElement('a'); user.href = '/user/' + encodeURIComponent(d.username); user.textContent = d.username;
    var link = document.createElement('a'); link.href = '/comment/' + d.news_id + '/' + d.comment_id; link.textContent = 'link';
    var points = document.createElement('span'); points.className = 'points'; points.textContent = '1 point';
    var up = document.createElement('a'); up.href = '#up'; up.className = 'uparrow'; up.textContent = '\u25B2';
    var down = document.createElement('a'); down.href = '#down'; down.className = 'downarrow'; down.textContent = '\u25BC';
    info.append(user, ' now. ', link, ' ', points, ' ', up, ' ', down);
    var body = document.createElement('pre'); body.textContent = d.body;
    el.append(info, body);
    if (parent) parent.after(el); else box.insertBefore(el, box.firstChild);
    var article = articleOf(d.news_id);
    var count = article && $('.commentcount', article);
    if (count) { var n = parseInt(count.textContent, 10) + 1; count.textContent = n + ' comment' + (n === 1 ? '' : 's'); }
    flash(el);
  }
  connect();

  // ---- /admin/flows: every consumer's flow, the parked events (replayable), a live tail; polled once a second ----
  var flows = $('#flows');
  if (flows) {
    var cell = function (row, text) { var td = document.createElement('td'); td.textContent = text === null || text === undefined ? '' : String(text); row.appendChild(td); return td; };
    var fill = function (tbody, items, draw) {
      var rows = items.map(function (item) { var tr = document.createElement('tr'); draw(tr, item); return tr; });
      tbody.replaceChildren.apply(tbody, rows);
    };
    var flowError = function (text) { $('.errormsg', flows).textContent = text || ''; };
    var replay = function (url) {
      post(url, {}).then(function (r) {
        if (r.requested === undefined) flowError(r.title || 'Replay refused.'); else { flowError(''); refreshFlows(); }
      });
    };
    var refreshFlows = function () {
      fetch(flows.dataset.source, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      }).then(function (s) {
        $('.flows-status', flows).textContent = s.handedOver + ' events handed to delivery; updated ' + new Date().toLocaleTimeString();
        fill($('.flows-consumers tbody', flows), s.consumers, function (tr, c) {
          tr.className = 'flow-consumer';
          tr.dataset.consumer = c.flow.name;
          cell(tr, c.flow.name); cell(tr, c.flow.kind); cell(tr, c.flow.categories.join(' '));
          cell(tr, c.flow.position); cell(tr, (c.flow.lagAtLeast ? '≥ ' : '') + c.flow.lagEvents); cell(tr, c.flow.lagMs);
          cell(tr, c.flow.eventsPerSecond); cell(tr, c.parked).className = c.parked > 0 ? 'parked-count warn' : 'parked-count';
        });
        fill($('.flows-parked tbody', flows), s.parked, function (tr, p) {
          tr.className = 'parked-event';
          tr.dataset.parkedId = p.id;
          cell(tr, p.id); cell(tr, p.consumer); cell(tr, p.typeName + ' v' + p.version); cell(tr, p.streamId);
          cell(tr, p.position); cell(tr, new Date(p.parkedAt).toLocaleTimeString()); cell(tr, p.error);
          var button = document.createElement('button');
          button.className = 'replay';
          button.textContent = 'replay';
          button.addEventListener('click', function () { replay('/admin/flows/parked/' + p.id + '/replay'); });
          cell(tr, '').appendChild(button);
        });
      }).catch(function (e) { flowError('Could not read the flows: ' + e.message); });
    };
    var refreshTail = function () {
      var category = $('#tail-category').value.trim();
      if (!category) return;
      var query = new URLSearchParams({ category: category, filter: $('#tail-filter').value, count: '50' });
      fetch('/admin/flows/tail.json?' + query, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
        return r.json().then(function (j) { if (!r.ok) throw new Error(j.title || 'HTTP ' + r.status); return j; });
      }).then(function (t) {
        fill($('.flows-tail tbody', flows), t.events, function (tr, e) {
          tr.className = 'tail-event';
          cell(tr, e.position); cell(tr, new Date(e.at).toLocaleTimeString()); cell(tr, e.stream); cell(tr, e.version);
          cell(tr, e.type); cell(tr, e.correlationId);
        });
      }).catch(function (e) { flowError(e.message); });
    };
    $('.replay-all', flows).addEventListener('click', function () { replay('/admin/flows/parked/replay'); });
    $('.flows-tailform', flows).addEventListener('submit', function (e) { e.preventDefault(); refreshTail(); });
    $('#tail-filter').addEventListener('input', refreshTail);
    refreshFlows(); refreshTail();
    setInterval(function () { refreshFlows(); refreshTail(); }, 1000);
  }

  // ---- keyboard navigation: j/k next/previous, Enter open, a/z vote, ? help, Esc close ----
  var selected = -1;
  function items() { return $$('#newslist article, #comments .comment'); }
  function select(i) {
    var all = items();
    if (!all.length) return;
    selected = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (a) { a.classList.remove('selected'); });
    all[selected].classList.add('selected');
    all[selected].scrollIntoView({ block: 'nearest' });
  }
  document.addEventListener('click', function (e) {
    var article = e.target.closest ? e.target.closest('#newslist article, #comments .comment') : null;
    if (article) select(items().indexOf(article));
  });
  document.addEventListener('keydown', function (e) {
    var tag = (e.target.tagName || '').toLowerCase();
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || e.ctrlKey || e.metaKey || e.altKey) return;
    var help = $('#keyboard-help');
    var current = items()[selected];
    if (e.key === 'j') select(selected + 1);
    else if (e.key === 'k') select(selected - 1);
    else if (e.key === 'Enter' && current) { var link = $('h2 a', current); if (link) window.location.href = link.href; }
    else if (e.key === 'a' && current) { var up = $('.uparrow', current); if (up) vote(up); }
    else if (e.key === 'z' && current) { var down = $('.downarrow', current); if (down) vote(down); }
    else if (e.key === '?') help.hidden = false;
    else if (e.key === 'Escape') help.hidden = true;
  });
})();
