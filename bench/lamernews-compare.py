#!/usr/bin/env python3
"""Equal to the original: drives the Lamernews peer (the original app, ../shared/peers via bench/lamernews-compare.sh)
through its API with a scripted history, or compares the peer with this site's gateway after the import.

  lamernews-compare.py history PEER_URL NEWS VOTES COMMENTS [seed]   writes the history into the peer
  lamernews-compare.py compare PEER_URL OURS_URL                     compares what both answer, field by field

History: 60 users, NEWS news (15% text posts, 3% edited, 3% deleted by their author), VOTES news votes (15% down),
COMMENTS comments (40% replies; 5% edited, 3% deleted) and COMMENTS/2 comment votes, in random order per kind.
Compared: /api/getnews/latest (every page), the whole top list (each side against its rank formula, see top()), /api/getcomments/<id> of every live news, /rss,
/user/<name> (karma, posted news, posted comments). Allowed, as documented (README "News" and "Coming from Lamernews"):
numbers instead of strings, no body on a deleted comment, comment order (Lamernews' API does not sort), and the top list's
order where the score formula's fixed quirk (V = U + D) or the lazy re-ranking differ.
"""
import json, math, random, re, subprocess, sys, time, urllib.parse, urllib.request
import xml.etree.ElementTree as ET

