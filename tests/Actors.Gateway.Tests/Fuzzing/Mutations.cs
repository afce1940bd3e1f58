using System.Text;

namespace Actors.Tests.Fuzzing;

/// <summary>
/// The mutations of a valid request: first on its structure (a value, a type, a name, the body's form, the credentials),
/// then on its bytes (flips, truncation, bytes that are not UTF-8). Each names itself in <c>applied</c>, for the report.
/// </summary>
internal static class Mutations
{
    private static readonly string[] ContentTypes =
    [
        "", "text/plain", "application/json; charset=utf-16", "application/x-www-form-urlencoded; charset=iso-8859-1",
        "multipart/form-data", "multipart/form-data; boundary=x", "application/xml", "a/b/c", ";;;", "application/json, text/plain",
        "APPLICATION/JSON", "application/jsonx", "application/x-www-form-urlencoded", "application/json", "application/problem+json",
        "multipart/form-data; boundary=\"\"", "application/x-www-form-urlencoded; charset=utf-7", "application/x-www-form-urlencoded; charset=nonsense",
        "application/x-www-form-urlencoded; charset=utf-32", "multipart/form-data; boundary=x; charset=utf-7", "application/json; charset=utf-7",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FUZZ"];

    /// <summary>One structural mutation of <paramref name="request"/>.</summary>
    public static void Mutate(FuzzRequest request, FuzzUser user, Random random, List<string> applied)
    {
        switch (random.Next(16))
        {
            case 0 or 1 or 2:
                HostileValue(request, random, applied);
                break;
            case 3:
                if (request.Fields.Count > 0)
                {
                    var i = random.Next(request.Fields.Count);
                    request.Fields[i] = (request.Fields[i].Key, Hostile.WrongType(random));
                    applied.Add($"wrong type of '{request.Fields[i].Key}'");
                }
                else
                {
                    HostileValue(request, random, applied);
                }

                break;
            case 4:
                Repeat(request, random, applied);
                break;
            case 5:
                Drop(request, random, applied);
                break;
            case 6:
                var key = random.Next(3) == 0 ? Hostile.Value(random) is JStr s ? s.Text : "\ud800" : $"extra{random.Next(10)}";
                (random.Next(2) == 0 ? request.Fields : request.Query).Add((key, Hostile.Value(random)));
                request.Body = request.Body == FuzzBody.None && request.Fields.Count > 0 ? FuzzBody.Json : request.Body;
                applied.Add("unknown parameter");
                break;
            case 7:
                if (request.Fields.Count > 0)
                {
                    var i = random.Next(request.Fields.Count);
                    request.Fields[i] = (request.Fields[i].Key, Hostile.Nested(random, random.Next(9, 2000)));
                    applied.Add($"deep nesting in '{request.Fields[i].Key}'");
                }
                else
                {
                    request.Body = FuzzBody.Json;
                    request.Fields.Add(("deep", Hostile.Nested(random, random.Next(9, 2000))));
                    applied.Add("deep nesting in a new body");
                }

                break;
            case 8:
                request.Body = request.Body switch
                {
                    FuzzBody.Form => FuzzBody.Json,
                    FuzzBody.Json => FuzzBody.Form,
                    _ => random.Next(2) == 0 ? FuzzBody.Form : FuzzBody.Json,
                };
                applied.Add($"body as {request.Body}");
                break;
            case 9:
                request.ContentType = Hostile.Pick(random, ContentTypes);
                applied.Add($"content type '{request.ContentType}'");
                break;
            case 10 or 11:
                Credentials(request, user, random, applied);
                break;
            case 12:
                if (random.Next(8) == 0)
                {
                    // Past every body limit: refused unread, never buffered.
                    var size = random.Next(2) == 0 ? random.Next(65_000, 200_000) : random.Next(2_000_000, 4_000_000);
                    request.Fields.Add(("huge", J.S(new string('x', size))));
                    request.Body = request.Body == FuzzBody.None ? FuzzBody.Form : request.Body;
                    applied.Add($"huge body ({size} bytes)");
                }
                else
                {
                    HostileValue(request, random, applied);
                }

                break;
            case 13:
                request.Method = Hostile.Pick(random, Methods);
                applied.Add($"method {request.Method}");
                break;
            case 14:
                var many = random.Next(500, 3000);
                var into = random.Next(2) == 0 ? request.Query : request.Fields;
                for (var i = 0; i < many; i++)
                {
                    into.Add(($"k{i}", J.S("v")));
                }

                request.Body = request.Body == FuzzBody.None && request.Fields.Count > 0 ? FuzzBody.Form : request.Body;
                applied.Add($"{many} parameters");
                break;
            default:
                var (name, value) = random.Next(6) switch
                {
                    0 => ("X-Correlation-Id", Printable(Hostile.Long(random))),
                    1 => ("Origin", "http://evil.example"),
                    2 => ("Idempotency-Key", Printable(Hostile.Value(random) is JStr t ? t.Text : "%zz")),
                    3 => ("Content-Encoding", "gzip"),
                    4 => ("Accept", "application/xml;q=2, */*;q=-1"),
                    _ => ("X-Forwarded-For", "::1, 10.0.0.1, not an address"),
                };
                request.Headers.Add((name, value));
                applied.Add($"header {name}");
                break;
        }
    }

    /// <summary>One mutation of the bytes as written: of the body, or of the target's escapes.</summary>
    public static WrittenRequest MutateBytes(WrittenRequest request, Random random, List<string> applied)
    {
        var body = request.Body;
        if (body is { Length: > 0 } && random.Next(3) > 0)
        {
            var bytes = body.ToList();
            switch (random.Next(4))
            {
                case 0:
                    for (var i = random.Next(1, 9); i > 0; i--)
                    {
                        var at = random.Next(bytes.Count);
                        bytes[at] ^= (byte)(1 << random.Next(8));
                    }

                    applied.Add("bytes flipped");
                    break;
                case 1:
                    bytes = bytes.Take(random.Next(bytes.Count)).ToList();
                    applied.Add("body truncated");
                    break;
                case 2:
                    bytes.InsertRange(random.Next(bytes.Count + 1), Hostile.InvalidUtf8(random));
                    applied.Add("invalid UTF-8 in the body");
                    break;
                default:
                    bytes.InsertRange(random.Next(bytes.Count + 1), Hostile.Pick(random, new byte[][] { [0], [1], [0x1B], [0x7F], [0x0D, 0x0A], [0x08] }));
                    applied.Add("control byte in the body");
                    break;
            }

            return request with { Body = [.. bytes] };
        }

        var target = request.Target;
        var after = target.IndexOf('/', StringComparison.Ordinal) + 1;
        var position = random.Next(after, target.Length + 1);
        var raw = Hostile.Pick(random, ["%zz", "%", "%00", "%c3%28", "%ed%a0%80", "%ff", "//", "/../", "%2e%2e%2f", "?", "#", "&%zz=%zz", ";x=1"]);
        applied.Add($"'{raw}' in the target");
        return request with { Target = target.Insert(position, raw) };
    }

    private static void HostileValue(FuzzRequest request, Random random, List<string> applied)
    {
        var slots = request.PathValues.Count + request.Query.Count + request.Fields.Count;
        if (slots == 0)
        {
            request.Query.Add(("q", Hostile.Value(random)));
            applied.Add("hostile query");
            return;
        }

        var slot = random.Next(slots);
        var value = Hostile.Value(random);
        if (slot < request.PathValues.Count)
        {
            request.PathValues[slot] = (request.PathValues[slot].Name, value);
            applied.Add($"hostile path {{{request.PathValues[slot].Name}}}");
        }
        else if ((slot -= request.PathValues.Count) < request.Query.Count)
        {
            request.Query[slot] = (request.Query[slot].Key, value);
            applied.Add($"hostile query '{request.Query[slot].Key}'");
        }
        else
        {
            slot -= request.Query.Count;
            request.Fields[slot] = (request.Fields[slot].Key, value);
            applied.Add($"hostile '{request.Fields[slot].Key}'");
        }
    }

    private static void Repeat(FuzzRequest request, Random random, List<string> applied)
    {
        var list = request.Fields.Count > 0 && (request.Query.Count == 0 || random.Next(2) == 0) ? request.Fields : request.Query;
        if (list.Count == 0)
        {
            HostileValue(request, random, applied);
            return;
        }

        var (key, value) = list[random.Next(list.Count)];
        var again = random.Next(3) == 0 ? value : Hostile.Value(random);
        list.Insert(random.Next(2) == 0 ? 0 : list.Count, (key, again));
        if (list == request.Fields && random.Next(3) == 0)
        {
            // The same name in the query too: the body should win, as in Rack.
            request.Query.Add((key, Hostile.Value(random)));
        }

        applied.Add($"repeated '{key}'");
    }

    private static void Drop(FuzzRequest request, Random random, List<string> applied)
    {
        var slots = request.PathValues.Count + request.Query.Count + request.Fields.Count;
        if (slots == 0)
        {
            request.Body = FuzzBody.Json;
            applied.Add("empty JSON body");
            return;
        }

        var slot = random.Next(slots);
        if (slot < request.PathValues.Count)
        {
            applied.Add($"path {{{request.PathValues[slot].Name}}} empty");
            request.PathValues[slot] = (request.PathValues[slot].Name, J.S(""));
        }
        else if ((slot -= request.PathValues.Count) < request.Query.Count)
        {
            applied.Add($"query '{request.Query[slot].Key}' dropped");
            request.Query.RemoveAt(slot);
        }
        else
        {
            slot -= request.Query.Count;
            applied.Add($"'{request.Fields[slot].Key}' dropped");
            request.Fields.RemoveAt(slot);
        }
    }

    private static void Credentials(FuzzRequest request, FuzzUser user, Random random, List<string> applied)
    {
        switch (random.Next(9))
        {
            case 0:
                request.Auth = FuzzAuth.None;
                applied.Add("no credentials");
                break;
            case 1:
                request.Token = Printable(Hostile.Value(random) is JStr s ? s.Text : "%zz");
                applied.Add("hostile token");
                break;
            case 2:
                request.Token = new string('a', random.Next(33, 9000));
                applied.Add("long token");
                break;
            case 3:
                request.Headers.Add(("Authorization", "Bearer " + user.Token));
                request.Headers.Add(("Authorization", "Bearer " + Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))));
                applied.Add("two Authorization headers");
                break;
            case 4:
                request.Auth = FuzzAuth.Bearer;
                request.Headers.Add(("Cookie", "auth=" + new string('0', 32) + "; auth=" + user.Token));
                applied.Add("bearer and a cookie of another token");
                break;
            case 5:
                request.Headers.Add(("Authorization", Hostile.Pick(random, ["Bearer", "Bearer ", "bearer  x", "Basic Zm9vOmJhcg==", "Bearer %00", "Bearer \t"])));
                request.Auth = FuzzAuth.None;
                applied.Add("malformed Authorization");
                break;
            case 6:
                request.Headers.Add(("Cookie", Hostile.Pick(random, ["auth", "auth=", "auth=;auth=;", "=;=;", "auth=\"x\"", "auth=%zz", "a=b; auth"])));
                request.Auth = FuzzAuth.None;
                applied.Add("malformed cookie");
                break;
            default:
                var secret = request.Fields.FindIndex(f => f.Key == "apisecret");
                switch (random.Next(4))
                {
                    case 0 when secret >= 0:
                        request.Fields.RemoveAt(secret);
                        applied.Add("apisecret dropped");
                        break;
                    case 1:
                        request.Query.Add(("apisecret", J.S(user.Secret)));
                        applied.Add("apisecret in the query");
                        break;
                    case 2:
                        request.Fields.Add(("apisecret", J.S(user.Secret)));
                        request.Fields.Add(("apisecret", Hostile.Value(random)));
                        applied.Add("apisecret twice, the last hostile");
                        break;
                    default:
                        request.Fields.Add(("apisecret", Hostile.Value(random)));
                        applied.Add("hostile apisecret");
                        break;
                }

                break;
        }
    }

    /// <summary>Text a header can carry (printable ASCII): anything else as its escape.</summary>
    public static string Printable(string text)
    {
        var to = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            to.Append(c is >= ' ' and < '\u007f' ? c.ToString() : Render.Escape(c.ToString()));
        }

        return to.ToString();
    }
}
