"""Submits news through /api/submit for bench/memory-per-news.sh.

usage: submit-news.py host port news users run step
Registers (or signs in) `users` authors named after `run`, then submits `news` news with URLs distinct per `step` in
turn from 8 keep-alive connections, and prints how many were not accepted.
"""
import http.client
import json
import sys
import threading
import urllib.parse

host, port, news, users, run, step = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
connections = 8


def post(connection, path, form, auth=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if auth:
        headers["Authorization"] = "Bearer " + auth
    connection.request("POST", path, urllib.parse.urlencode(form), headers)
    return json.loads(connection.getresponse().read())


setup = http.client.HTTPConnection(host, port, timeout=60)
authors = []
for u in range(users):
    credentials = {"username": f"m{run}u{u}", "password": "memory-bench-password"}
    answer = post(setup, "/api/create_account", credentials)
    if answer.get("status") != "ok":
        answer = post(setup, "/api/login", credentials)
    authors.append((answer["auth"], answer["apisecret"]))

refused = [0]


def submit(first):
    connection = http.client.HTTPConnection(host, port, timeout=60)
    for i in range(first, news, connections):
        auth, secret = authors[i % users]
        form = {"apisecret": secret, "title": f"Memory news {step} number {i}", "news_id": "-1",
                "url": f"https://example.com/{step}/articles/{i}", "text": ""}
        if post(connection, "/api/submit", form, auth).get("status") != "ok":
            refused[0] += 1


threads = [threading.Thread(target=submit, args=(t,)) for t in range(connections)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"submitted {news} news by {users} users, {refused[0]} not accepted")