def call(base, path, form=None, auth=None, method=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(base + path, data=data, method=method or ("POST" if data is not None else "GET"))
    if auth:
        req.add_header("Cookie", "auth=" + auth)
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read().decode()

def api(base, path, form=None, auth=None, method=None):
    answer = json.loads(call(base, path, form, auth, method))
    if answer.get("status") != "ok":
        raise RuntimeError(f"{path}: {answer}")
    return answer

def submit(peer, form, auth):
    """A submission, waited for past the peer's submission break (1 s here; 60 authors in turn can outrun it)."""
    while True:
        try:
            return api(peer, "/api/submit", form, auth)
        except RuntimeError as e:
            if "too recently" not in str(e):
                raise
            time.sleep(0.2)

def history(peer, news_count, votes, comments, seed):
    rnd = random.Random(seed)
    users = []
    for i in range(60):
        subprocess.run(["redis-cli", "-p", "10000", "del", "limit:create_user.127.0.0.1"], check=True, capture_output=True)
        name = f"peer{i}_{seed}"
        a = api(peer, "/api/create_account", {"username": name, "password": "password1"})
        users.append({"name": name, "auth": a["auth"], "secret": a["apisecret"]})
    posted = []  # (news id, author index)
    deleted = set()
    for i in range(news_count):
        # Authors in turn: the peer's submission break (1 s here; 0 is refused by Redis' SETEX) never bites.
        u = i % len(users); user = users[u]
        text = rnd.random() < 0.15
        form = {"title": f"News {i} from {user['name']}", "url": "" if text else f"https://example.com/{seed}/{i}",
                "text": f"A text post, number {i}.\nSecond line." if text else "", "news_id": "-1", "apisecret": user["secret"]}
        nid = int(submit(peer, form, user["auth"])["news_id"])
        posted.append((nid, u))
        r = rnd.random()
        if r < 0.03:
            form.update(news_id=str(nid), title=f"News {i}, edited")
            api(peer, "/api/submit", form, user["auth"])
        elif r < 0.06:
            api(peer, "/api/delnews", {"news_id": str(nid), "apisecret": user["secret"]}, user["auth"])
            deleted.add(nid)
        if i % 100 == 0:
            print(f"history: {i}/{news_count} news", file=sys.stderr)
    live = [(n, a) for n, a in posted if n not in deleted]
    voted = set((n, a) for n, a in posted)
    done = 0
    while done < votes:
        n, author = rnd.choice(live); v = rnd.randrange(len(users))
        if (n, v) in voted:
            continue
        voted.add((n, v))
        api(peer, "/api/votenews", {"news_id": str(n), "vote_type": "down" if rnd.random() < 0.15 else "up",
                                    "apisecret": users[v]["secret"]}, users[v]["auth"])
        done += 1
        if done % 1000 == 0:
            print(f"history: {done}/{votes} votes", file=sys.stderr)
    threads = {}  # news id -> [(comment id, author)]
    for i in range(comments):
        n, _ = rnd.choice(live); u = rnd.randrange(len(users)); user = users[u]
        thread = threads.setdefault(n, [])
        parent = rnd.choice(thread)[0] if thread and rnd.random() < 0.4 else -1
        a = api(peer, "/api/postcomment", {"news_id": str(n), "comment_id": "-1", "parent_id": str(parent),
                                           "comment": f"Comment {i} by {user['name']}: see https://example.com/c/{i}.", "apisecret": user["secret"]}, user["auth"])
        cid = int(a["comment_id"]); thread.append((cid, u))
        r = rnd.random()
        if r < 0.05:
            api(peer, "/api/postcomment", {"news_id": str(n), "comment_id": str(cid), "parent_id": str(parent),
                                           "comment": f"Comment {i}, edited", "apisecret": user["secret"]}, user["auth"])
        elif r < 0.08:
            api(peer, "/api/postcomment", {"news_id": str(n), "comment_id": str(cid), "parent_id": str(parent),
                                           "comment": "", "apisecret": user["secret"]}, user["auth"])
        if i % 500 == 0:
            print(f"history: {i}/{comments} comments", file=sys.stderr)
    cvoted = set()
    all_comments = [(n, c, a) for n, t in threads.items() for c, a in t]
    for _ in range(comments // 2):
        n, c, author = rnd.choice(all_comments); v = rnd.randrange(len(users))
        if v == author or (n, c, v) in cvoted:
            continue
        cvoted.add((n, c, v))
        api(peer, "/api/votecomment", {"comment_id": f"{n}-{c}", "vote_type": "down" if rnd.random() < 0.2 else "up",
                                       "apisecret": users[v]["secret"]}, users[v]["auth"])
    print(json.dumps({"users": [u["name"] for u in users], "news": len(posted), "deleted": len(deleted)}))

FIELDS = ("id", "title", "url", "ctime", "up", "down", "comments", "username")

def news_list(base, sort):
    items, start = [], 0
    while True:
        page = api(base, f"/api/getnews/{sort}/{start}/32")
        items += page["news"]; start += 32
        if start >= int(page["count"]) or not page["news"]:
            return items

def tree(comments):
    out = []
    for c in comments:
        deleted = str(c.get("del", "0")) not in ("0", "")
        out.append((c["username"], str(c["ctime"]), str(c.get("up", 0)), str(c.get("down", 0)), None if deleted else c.get("body"), deleted,
                    tree(c.get("replies", []))))
    return sorted(out, key=repr)

def rss(base):
    root = ET.fromstring(call(base, "/rss"))
    return sorted(({k: (item.findtext(k) or "").strip() for k in ("title", "link", "guid", "comments")} for item in root.iter("item")),
                  key=lambda i: i["comments"])

def profile(base, name):
    html = call(base, f"/user/{urllib.parse.quote(name)}")
    grab = lambda label: (re.search(rf"<b>{label} </b>(-?\d+)", html) or [None, None])[1]
    return {"karma": grab("karma"), "posted news": grab("posted news"), "posted comments": grab("posted comments")}

def rank(news, now, quirk):
    """Lamernews' rank (reference 1.4) of a news item at Unix second `now`. quirk=True is the peer's score, with
    V = floor(U/2) + floor(D/2) (redis-rb 2.x leftover); False is this site's, V = U + D (the decisions table)."""
    up, down = int(news["up"]), int(news["down"])
    votes = up // 2 + down // 2 if quirk else up + down
    score = up - down + (2 * math.log(votes - 10) if votes > 10 else 0)
    age = now - int(news["ctime"])
    return -age if age > 2592000 else score * 1000000 / ((age + 28800) ** 1.1)

def out_of_order(items, seconds, quirk):
    """Adjacent pairs ranked the wrong way round by the formula, at the best of the seconds the list was read in
    (a read that straddles a second may mix both). Equal ranks (same score, same creation second) may come in any order."""
    def count(now):
        r = [rank(n, now, quirk) for n in items]
        return [(items[i]["id"], items[i + 1]["id"]) for i in range(len(r) - 1) if r[i] < r[i + 1] - 1e-9 * abs(r[i + 1])]
    return min((count(now) for now in seconds), key=len)

def timed(read):
    before = int(time.time()); value = read(); return value, range(before, int(time.time()) + 1)

def top(peer, ours, lazy_front, diff):
    """The top list. Both sites apply the rank formula of reference 1.4 and differ in two documented decisions:
    the score's V (this site V = U + D, Lamernews floor(U/2) + floor(D/2)) and when a rank ages (this site: every read
    is current; Lamernews: only news it displays are re-ranked, lazily). So each side is checked against its own formula,
    over its whole list, on the same vote counts and times (the latest list, compared field by field above):
    the peer's after /api/getnews/top/0/0 has re-ranked every news, ours on every page. What is left between the two
    front pages is then the score decision alone, and the report says how many news it touches."""
    theirs, seconds_a = timed(lambda: api(peer, "/api/getnews/top/0/0")["news"])
    wrong_a = out_of_order(theirs, seconds_a, quirk=True)
    for a, b in wrong_a:
        diff("top order (peer against Lamernews' formula)", f"news {a} above {b}")
    mine, seconds_b = timed(lambda: news_list(ours, "top"))
    wrong_b = out_of_order(mine, seconds_b, quirk=False)
    for a, b in wrong_b:
        diff("top order (ours against the formula with V = U + D)", f"news {a} above {b}")
    if sorted(str(n["id"]) for n in theirs) != sorted(str(n["id"]) for n in mine):
        diff("top members", f"{len(theirs)} vs {len(mine)} news")
    # Ours re-sorted by Lamernews' score must give the peer's front page: places may differ only between equal ranks.
    now = seconds_a[0]
    as_peer = sorted(mine, key=lambda n: -rank(n, now, quirk=True))
    front_a, front_b = [str(n["id"]) for n in theirs[:30]], [str(n["id"]) for n in mine[:30]]
    by_id = {str(n["id"]): n for n in mine}
    for x, y in zip(front_a, (str(n["id"]) for n in as_peer[:30])):
        if x != y and abs(rank(by_id[x], now, True) - rank(by_id[y], now, True)) > 1e-9 * abs(rank(by_id[y], now, True)):
            diff("top 30 (ours ranked by Lamernews' score)", f"peer has {x}, ours re-ranked has {y}")
    bonus = sum(1 for i in set(front_a) | set(front_b) if i in by_id and
                abs(rank(by_id[i], now, True) - rank(by_id[i], now, False)) > 1e-9)
    print(f"top: the peer's {len(theirs)} news in Lamernews' order ({len(wrong_a)} pairs out), "
          f"ours {len(mine)} in the order with V = U + D ({len(wrong_b)} pairs out)")
    print(f"top 30: {sum(x == y for x, y in zip(front_a, front_b))}/30 at the same place, {len(set(front_a) & set(front_b))}/30 on both;"
          f" {bonus} of these news score differently under the two V's; ranked by Lamernews' V, ours gives the peer's 30;"
          f" the peer's lazily ranked front page had {sum(x == y for x, y in zip(lazy_front, front_a))}/30 where its own formula puts them")

def compare(peer, ours, users):
    diffs = {}
    def diff(kind, what):
        diffs.setdefault(kind, []).append(what)
    # The peer's front page as its clients see it, before the reads below age every rank (see top()).
    lazy_front = [str(n["id"]) for n in api(peer, "/api/getnews/top/0/30")["news"]]
    a, b = news_list(peer, "latest"), news_list(ours, "latest")
    # Same creation second: Redis orders the tie by member string (news.cron), this site by id; only that may differ.
    if [str(n["ctime"]) for n in a] != [str(n["ctime"]) for n in b] or sorted(str(n["id"]) for n in a) != sorted(str(n["id"]) for n in b):
        diff("latest order", f"{len(a)} vs {len(b)} news")
    ours_by_id = {str(n["id"]): n for n in b}
    for x in a:
        y = ours_by_id.get(str(x["id"]), {})
        for f in FIELDS:
            if str(x.get(f)) != str(y.get(f)):
                diff(f"latest field {f}", f"news {x['id']}: {x.get(f)!r} vs {y.get(f)!r}")
    top(peer, ours, lazy_front, diff)
    for n in a:
        ca = tree(api(peer, f"/api/getcomments/{n['id']}")["comments"])
        cb = tree(api(ours, f"/api/getcomments/{n['id']}")["comments"])
        if ca != cb:
            diff("comments", f"news {n['id']}: {ca!r:.300} vs {cb!r:.300}")
    ra, rb = rss(peer), rss(ours)
    if len(ra) != len(rb):
        diff("rss", f"{len(ra)} vs {len(rb)} items")
    for x, y in zip(ra, rb):
        if x != y:
            diff("rss item", f"{x} vs {y}")
    for name in users:
        pa, pb = profile(peer, name), profile(ours, name)
        if pa != pb:
            diff("user page", f"{name}: {pa} vs {pb}")
    print(f"compared {len(a)} news, their comment threads, {len(ra)} RSS items, {len(users)} user pages")
    for kind, items in diffs.items():
        print(f"DIFFERENT {kind}: {len(items)}")
        for item in items[:5]:
            print("  " + item)
    print("no difference beyond the documented decisions" if not diffs else f"{sum(map(len, diffs.values()))} differences")
    return 1 if diffs else 0

if __name__ == "__main__":
    if sys.argv[1] == "history":
        history(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]) if len(sys.argv) > 6 else 1)
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3], json.loads(sys.stdin.read())["users"]))
