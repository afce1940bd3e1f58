#!/usr/bin/env python3
"""Fills the Lamernews peer's Redis with a site of N news for bench/size-bench.sh, straight through its key layout
(docs: the reference's Redis data model), as RESP for `redis-cli --pipe`: users user1..U (U = max(1000, N/5), password
"password1", karma 1,000,000), news over 365 days with the same power law of up-votes as the seeder (Pareto shape 1.3,
at most 5,000; ~10% down-votes), each news' vote sets, score and rank, the top and latest lists and the users' posted and
saved lists. No comments (the workload posts none to the peer).
  usage: size-peer-fill.py N [seed]"""
import hashlib, math, random, sys, time

n = int(sys.argv[1]); rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
users = max(1000, n // 5); now = int(time.time()); start = now - 365 * 86400
out = sys.stdout.buffer

def cmd(*args):
    parts = [str(a).encode() for a in args]
    out.write(b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts))

salt = "0" * 40
password = hashlib.pbkdf2_hmac("sha1", b"password1", salt.encode(), 1000, 20).hex()
for u in range(1, users + 1):
    auth = hashlib.sha1(f"auth{u}".encode()).hexdigest(); secret = hashlib.sha1(f"secret{u}".encode()).hexdigest()
    cmd("HMSET", f"user:{u}", "id", u, "username", f"user{u}", "salt", salt, "password", password, "ctime", start,
        "karma", 1000000, "about", "", "email", "", "auth", auth, "apisecret", secret, "flags", "a" if u == 1 else "",
        "karma_incr_time", now)
    cmd("SET", f"username.to.id:user{u}", u); cmd("SET", f"auth:{auth}", u)
cmd("SET", "users.count", users)

def score(up, down):  # Lamernews' own formula, quirk included
    votes = up // 2 + down // 2
    return up - down + (2 * math.log(votes - 10) if votes > 10 else 0)

def rank(s, age):
    return -age if age > 30 * 86400 else s * 1e6 / (age + 28800) ** 1.1

for i in range(1, n + 1):
    ctime = start + int(365 * 86400 * (i - 1 + rnd.random()) / n)
    author = 1 + int(users * rnd.random() ** 2)
    k = min(int((1 - rnd.random()) ** (-1 / 1.3)) - 1, 5000, users - 1)
    voters = set()
    while len(voters) < k:
        v = rnd.randint(1, users)
        if v != author:
            voters.add(v)
    up = [author]; down = []
    for v in voters:
        (down if rnd.random() < 0.1 else up).append(v)
    s = score(len(up), len(down))
    for v in up:
        t = min(now, ctime + int(rnd.expovariate(1 / 21600)))
        cmd("ZADD", f"news.up:{i}", t, v); cmd("ZADD", f"user.saved:{v}", t, i)
    for v in down:
        cmd("ZADD", f"news.down:{i}", min(now, ctime + int(rnd.expovariate(1 / 21600))), v)
    r = rank(s, now - ctime)
    cmd("HMSET", f"news:{i}", "id", i, "title", f"seeded news {i}", "url", f"https://example.com/peer/{i}", "user_id", author,
        "ctime", ctime, "score", s, "rank", r, "up", len(up), "down", len(down), "comments", 0)
    cmd("ZADD", "news.top", r, i); cmd("ZADD", "news.cron", ctime, i); cmd("ZADD", f"user.posted:{author}", ctime, i)
cmd("SET", "news.count", n)
